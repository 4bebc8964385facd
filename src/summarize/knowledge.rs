//! The topic taxonomy and the region gazetteer (`data/topics.toml`,
//! `data/regions.toml`), compiled into keyword matchers.
//!
//! Keyword syntax (one string per keyword, words separated by spaces):
//! - `word`   — Russian: matches any form with the same Snowball stem
//!   ("выборы" → выборах, выборов; not "выборочный"); Kazakh (in the `kk`
//!   lists): the word followed by Kazakh suffixes (әкім → әкімдерінің).
//! - `stem*`  — any word starting with `stem` (for compounds).
//! - `=form`  — exactly this form.
//!
//! `exclude` lists forms (same syntax) that never count for the entry.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::SummarizeError;
use super::text::fold;
use crate::text::Lang;
use crate::text::kazakh;

const TOPICS_TOML: &str = include_str!("../../data/topics.toml");
const REGIONS_TOML: &str = include_str!("../../data/regions.toml");

/// The fixed topic ids.
pub const TOPIC_IDS: &[&str] = &[
    "local_elections",
    "local_government",
    "budget_taxes",
    "rural_development",
    "agriculture_land",
    "education",
    "healthcare",
    "digital_state",
    "parliament_reform",
    "party_projects",
    "anti_corruption",
    "social_support",
    "sovereignty_security",
];

/// The fixed region ids.
pub const REGION_IDS: &[&str] = &[
    "abai",
    "akmola",
    "aktobe",
    "almaty_region",
    "atyrau",
    "east_kazakhstan",
    "zhambyl",
    "zhetysu",
    "west_kazakhstan",
    "karaganda",
    "kostanay",
    "kyzylorda",
    "mangystau",
    "pavlodar",
    "north_kazakhstan",
    "turkistan",
    "ulytau",
    "astana",
    "almaty",
    "shymkent",
];

#[derive(Debug, Deserialize)]
struct Names {
    ru: String,
    kk: String,
    en: String,
}

#[derive(Debug, Deserialize)]
struct EntryFile {
    id: String,
    names: Names,
    #[serde(default)]
    ru: Vec<String>,
    #[serde(default)]
    kk: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    /// How readily the topic is the primary one (1.0 by default; lower for
    /// a topic that is mostly the setting of others, like rural life).
    #[serde(default)]
    primary_weight: Option<f32>,
}

#[derive(Debug, Deserialize)]
struct TopicsFile {
    topic: Vec<EntryFile>,
}

#[derive(Debug, Deserialize)]
struct RegionsFile {
    region: Vec<EntryFile>,
}

/// How one word of a keyword matches a token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pat {
    /// A Russian word: the word (folded) and the stems of its case forms.
    RuStem(String, Vec<String>),
    KkRoot(String),
    Prefix(String),
    Exact(String),
}

impl Pat {
    fn key(&self) -> &str {
        match self {
            Pat::RuStem(s, _) | Pat::KkRoot(s) | Pat::Prefix(s) | Pat::Exact(s) => s,
        }
    }
}

/// One compiled keyword: a sequence of word patterns.
#[derive(Debug, Clone)]
pub(crate) struct Keyword {
    pub pats: Vec<Pat>,
    pub entry: usize,
    /// 1.0, or 0.5 for a weak keyword (written `~word`).
    pub weight: f32,
    /// A setting keyword (written `^word`): it says where or who (a
    /// village, an akim), not what the article is about.
    pub setting: bool,
}

/// A topic or a region with its names.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id: String,
    pub names: [String; 3],
    pub primary_weight: f32,
    excludes: Vec<Pat>,
}

/// One keyword found in a run of tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Match {
    pub at: usize,
    pub len: usize,
    pub entry: usize,
    pub weight: f32,
    /// Matched by a setting keyword (`^word`).
    pub setting: bool,
}

/// Keywords of a set of entries, indexed by their first three letters.
#[derive(Debug, Default)]
pub(crate) struct Matcher {
    pub entries: Vec<Entry>,
    pub keywords: Vec<Keyword>,
    index: HashMap<String, Vec<usize>>,
}

/// The Snowball Russian stem of a folded word (the one stemmer of
/// [`crate::text::stem`]).
pub fn ru_stem(word: &str) -> String {
    crate::text::stem::russian_stem(word)
}

