//! What a person typed for a topic or a region, matched to its id: the id,
//! any of its names (ru, kk, en) or the start of one, in any case; and for
//! a typo, the closest names to offer as "did you mean …". Pure: the names
//! come from the knowledge base.

use crate::summarize::Knowledge;
use crate::summarize::text::fold;
use crate::text::Lang;

/// The shortest start of a word that is matched as a prefix.
const MIN_PREFIX_CHARS: usize = 3;
/// A word of a name that appears in this many entries or more joins names
/// ("и", "and", "облысы", "Region") and names nothing on its own.
const JOINER_ENTRIES: usize = 3;
/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 4;

/// Topics or regions: each id with its names in every language.
pub struct Names<'k> {
    entries: Vec<(&'k str, Vec<String>)>,
    joiners: Vec<String>,
}

/// What a typed name came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'k> {
    /// One entry: its id.
    Found(&'k str),
    /// Nothing for sure; these are close (possibly none).
    Suggest(Vec<&'k str>),
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

impl<'k> Names<'k> {
    pub fn topics(kb: &'k Knowledge) -> Names<'k> {
        Names::new(
            kb.topic_ids()
                .into_iter()
                .map(|id| (id, langs().map(|l| kb.topic_name(id, l).unwrap_or(id))))
                .collect(),
        )
    }

    pub fn regions(kb: &'k Knowledge) -> Names<'k> {
        Names::new(
            kb.region_ids()
                .into_iter()
                .map(|id| (id, langs().map(|l| kb.region_name(id, l).unwrap_or(id))))
                .collect(),
        )
    }

    /// Sources as `(id, name, host)` rows for [`Names::sources`].
    pub fn source_rows(sources: &[crate::model::Source]) -> Vec<(String, String, String)> {
        sources
            .iter()
            .map(|s| {
                let host = url::Url::parse(&s.url)
                    .ok()
                    .and_then(|u| {
                        u.host_str()
                            .map(|h| h.trim_start_matches("www.").to_string())
                    })
                    .unwrap_or_default();
                (s.id.to_string(), s.name.clone(), host)
            })
            .collect()
    }

    /// News sources by their name and their site's host: rows of
    /// `(id, name, host)`.
    pub fn sources(rows: &'k [(String, String, String)]) -> Names<'k> {
        Names::new(
            rows.iter()
                .map(|(id, name, host)| (id.as_str(), [name.as_str(), host.as_str()]))
                .collect(),
        )
    }

    /// Topics by their English names only: what an English search word
    /// may stand for.
    pub fn english_topics(kb: &'k Knowledge) -> Names<'k> {
        Names::new(
            kb.topic_ids()
                .into_iter()
                .map(|id| (id, [kb.topic_name(id, Lang::En).unwrap_or(id)]))
                .collect(),
        )
    }

    /// The entries every word of `query` names (words of one or two
    /// letters and joining words aside); `None` when a word names none.
    pub fn named_by_every_word(&self, query: &str) -> Option<Vec<&'k str>> {
        let mut found: Vec<&'k str> = Vec::new();
        for w in words(&fold(query)) {
            if w.chars().count() < MIN_PREFIX_CHARS || self.is_joiner(w) {
                continue;
            }
            let id = self.resolve(w)?;
            if !found.contains(&id) {
                found.push(id);
            }
        }
        (!found.is_empty()).then_some(found)
    }

    fn new<const N: usize>(list: Vec<(&'k str, [&'k str; N])>) -> Names<'k> {
        let entries: Vec<(&'k str, Vec<String>)> = list
            .into_iter()
            .map(|(id, names)| {
                let mut all = vec![fold(id)];
                all.extend(names.iter().map(|n| fold(n)));
                (id, all)
            })
            .collect();
        let mut count: std::collections::HashMap<String, usize> = Default::default();
        for (_, names) in &entries {
            let mut seen: Vec<&str> = names.iter().flat_map(|n| words(n)).collect();
            seen.sort_unstable();
            seen.dedup();
            for w in seen {
                *count.entry(w.to_string()).or_default() += 1;
            }
        }
        let joiners = count
            .into_iter()
            .filter(|(_, n)| *n >= JOINER_ENTRIES)
            .map(|(w, _)| w)
            .collect();
        Names { entries, joiners }
    }

    fn is_joiner(&self, word: &str) -> bool {
        self.joiners.iter().any(|j| j == word)
    }

    /// The entries whose id or name is `q`, or starts with it, or has a
    /// word that starts with it (joining words aside).
    fn prefixed(&self, q: &str) -> Vec<&'k str> {
        if self.is_joiner(q) {
            return Vec::new();
        }
        let whole: Vec<&'k str> = self
            .entries
            .iter()
            .filter(|(_, names)| names.iter().any(|n| n.starts_with(q)))
            .map(|(id, _)| *id)
            .collect();
        if !whole.is_empty() || q.chars().count() < MIN_PREFIX_CHARS {
            return whole;
        }
        self.entries
            .iter()
            .filter(|(_, names)| {
                names
                    .iter()
                    .flat_map(|n| words(n))
                    .any(|w| w.starts_with(q) && !self.is_joiner(w))
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// An id, a name or the start of one naming one entry.
    pub fn lookup(&self, typed: &str) -> Lookup<'k> {
        let q = fold(typed.trim());
        if q.is_empty() {
            return Lookup::Suggest(Vec::new());
        }
        if let Some((id, _)) = self.entries.iter().find(|(_, names)| names.contains(&q)) {
            return Lookup::Found(id);
        }
        let prefixed = self.prefixed(&q);
        match prefixed.len() {
            1 => Lookup::Found(prefixed[0]),
            0 => Lookup::Suggest(self.close(&q)),
            _ => Lookup::Suggest(prefixed.into_iter().take(MAX_SUGGESTIONS).collect()),
        }
    }

    /// [`Names::lookup`] when it finds one entry.
    pub fn resolve(&self, typed: &str) -> Option<&'k str> {
        match self.lookup(typed) {
            Lookup::Found(id) => Some(id),
            Lookup::Suggest(_) => None,
        }
    }

    /// Entries with a name or a name word within a few typing mistakes of
    /// `q` (or whose start is), the closest first.
    fn close(&self, q: &str) -> Vec<&'k str> {
        let len = q.chars().count();
        if len < MIN_PREFIX_CHARS {
            return Vec::new();
        }
        let allowed = match len {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        };
        let mut scored: Vec<(usize, &'k str)> =
            self.entries
                .iter()
                .filter_map(|(id, names)| {
                    let candidates = names.iter().map(String::as_str).chain(
                        names.iter().flat_map(|n| words(n)).filter(|w| {
                            !self.is_joiner(w) && w.chars().count() >= MIN_PREFIX_CHARS
                        }),
                    );
                    candidates
                        .flat_map(|c| {
                            let start: String = c.chars().take(len).collect();
                            [strsim::osa_distance(q, c), strsim::osa_distance(q, &start)]
                        })
                        .min()
                        .filter(|d| *d <= allowed)
                        .map(|d| (d, *id))
                })
                .collect();
        scored.sort_by_key(|(d, _)| *d);
        let best = scored.first().map(|(d, _)| *d);
        scored
            .into_iter()
            .filter(|(d, _)| Some(*d) == best)
            .map(|(_, id)| id)
            .take(MAX_SUGGESTIONS)
            .collect()
    }
}

fn langs() -> [Lang; 3] {
    [Lang::Ru, Lang::Kk, Lang::En]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_their_starts_in_three_languages() {
        let kb = Knowledge::embedded();
        let topics = Names::topics(&kb);
        let regions = Names::regions(&kb);
        assert_eq!(topics.resolve("бюджет"), Some("budget_taxes"));
        assert_eq!(topics.resolve("БЮДЖЕТ И НАЛОГИ"), Some("budget_taxes"));
        assert_eq!(topics.resolve("білім"), Some("education"));
        assert_eq!(topics.resolve("Educ"), Some("education"));
        assert_eq!(
            topics.resolve("rural_development"),
            Some("rural_development")
        );
        assert_eq!(regions.resolve("Абай"), Some("abai"));
        assert_eq!(regions.resolve("абайская"), Some("abai"));
        assert_eq!(regions.resolve("Shymkent"), Some("shymkent"));
        // joining words name nothing
        assert_eq!(topics.resolve("and"), None);
        assert_eq!(regions.resolve("область"), None);
    }

    #[test]
    fn typos_get_the_closest_names() {
        let kb = Knowledge::embedded();
        let topics = Names::topics(&kb);
        assert_eq!(
            topics.lookup("здравохранение"),
            Lookup::Suggest(vec!["healthcare"])
        );
        assert_eq!(
            topics.lookup("бюжет"),
            Lookup::Suggest(vec!["budget_taxes"])
        );
        assert_eq!(topics.lookup("астрология"), Lookup::Suggest(vec![]));
        let regions = Names::regions(&kb);
        assert_eq!(regions.lookup("Шымкнет"), Lookup::Suggest(vec!["shymkent"]));
    }

    #[test]
    fn english_search_words_name_topics() {
        let kb = Knowledge::embedded();
        let en = Names::english_topics(&kb);
        assert_eq!(
            en.named_by_every_word("rural elections"),
            Some(vec!["rural_development", "local_elections"])
        );
        assert_eq!(
            en.named_by_every_word("Budget and taxes"),
            Some(vec!["budget_taxes"])
        );
        assert_eq!(en.named_by_every_word("Tokayev"), None);
        assert_eq!(en.named_by_every_word("выборы"), None);
    }
}
