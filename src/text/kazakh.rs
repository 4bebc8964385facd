//! Kazakh morphology, the one place that knows Kazakh suffixes: a Kazakh
//! word is its root plus a chain of inflectional suffixes (plural,
//! possessive, case), e.g. әкім + дер + і + нің. No analyser crate covers
//! Kazakh, so the suffixes are data (`data/lexicon/kk.toml`:
//! `kazakh_suffixes`, and `kazakh_search_endings`, what search peels off).
//! The summarizer matches roots through [`is_suffix_chain`] and
//! [`matches_root`]; search stems with [`stem`].

use std::sync::LazyLock;

use serde::Deserialize;

const KK_TOML: &str = include_str!("../../data/lexicon/kk.toml");

#[derive(Debug, Default, Deserialize)]
struct Tables {
    #[serde(default)]
    kazakh_suffixes: Vec<String>,
    #[serde(default)]
    kazakh_search_endings: Vec<String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    toml::from_str(KK_TOML).unwrap_or_else(|e| {
        log::error!("text: lexicon/kk.toml is not valid: {e}");
        Tables::default()
    })
});

/// True when `rest` is a chain of at most four Kazakh suffixes (or empty).
pub fn is_suffix_chain(rest: &str) -> bool {
    chain(&TABLES.kazakh_suffixes, rest, 4)
}

fn chain(suffixes: &[String], rest: &str, depth: usize) -> bool {
    if rest.is_empty() {
        return true;
    }
    if depth == 0 {
        return false;
    }
    suffixes.iter().any(|s| {
        rest.strip_prefix(s.as_str())
            .is_some_and(|r| chain(suffixes, r, depth - 1))
    })
}

/// True when the (folded) `word` is the (folded) `root` with Kazakh
/// suffixes; a root ending in п/к/қ also matches its voiced form before a
/// vowel (кітап → кітабы).
pub fn matches_root(word: &str, root: &str) -> bool {
    if let Some(rest) = word.strip_prefix(root) {
        return is_suffix_chain(rest);
    }
    let mut chars = root.chars();
    let last = chars.next_back();
    let voiced = match last {
        Some('п') => 'б',
        Some('к') => 'г',
        Some('қ') => 'ғ',
        _ => return false,
    };
    let base = chars.as_str();
    word.strip_prefix(base)
        .and_then(|r| r.strip_prefix(voiced))
        .is_some_and(|r| !r.is_empty() && is_suffix_chain(r))
}

const VOWELS: &str = "аәеиоөуұүыіэюяё";

fn vowel_count(s: &str) -> usize {
    s.chars().filter(|c| VOWELS.contains(*c)).count()
}

/// The search stem of a (lowercase) word: endings peeled off the end, the
/// first that fits in the data's order each time, keeping a root of at
/// least three letters with a vowel.
pub fn stem(word: &str) -> String {
    let mut stem = word.to_string();
    loop {
        let before = stem.len();
        for suffix in &TABLES.kazakh_search_endings {
            if let Some(rest) = stem.strip_suffix(suffix.as_str())
                && rest.chars().count() >= 3
                && vowel_count(rest) >= 1
            {
                stem = rest.to_string();
                break;
            }
        }
        if stem.len() == before {
            return stem;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn akim_forms() {
        assert!(matches_root("әкімдерінің", "әкім"));
        assert!(matches_root("ақтөбеде", "ақтөбе"));
        assert!(matches_root("облысында", "облыс"));
        assert!(matches_root("тоқаевтың", "тоқаев"));
        assert!(!matches_root("әкімшілікпенбірге", "әкім"));
        assert!(!matches_root("сайлаушыларымыздыңқалай", "сайла"));
    }

    #[test]
    fn the_tables_are_read_and_agree() {
        assert!(TABLES.kazakh_suffixes.len() > 50);
        assert!(TABLES.kazakh_search_endings.len() > 50);
        // every ending search peels is a chain of the suffixes
        for e in &TABLES.kazakh_search_endings {
            assert!(is_suffix_chain(e), "{e} is no chain of kazakh_suffixes");
        }
        assert_eq!(stem("әкімдерінің"), "әкім");
        assert_eq!(stem("мектептерде"), "мектеп");
    }
}
