//! Stems for full-text search, so that «выборы» finds «выборов» and
//! «әкім» finds «әкімдерінің».
//!
//! Russian goes through the Snowball stemmer (`rust-stemmers`). No
//! maintained crate stems Kazakh, so `crate::text::kazakh` peels plural,
//! possessive and case endings off the end (Kazakh is agglutinative and
//! regular), which gets back to the root well enough for search. A word is indexed under both stems when they differ, because a
//! Kazakh word need not contain a Kazakh-only letter (мектептерде).

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

fn russian() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Russian))
}

/// Peels Kazakh endings off `word` (lowercase), keeping a root of at least
/// three letters with a vowel (the endings: `crate::text::kazakh`).
pub fn kazakh_stem(word: &str) -> String {
    super::kazakh::stem(word)
}

/// The Snowball Russian stem of a lowercase word.
pub fn russian_stem(word: &str) -> String {
    russian().stem(word).into_owned()
}

/// Lowercases, folds ё to е and splits into words of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
}

/// The stems of one word: one, or two when Russian and Kazakh disagree.
pub fn stems_of(word: &str) -> Vec<String> {
    if word.chars().all(|c| c.is_ascii_alphanumeric()) {
        return vec![word.to_string()];
    }
    let ru = russian_stem(word);
    let kk = kazakh_stem(word);
    if ru == kk { vec![ru] } else { vec![ru, kk] }
}

/// The text as a line of stems, for the search index.
pub fn index_terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        for stem in stems_of(&word) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&stem);
        }
    }
    out
}

/// A user's search words as an FTS5 query: every word must match, in any
/// of its stems. `None` when the query has no word in it.
pub fn match_query(query: &str) -> Option<String> {
    let clauses: Vec<String> = words(query)
        .take(16)
        .map(|w| {
            let alts: Vec<String> = stems_of(&w).iter().map(|s| format!("\"{s}\"")).collect();
            format!("({})", alts.join(" OR "))
        })
        .collect();
    if clauses.is_empty() {
        None
    } else {
        Some(clauses.join(" AND "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_inflections_share_a_stem() {
        assert_eq!(russian_stem("выборы"), russian_stem("выборов"));
        assert_eq!(russian_stem("акимов"), russian_stem("акимы"));
    }

    #[test]
    fn kazakh_suffixes_peel_back_to_the_root() {
        assert_eq!(kazakh_stem("әкімдерінің"), "әкім");
        assert_eq!(kazakh_stem("мектептерде"), "мектеп");
        assert_eq!(kazakh_stem("облысында"), "облыс");
        assert_eq!(kazakh_stem("ауыл"), "ауыл");
    }

    #[test]
    fn query_lists_every_stem() {
        let q = match_query("Выборы әкімдерінің").unwrap();
        assert!(q.contains("\"выбор\""), "{q}");
        assert!(q.contains("\"әкім\""), "{q}");
        assert!(match_query("  ,.; ").is_none());
        // quotes in a query cannot break out of the FTS string
        assert!(!match_query("\"drop\" OR").unwrap().contains("\"\""));
    }
}
