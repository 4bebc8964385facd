//! Scoring the summarizer against gold-annotated articles (the format of
//! `tests/data/summarize/README.md`), per language: `ru`, `kk` (Cyrillic)
//! and `kk-Latn`. Shared by `examples/eval_summarize.rs` and the regression
//! test, so both count the same way.
//!
//! A predicted quote matches a gold one when the F1 of their lowercased word
//! tokens (ё→е) is at least 0.8, one-to-one. Speaker accuracy is over matched
//! quotes: the speaker (and `via`, when the gold has one) must be equal after
//! normalisation (case, ё, dashes, spaces).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{ArticleInput, Knowledge, Summary, summarize, summarize_plain_text};

/// One gold quote.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldQuote {
    pub text: String,
    pub speaker: Option<String>,
    pub via: Option<String>,
}

/// One gold article.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub id: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    pub text_file: Option<String>,
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
    #[serde(default)]
    pub non_quotes: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    pub primary_topic: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub people: Vec<String>,
}

/// Precision / recall counts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Prf {
    pub fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// `a / b`, 1.0 when there is nothing to count.
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The figures of a set of articles.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub articles: usize,
    pub quotes: Prf,
    pub speaker_ok: usize,
    pub speaker_n: usize,
    pub non_quotes_taken: usize,
    pub topics: Prf,
    pub primary_ok: usize,
    pub primary_n: usize,
    /// Articles with gold topics that got none.
    pub topicless: usize,
    pub regions: Prf,
    pub people: Prf,
}

impl Stats {
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_ok, self.speaker_n)
    }
    pub fn primary_accuracy(&self) -> f64 {
        ratio(self.primary_ok, self.primary_n)
    }
    fn add(&mut self, o: &Stats) {
        self.articles += o.articles;
        self.quotes.add(&o.quotes);
        self.speaker_ok += o.speaker_ok;
        self.speaker_n += o.speaker_n;
        self.non_quotes_taken += o.non_quotes_taken;
        self.topics.add(&o.topics);
        self.primary_ok += o.primary_ok;
        self.primary_n += o.primary_n;
        self.topicless += o.topicless;
        self.regions.add(&o.regions);
        self.people.add(&o.people);
    }

    /// The figures as lines of text, each prefixed by `label`.
    pub fn report(&self, label: &str) -> String {
        format!(
            "{label} articles {}\n\
             {label} quotes   P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {}); non-quotes taken {}\n\
             {label} speakers accuracy {:.3} ({}/{})\n\
             {label} topics   micro-P {:.3}  micro-R {:.3}  micro-F1 {:.3}  primary {:.3} ({}/{})  topicless {}\n\
             {label} regions  P {:.3}  R {:.3}  F1 {:.3}\n\
             {label} people   P {:.3}  R {:.3}  F1 {:.3}\n",
            self.articles,
            self.quotes.p(),
            self.quotes.r(),
            self.quotes.f1(),
            self.quotes.tp,
            self.quotes.fp,
            self.quotes.fn_,
            self.non_quotes_taken,
            self.speaker_accuracy(),
            self.speaker_ok,
            self.speaker_n,
            self.topics.p(),
            self.topics.r(),
            self.topics.f1(),
            self.primary_accuracy(),
            self.primary_ok,
            self.primary_n,
            self.topicless,
            self.regions.p(),
            self.regions.r(),
            self.regions.f1(),
            self.people.p(),
            self.people.r(),
            self.people.f1(),
        )
    }
}