fn prefix3(s: &str) -> &str {
    let end = s.char_indices().nth(3).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn compile_word(w: &str, kazakh_list: bool) -> Option<Pat> {
    let w = fold(w.trim());
    if w.is_empty() {
        return None;
    }
    if let Some(e) = w.strip_prefix('=') {
        return Some(Pat::Exact(e.to_string()));
    }
    if let Some(p) = w.strip_suffix('*') {
        return Some(Pat::Prefix(p.to_string()));
    }
    if kazakh_list {
        return Some(Pat::KkRoot(w));
    }
    let stem = ru_stem(&w);
    // a stem this short would match unrelated words: only the form itself
    if stem.chars().count() < 3 {
        return Some(Pat::Exact(w));
    }
    Some(Pat::RuStem(w.clone(), case_stems(&w)))
}

fn compile_keyword(kw: &str, kazakh_list: bool) -> Option<Vec<Pat>> {
    let pats: Vec<Pat> = kw
        .split_whitespace()
        .filter_map(|w| compile_word(w, kazakh_list))
        .collect();
    (!pats.is_empty()).then_some(pats)
}

/// Snowball stems of a word's likely case forms: Snowball does not stem
/// every form of a proper noun alike ("астана" → аста, "астане" → астан).
fn case_stems(w: &str) -> Vec<String> {
    let mut bases = vec![w.to_string()];
    let mut chars = w.chars();
    if chars.next_back().is_some_and(|c| "аяоеыийуь".contains(c)) {
        bases.push(chars.as_str().to_string());
    }
    let mut out: Vec<String> = Vec::new();
    let own = ru_stem(w);
    out.push(own.clone());
    for b in &bases {
        for e in super::lexicon::Lexicon::shared().both(|l| &l.case_form_endings) {
            let st = ru_stem(&format!("{b}{e}"));
            // only stems that keep the word's own stem (no over-matching)
            if st.chars().count() >= own.chars().count()
                && st.starts_with(own.as_str())
                && st.chars().count() <= own.chars().count() + 2
                && !out.contains(&st)
            {
                out.push(st);
            }
        }
    }
    out
}

/// A token prepared for matching: folded form, lazily stemmed.
pub(crate) struct Token<'a> {
    pub folded: &'a str,
    pub stem: std::cell::OnceCell<String>,
    pub capitalized: bool,
}

impl Token<'_> {
    fn stem(&self) -> &str {
        self.stem.get_or_init(|| ru_stem(self.folded))
    }
}

fn pat_matches(p: &Pat, t: &Token) -> bool {
    match p {
        Pat::Exact(e) => t.folded == e,
        Pat::Prefix(s) => t.folded.starts_with(s.as_str()),
        Pat::KkRoot(r) => kazakh::matches_root(t.folded, r),
        Pat::RuStem(w, stems) => {
            t.folded.starts_with(prefix3(w)) && stems.iter().any(|s| t.stem() == s)
        }
    }
}

impl Matcher {
    fn build(files: Vec<EntryFile>, ids: &[&str], what: &str) -> Result<Matcher, SummarizeError> {
        let mut m = Matcher::default();
        for f in files {
            if !ids.contains(&f.id.as_str()) {
                return Err(SummarizeError::Data(format!(
                    "unknown {what} id {:?}",
                    f.id
                )));
            }
            if m.entries.iter().any(|e| e.id == f.id) {
                return Err(SummarizeError::Data(format!(
                    "duplicate {what} id {:?}",
                    f.id
                )));
            }
            let entry = m.entries.len();
            let excludes = f
                .exclude
                .iter()
                .filter_map(|w| {
                    let k = fold(w);
                    let kazakh_word = k.chars().any(super::text::is_kazakh_letter);
                    compile_word(&k, kazakh_word)
                })
                .collect();
            m.entries.push(Entry {
                id: f.id.clone(),
                primary_weight: f.primary_weight.unwrap_or(1.0).clamp(0.0, 10.0),
                names: [f.names.ru, f.names.kk, f.names.en],
                excludes,
            });
            for kw in &f.ru {
                m.add(entry, kw, false);
            }
            for kw in &f.kk {
                m.add(entry, kw, true);
            }
        }
        for id in ids {
            if !m.entries.iter().any(|e| e.id == *id) {
                return Err(SummarizeError::Data(format!("{what} {id:?} is missing")));
            }
        }
        Ok(m)
    }

