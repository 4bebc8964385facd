//! Kazakh suffix handling: a Kazakh word is its root plus a chain of
//! inflectional suffixes (plural, possessive, case), e.g. әкім + дер + і + нің.
//! Written by hand: no stemmer covers Kazakh.

/// Inflectional (and a few common derivational) suffixes, longest first
/// within each group is not required: the chain check tries all.
const SUFFIXES: &[&str] = &[
    // plural
    "лар",
    "лер",
    "дар",
    "дер",
    "тар",
    "тер",
    // possessive
    "ымыз",
    "іміз",
    "мыз",
    "міз",
    "ыңыз",
    "іңіз",
    "ңыз",
    "ңіз",
    "ым",
    "ім",
    "м",
    "ың",
    "ің",
    "ң",
    "сы",
    "сі",
    "ы",
    "і",
    // genitive
    "ның",
    "нің",
    "дың",
    "дің",
    "тың",
    "тің",
    "ың",
    "ің",
    // dative
    "ға",
    "ге",
    "қа",
    "ке",
    "на",
    "не",
    "а",
    "е",
    // accusative
    "ны",
    "ні",
    "ды",
    "ді",
    "ты",
    "ті",
    "н",
    // locative
    "нда",
    "нде",
    "да",
    "де",
    "та",
    "те",
    // ablative
    "нан",
    "нен",
    "дан",
    "ден",
    "тан",
    "тен",
    // instrumental
    "мен",
    "бен",
    "пен",
    "нен",
    // attributive locative and similitude
    "дағы",
    "дегі",
    "тағы",
    "тегі",
    "ндағы",
    "ндегі",
    "ша",
    "ше",
    "дай",
    "дей",
    "тай",
    "тей",
    // derivational: -лық (әкімдік), -шы (ауылшы) only as the first link
    "лық",
    "лік",
    "дық",
    "дік",
    "тық",
    "тік",
    "шы",
    "ші",
];

/// True when `rest` is a chain of at most four Kazakh suffixes (or empty).
pub fn is_suffix_chain(rest: &str) -> bool {
    chain(rest, 4)
}

fn chain(rest: &str, depth: usize) -> bool {
    if rest.is_empty() {
        return true;
    }
    if depth == 0 {
        return false;
    }
    SUFFIXES
        .iter()
        .any(|s| rest.strip_prefix(s).is_some_and(|r| chain(r, depth - 1)))
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
}