/// Figures of one directory: all articles and per language group.
#[derive(Debug, Default, Clone)]
pub struct SetStats {
    pub all: Stats,
    pub by_lang: BTreeMap<String, Stats>,
    /// Per-article error lines (`id: …`).
    pub log: Vec<String>,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

/// F1 of the word tokens of `a` and `b`.
pub fn token_f1(a: &str, b: &str) -> f64 {
    let wa = words(a);
    let wb = words(b);
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, i32> = HashMap::new();
    for w in &wb {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let mut common = 0;
    for w in &wa {
        if let Some(c) = counts.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let p = common as f64 / wa.len() as f64;
    let r = common as f64 / wb.len() as f64;
    2.0 * p * r / (p + r)
}

/// A name or speaker folded for comparison.
pub fn norm(s: Option<&str>) -> String {
    s.unwrap_or("")
        .to_lowercase()
        .replace('ё', "е")
        .replace(['‑', '–', '—'], "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `ru`, `kk` or `kk-Latn` (Kazakh whose letters are mostly Latin).
pub fn lang_group(gold: &Gold, text: &str) -> String {
    let lang = if gold.language.is_empty() {
        "ru"
    } else {
        gold.language.as_str()
    };
    if lang == "kk" {
        let (mut lat, mut cyr) = (0usize, 0usize);
        for c in text.chars().filter(|c| c.is_alphabetic()).take(4000) {
            if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) {
                lat += 1;
            } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
                cyr += 1;
            }
        }
        if lat > cyr {
            return "kk-Latn".to_string();
        }
    }
    lang.to_string()
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(90).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// Scores one article's summary against its gold.
pub fn score(gold: &Gold, summary: &Summary, log: &mut Vec<String>) -> Stats {
    let mut st = Stats {
        articles: 1,
        ..Stats::default()
    };
    // quotes: greedy one-to-one by best F1
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (pi, p) in summary.quotes.iter().enumerate() {
        for (gi, g) in gold.quotes.iter().enumerate() {
            let s = token_f1(&p.text, &g.text);
            if s >= 0.8 {
                pairs.push((s, pi, gi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut pm = vec![None; summary.quotes.len()];
    let mut gm = vec![None; gold.quotes.len()];
    for (_, pi, gi) in pairs {
        if pm[pi].is_none() && gm[gi].is_none() {
            pm[pi] = Some(gi);
            gm[gi] = Some(pi);
        }
    }
    for (pi, p) in summary.quotes.iter().enumerate() {
        match pm[pi] {
            Some(gi) => {
                st.quotes.tp += 1;
                let g = &gold.quotes[gi];
                st.speaker_n += 1;
                let ok = norm(p.speaker.as_deref()) == norm(g.speaker.as_deref())
                    && (g.via.is_none() || norm(p.via.as_deref()) == norm(g.via.as_deref()));
                if ok {
                    st.speaker_ok += 1;
                } else {
                    log.push(format!(
                        "  SPEAKER  got {:?} via {:?}, gold {:?} via {:?}: {}",
                        p.speaker,
                        p.via,
                        g.speaker,
                        g.via,
                        short(&g.text)
                    ));
                }
            }
            None => {
                st.quotes.fp += 1;
                log.push(format!("  FP quote [{:?}]: {}", p.speaker, short(&p.text)));
            }
        }
    }
    for (gi, g) in gold.quotes.iter().enumerate() {
        if gm[gi].is_none() {
            st.quotes.fn_ += 1;
            log.push(format!("  FN quote [{:?}]: {}", g.speaker, short(&g.text)));
        }
    }
    for nq in &gold.non_quotes {
        if summary.quotes.iter().any(|q| token_f1(&q.text, nq) >= 0.8) {
            st.non_quotes_taken += 1;
            log.push(format!("  NON-QUOTE taken as quote: {nq}"));
        }
    }
    // topics
    let got: Vec<&str> = summary.topics.iter().map(|t| t.id.as_str()).collect();
    for t in &got {
        if gold.topics.iter().any(|g| g == t) {
            st.topics.tp += 1;
        } else {
            st.topics.fp += 1;
            log.push(format!("  FP topic {t}"));
        }
    }
    for g in &gold.topics {
        if !got.contains(&g.as_str()) {
            st.topics.fn_ += 1;
            log.push(format!("  FN topic {g}"));
        }
    }
    if !gold.topics.is_empty() && got.is_empty() {
        st.topicless += 1;
    }
    if let Some(pt) = &gold.primary_topic {
        st.primary_n += 1;
        if summary.primary_topic() == Some(pt.as_str()) {
            st.primary_ok += 1;
        } else {
            log.push(format!(
                "  PRIMARY got {:?}, gold {pt}",
                summary.primary_topic()
            ));
        }
    }
    // regions
    for r in &summary.regions {
        if gold.regions.contains(r) {
            st.regions.tp += 1;
        } else {
            st.regions.fp += 1;
            log.push(format!("  FP region {r}"));
        }
    }
    for g in &gold.regions {
        if !summary.regions.contains(g) {
            st.regions.fn_ += 1;
            log.push(format!("  FN region {g}"));
        }
    }
    // people
    for p in &summary.people {
        if gold.people.iter().any(|g| norm(Some(g)) == norm(Some(p))) {
            st.people.tp += 1;
        } else {
            st.people.fp += 1;
            log.push(format!("  FP person {p}"));
        }
    }
    for g in &gold.people {
        if !summary
            .people
            .iter()
            .any(|p| norm(Some(g)) == norm(Some(p)))
        {
            st.people.fn_ += 1;
            log.push(format!("  FN person {g}"));
        }
    }
    st
}

/// The `*.json` gold files directly in `dir` (not in its subfolders), sorted.
pub fn gold_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// The held-back sets: every folder directly in `dir` whose name starts
/// with `validation` (`validation/`, `validation2/`, …), sorted by name.
pub fn held_back_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let held_back = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("validation"));
        if held_back && path.is_dir() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The row label of a held-back set: `val` for `validation/`, `val2` for
/// `validation2/`, `val-x` for `validation-x/`.
pub fn held_back_label(name: &str) -> String {
    format!("val{}", name.trim_start_matches("validation"))
}

/// One gold article read and summarised: the gold, its title and text, the
/// summary.
pub struct Evaluated {
    pub gold: Gold,
    pub title: String,
    pub text: String,
    pub summary: Summary,
}

/// Reads and summarises one gold file; `shared` resolves `text_file`.
/// `Ok(None)` when its `text_file` is not there (a fresh clone).
pub fn evaluate_file(
    path: &Path,
    shared: &Path,
    kb: &Knowledge,
) -> Result<Option<Evaluated>, String> {
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let gold: Gold = serde_json::from_str(&raw).map_err(|e| format!("{}: {e}", path.display()))?;
    let (title, text, summary) = match &gold.text_file {
        Some(tf) => {
            let Ok(p) = std::fs::read_to_string(shared.join(tf)) else {
                return Ok(None);
            };
            let summary = summarize_plain_text(&p, kb);
            let t = p.trim_start();
            let (title, text) = t.split_once('\n').unwrap_or((t, ""));
            (title.trim().to_string(), text.to_string(), summary)
        }
        None => {
            let input = ArticleInput {
                url: None,
                title: gold.title.trim(),
                text: &gold.text,
                published_at: None,
            };
            let summary = summarize(&input, kb);
            (gold.title.clone(), gold.text.clone(), summary)
        }
    };
    Ok(Some(Evaluated {
        gold,
        title,
        text,
        summary,
    }))
}

/// Scores every gold file of `dir`.
pub fn evaluate_dir(dir: &Path, shared: &Path, kb: &Knowledge) -> Result<SetStats, String> {
    let mut out = SetStats::default();
    let files = gold_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for f in &files {
        let Some(ev) = evaluate_file(f, shared, kb)? else {
            continue;
        };
        let mut log = Vec::new();
        let st = score(&ev.gold, &ev.summary, &mut log);
        let group = lang_group(&ev.gold, &format!("{}\n{}", ev.title, ev.text));
        out.all.add(&st);
        out.by_lang.entry(group).or_default().add(&st);
        if !log.is_empty() {
            out.log.push(format!(
                "{} ({})",
                ev.gold.id,
                f.file_name().and_then(|n| n.to_str()).unwrap_or("")
            ));
            out.log.extend(log);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_validation_folder_is_a_held_back_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        for d in ["validation2", "validation", "other", "validation_x"] {
            std::fs::create_dir(dir.path().join(d)).expect("mkdir");
        }
        std::fs::write(dir.path().join("validation3.json"), "{}").expect("write");
        let names: Vec<String> = held_back_dirs(dir.path())
            .expect("read")
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, ["validation", "validation2", "validation_x"]);
        assert_eq!(held_back_label("validation"), "val");
        assert_eq!(held_back_label("validation2"), "val2");
    }

    #[test]
    fn token_f1_ignores_case_and_punctuation() {
        assert!((token_f1("Мы построим школу!", "мы построим школу") - 1.0).abs() < 1e-9);
        assert_eq!(token_f1("один", "два"), 0.0);
    }

    #[test]
    fn latin_kazakh_is_its_own_group() {
        let g = Gold {
            id: "x".into(),
            language: "kk".into(),
            title: String::new(),
            text: String::new(),
            text_file: None,
            quotes: vec![],
            non_quotes: vec![],
            topics: vec![],
            primary_topic: None,
            regions: vec![],
            people: vec![],
        };
        assert_eq!(lang_group(&g, "Aýyl ákimi jańa mektep saldy"), "kk-Latn");
        assert_eq!(lang_group(&g, "Ауыл әкімі жаңа мектеп салды"), "kk");
    }

    #[test]
    fn wrong_speaker_is_counted() {
        let g = Gold {
            id: "x".into(),
            language: "ru".into(),
            title: String::new(),
            text: String::new(),
            text_file: None,
            quotes: vec![GoldQuote {
                text: "Мы построим школу".into(),
                speaker: Some("Болат Жумабеков".into()),
                via: None,
            }],
            non_quotes: vec![],
            topics: vec!["education".into()],
            primary_topic: Some("education".into()),
            regions: vec![],
            people: vec![],
        };
        let s = Summary {
            quotes: vec![super::super::Quote {
                text: "Мы построим школу".into(),
                speaker: Some("Туск".into()),
                speaker_role: None,
                via: None,
                score: 1.0,
            }],
            ..Summary::default()
        };
        let st = score(&g, &s, &mut Vec::new());
        assert_eq!((st.quotes.tp, st.speaker_ok, st.topicless), (1, 0, 1));
    }
}