    fn add(&mut self, entry: usize, kw: &str, kazakh_list: bool) {
        let mut kw = kw.trim();
        let (mut weight, mut setting) = (1.0, false);
        loop {
            if let Some(rest) = kw.strip_prefix('~') {
                weight = 0.5;
                kw = rest;
            } else if let Some(rest) = kw.strip_prefix('^') {
                setting = true;
                kw = rest;
            } else {
                break;
            }
        }
        if let Some(pats) = compile_keyword(kw, kazakh_list) {
            let key = prefix3(pats[0].key()).to_string();
            let idx = self.keywords.len();
            self.keywords.push(Keyword {
                pats,
                entry,
                weight,
                setting,
            });
            self.index.entry(key).or_default().push(idx);
        }
    }

    /// All matches in `tokens`: (token index, token count, entry).
    /// With `consume`, the longest keyword at a position wins and its words
    /// are used up (gazetteer: "Алматы облысы" is not also "Алматы");
    /// without, every entry gets its own longest match (multi-label topics),
    /// and one entry's words are not counted twice. Excluded forms never
    /// count.
    pub fn find(&self, tokens: &[Token], capitalized_only: bool, consume: bool) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        let mut covered: HashMap<usize, usize> = HashMap::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            if capitalized_only && !t.capitalized {
                i += 1;
                continue;
            }
            // (len, entry, weight, setting)
            let mut best: Vec<(usize, usize, f32, bool)> = Vec::new();
            if let Some(cands) = self.index.get(prefix3(t.folded)) {
                for &ki in cands {
                    let kw = &self.keywords[ki];
                    let n = kw.pats.len();
                    if i + n > tokens.len() {
                        continue;
                    }
                    if !consume && covered.get(&kw.entry).is_some_and(|&c| c > i) {
                        continue;
                    }
                    let known = best.iter().position(|b| b.1 == kw.entry || consume);
                    if known.is_some_and(|k| best[k].0 >= n) {
                        continue;
                    }
                    if kw
                        .pats
                        .iter()
                        .zip(&tokens[i..i + n])
                        .all(|(p, tok)| pat_matches(p, tok))
                        && !self.entries[kw.entry]
                            .excludes
                            .iter()
                            .any(|e| pat_matches(e, t))
                    {
                        let hit = (n, kw.entry, kw.weight, kw.setting);
                        match known {
                            Some(k) => best[k] = hit,
                            None => best.push(hit),
                        }
                    }
                }
            }
            if consume {
                if let Some(&(n, e, w, setting)) = best.first() {
                    out.push(Match {
                        at: i,
                        len: n,
                        entry: e,
                        weight: w,
                        setting,
                    });
                    i += n;
                    continue;
                }
            } else {
                for &(n, e, w, setting) in &best {
                    out.push(Match {
                        at: i,
                        len: n,
                        entry: e,
                        weight: w,
                        setting,
                    });
                    covered.insert(e, i + n);
                }
            }
            i += 1;
        }
        if !consume {
            // a name of several words ("Әкімдер мектебі") is one concept: the
            // single words inside it do not count for other topics
            out.sort_by_key(|m| (m.at, std::cmp::Reverse(m.len)));
            let mut span: Option<(usize, usize, usize)> = None; // (end, len, entry)
            out.retain(|m| {
                if let Some((end, len, entry)) = span
                    && m.at < end
                    && m.entry != entry
                    && m.len < len
                    && m.at + m.len <= end
                {
                    return false;
                }
                if m.len >= 2 && span.is_none_or(|(end, _, _)| m.at + m.len > end) {
                    span = Some((m.at + m.len, m.len, m.entry));
                }
                true
            });
        }
        out
    }

    /// True when a one-word keyword matches the token.
    fn keywords_single(&self, t: &[Token]) -> bool {
        self.index.get(prefix3(t[0].folded)).is_some_and(|c| {
            c.iter().any(|&ki| {
                self.keywords[ki].pats.len() == 1 && pat_matches(&self.keywords[ki].pats[0], &t[0])
            })
        })
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }

    fn resolve(&self, q: &str) -> Option<&str> {
        let f = fold(q.trim());
        if f.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .find(|e| e.id == f || e.names.iter().any(|n| fold(n) == f))
            .map(|e| e.id.as_str())
    }
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Ru => 0,
        Lang::Kk => 1,
        Lang::En => 2,
    }
}

/// Topics and regions the summarizer knows, with their keywords.
#[derive(Debug)]
pub struct Knowledge {
    pub(crate) topics: Matcher,
    pub(crate) regions: Matcher,
}

impl Knowledge {
    /// The knowledge built into the binary (`data/topics.toml`, `data/regions.toml`).
    pub fn embedded() -> Knowledge {
        match Knowledge::from_strs(TOPICS_TOML, REGIONS_TOML) {
            Ok(k) => k,
            // the embedded files are checked by a unit test
            Err(e) => panic!("embedded summarizer data is invalid: {e}"),
        }
    }

    /// One embedded knowledge base for the whole process (building it stems
    /// every keyword, a few milliseconds: do it once).
    pub fn shared() -> &'static Knowledge {
        static KB: std::sync::OnceLock<Knowledge> = std::sync::OnceLock::new();
        KB.get_or_init(Knowledge::embedded)
    }

    /// Reads `dir/topics.toml` and `dir/regions.toml`.
    pub fn load(dir: &Path) -> Result<Knowledge, SummarizeError> {
        let read = |name: &str| crate::data::read_text(dir, name);
        Knowledge::from_strs(&read("topics.toml")?, &read("regions.toml")?)
    }

    /// Parses the two TOML documents.
    pub fn from_strs(topics: &str, regions: &str) -> Result<Knowledge, SummarizeError> {
        let t: TopicsFile = toml::from_str(topics).map_err(|e| SummarizeError::Toml {
            file: "topics.toml",
            message: e.to_string(),
        })?;
        let r: RegionsFile = toml::from_str(regions).map_err(|e| SummarizeError::Toml {
            file: "regions.toml",
            message: e.to_string(),
        })?;
        Ok(Knowledge {
            topics: Matcher::build(t.topic, TOPIC_IDS, "topic")?,
            regions: Matcher::build(r.region, REGION_IDS, "region")?,
        })
    }

    /// Adds keywords (same syntax as the data files) to a topic.
    pub fn add_topic_keywords(
        &mut self,
        topic_id: &str,
        lang: Lang,
        stems: &[String],
    ) -> Result<(), SummarizeError> {
        let entry = self
            .topics
            .position(topic_id)
            .ok_or_else(|| SummarizeError::UnknownTopic(topic_id.to_string()))?;
        for s in stems {
            if s.trim().is_empty() {
                continue;
            }
            self.topics.add(entry, s, lang == Lang::Kk);
        }
        Ok(())
    }

    /// True when `word` (capitalised) is a place name of the gazetteer in
    /// any case form.
    pub fn is_place_word(&self, word: &str) -> bool {
        let f = fold(word);
        let t = [Token {
            folded: &f,
            stem: Default::default(),
            capitalized: true,
        }];
        self.regions.keywords_single(&t)
    }

    /// Topic ids in taxonomy order.
    pub fn topic_ids(&self) -> Vec<&str> {
        self.topics.entries.iter().map(|e| e.id.as_str()).collect()
    }

    /// The name of a topic in a language.
    pub fn topic_name(&self, id: &str, lang: Lang) -> Option<&str> {
        self.topics
            .entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.names[lang_index(lang)].as_str())
    }

    /// A topic id from an id or a name in any language, case-insensitive.
    pub fn resolve_topic(&self, q: &str) -> Option<&str> {
        self.topics.resolve(q)
    }

    /// Region ids in gazetteer order.
    pub fn region_ids(&self) -> Vec<&str> {
        self.regions.entries.iter().map(|e| e.id.as_str()).collect()
    }

    /// The name of a region in a language.
    pub fn region_name(&self, id: &str, lang: Lang) -> Option<&str> {
        self.regions
            .entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.names[lang_index(lang)].as_str())
    }

    /// A region id from an id or a name in any language, case-insensitive.
    pub fn resolve_region(&self, q: &str) -> Option<&str> {
        self.regions.resolve(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_is_complete() {
        let k = Knowledge::from_strs(TOPICS_TOML, REGIONS_TOML);
        assert!(k.is_ok(), "{k:?}");
        let k = Knowledge::embedded();
        assert_eq!(k.topic_ids().len(), 13);
        assert_eq!(k.region_ids().len(), 20);
    }

    #[test]
    fn resolve_names() {
        let k = Knowledge::embedded();
        assert_eq!(k.resolve_topic("LOCAL_ELECTIONS"), Some("local_elections"));
        assert_eq!(k.resolve_region("Туркестанская область"), Some("turkistan"));
        assert_eq!(k.resolve_region("Shymkent"), Some("shymkent"));
        assert_eq!(k.resolve_topic("nonsense"), None);
    }

    #[test]
    fn add_keywords() {
        let mut k = Knowledge::embedded();
        assert!(
            k.add_topic_keywords("education", Lang::Ru, &["квантори*".to_string()])
                .is_ok()
        );
        assert!(matches!(
            k.add_topic_keywords("nope", Lang::Ru, &[]),
            Err(SummarizeError::UnknownTopic(_))
        ));
    }

    #[test]
    fn load_reads_edited_files() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let topics = TOPICS_TOML
            .replace("\"квантори*\"", "")
            .replace("\"обучени*\"", "\"квантори*\"");
        std::fs::write(dir.path().join("topics.toml"), topics).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("regions.toml"), REGIONS_TOML)
            .unwrap_or_else(|e| panic!("{e}"));
        let k = Knowledge::load(dir.path());
        assert!(k.is_ok(), "{k:?}");
        std::fs::write(
            dir.path().join("regions.toml"),
            "[[region]]\nid = \"mars\"\nnames = { ru = \"Марс\", kk = \"Марс\", en = \"Mars\" }\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Knowledge::load(dir.path()),
            Err(SummarizeError::Data(_))
        ));
        std::fs::write(dir.path().join("regions.toml"), "not = [toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Knowledge::load(dir.path()),
            Err(SummarizeError::Toml { .. })
        ));
    }

    #[test]
    fn moderator_keywords_count() {
        let mut k = Knowledge::embedded();
        let text = crate::summarize::ArticleInput {
            title: "Квантовые компьютеры в аулах",
            text: "Квантовые компьютеры и квантовые сети.",
            ..Default::default()
        };
        let before = crate::summarize::summarize(&text, &k);
        assert!(
            !before.topics.iter().any(|t| t.id == "digital_state"),
            "{:?}",
            before.topics
        );
        assert!(
            k.add_topic_keywords("digital_state", Lang::Ru, &["квантов*".to_string()])
                .is_ok()
        );
        let after = crate::summarize::summarize(&text, &k);
        assert!(
            after.topics.iter().any(|t| t.id == "digital_state"),
            "{:?}",
            after.topics
        );
    }

    #[test]
    fn load_falls_back_to_the_built_in_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("topics.toml"), "not = [toml").unwrap();
        // A broken edited file is reported; a missing one is the built-in twin.
        let r = Knowledge::load(dir.path());
        assert!(matches!(r, Err(SummarizeError::Toml { .. })), "{r:?}");
        let kb = Knowledge::load(Path::new("/nonexistent/civic-digest")).unwrap();
        assert!(!kb.topic_ids().is_empty());
    }

    #[test]
    fn short_stem_does_not_overmatch() {
        let m = Knowledge::embedded();
        let words = ["выборочный", "выборы"];
        let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
        let toks: Vec<Token> = folded
            .iter()
            .map(|f| Token {
                folded: f,
                stem: Default::default(),
                capitalized: false,
            })
            .collect();
        let hits = m.topics.find(&toks, false, false);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].at, 1);
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    #[test]
    fn places_in_case_forms() {
        let k = Knowledge::embedded();
        for w in [
            "Астане",
            "Астана",
            "Шымкенте",
            "Ақтөбеде",
            "Туркестанской",
            "Түркістан",
            "Алматы",
            "Караганде",
        ] {
            assert!(k.is_place_word(w), "{w}: {:?}", ru_stem(&fold(w)));
        }
        assert!(!k.is_place_word("Кошанов"));
    }
}

#[cfg(test)]
mod shared_tests {
    use super::*;

    #[test]
    fn shared_is_built_once() {
        let a = Knowledge::shared() as *const Knowledge;
        let b = Knowledge::shared() as *const Knowledge;
        assert_eq!(a, b);
        assert_eq!(
            Knowledge::shared().topic_name("education", Lang::Kk),
            Some("Білім беру")
        );
        assert_eq!(
            Knowledge::shared().region_name("shymkent", Lang::En),
            Some("Shymkent")
        );
    }
}
