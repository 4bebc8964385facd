//! Russian morphology: `rsmorphy` with the OpenCorpora dictionary of
//! `rsmorphy-dict-ru`. It tells first names, surnames, patronymics and
//! place names (`Name`/`Surn`/`Patr`/`Geox`), their case, and their
//! nominative (`Макрона` → `Макрон`).
//!
//! The dictionary is loaded once, on first use. When its files are not
//! where the crate put them (a binary copied to another machine), the
//! analyser is off and every answer is `None`: the summarizer then falls
//! back on its suffix rules.

use std::sync::LazyLock;

use rsmorphy::prelude::*;

/// What the dictionary says of one word form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordInfo {
    /// The word is in the dictionary (not guessed from its ending).
    pub known: bool,
    /// Some dictionary reading is a first name.
    pub name: bool,
    /// Some reading is a surname.
    pub surname: bool,
    /// A dictionary reading is a woman's first name in the nominative
    /// singular ("Лаура", "Галина"; not "Асхата").
    pub female_name: bool,
    /// Every dictionary reading is a surname ("Уотсон"; not "Роза", not
    /// "Глава").
    pub surname_only: bool,
    /// Every dictionary reading is a finite verb ("потребовала"; not
    /// "села", also a noun).
    pub verb_only: bool,
    /// Some dictionary reading is a patronymic.
    pub patronymic: bool,
    /// Some dictionary reading is a place name, in any case ("Париж").
    pub place: bool,
    /// A place name in an oblique case, and no name reading: "Польши",
    /// "Франции", "Германии" (a genitive place is never part of a name).
    pub place_oblique: bool,
    /// A dictionary reading as a first name or surname is in the
    /// nominative singular.
    pub name_nominative: bool,
    /// Some dictionary reading is in the nominative singular.
    pub nominative: bool,
    /// A dictionary reading is a feminine common noun in the nominative
    /// singular ("медсестра", "учительница"; not "врач").
    pub feminine_noun: bool,
    /// The best dictionary reading is an adverb, an adjective, a pronoun or
    /// another word that is never a noun ("Потом", "Советского"), and no
    /// reading is a name.
    pub not_a_noun: bool,
    /// The dictionary form of the best reading, capitalised ("Макрона" →
    /// "Макрон").
    pub lemma: Option<String>,
}

static MORPH: LazyLock<Option<MorphAnalyzer>> = LazyLock::new(|| {
    let dir = std::path::Path::new(rsmorphy_dict_ru::DICT_PATH);
    if !dir.join("words.dawg.gz").is_file() {
        log::warn!(
            "morph: the Russian dictionary is not at {}; name analysis uses suffix rules only",
            dir.display()
        );
        return None;
    }
    // (a damaged dictionary makes the crate panic: keep it contained)
    std::panic::catch_unwind(|| civic_digest_morph::load(dir)).ok()
});

/// True when the dictionary is loaded.
pub fn available() -> bool {
    MORPH.is_some()
}

fn capitalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = true;
    for c in s.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        up = c == '-';
    }
    out
}

/// The dictionary's view of a Cyrillic word; `None` when the analyser is off
/// or the word is not Cyrillic.
pub fn analyse(word: &str) -> Option<WordInfo> {
    let m = MORPH.as_ref()?;
    // (single letters go to the crate's initials reader and hyphenated
    // words to its compound reader, parts of which are unfinished and
    // panic: neither is asked)
    let n = word.chars().count();
    if !(3..=40).contains(&n) || !word.chars().all(|c| matches!(c, '\u{0400}'..='\u{04FF}')) {
        return None;
    }
    // names and places recur within an article and across a run: each word
    // form is read once per thread (the cache is dropped when it grows big)
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, Option<WordInfo>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(word).cloned()) {
        return hit;
    }
    let info = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(m, word))).ok();
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 50_000 {
            c.clear();
        }
        c.insert(word.to_string(), info.clone());
    });
    info
}

fn read(m: &MorphAnalyzer, word: &str) -> WordInfo {
    let parsed = m.parse(word);
    let mut info = WordInfo::default();
    let mut geox_oblique = false;
    let mut all_surnames = true;
    let mut all_verbs = true;
    for (i, p) in parsed.iter().enumerate() {
        let lex = &p.lex;
        let known = lex.is_known();
        let tag = lex.get_tag(m).string.as_str();
        let has = |g: &str| tag.split([',', ' ']).any(|x| x == g);
        if i == 0 {
            info.lemma = Some(capitalise(&lex.get_normal_form(m)));
            info.not_a_noun = known
                && [
                    "ADVB", "ADJF", "ADJS", "PRTF", "PRTS", "COMP", "NPRO", "PREP", "CONJ", "PRCL",
                    "NUMR", "PRED", "INTJ",
                ]
                .iter()
                .any(|pos| has(pos));
        }
        if has("Surn") {
            info.surname = true;
        }
        if !known {
            continue;
        }
        info.known = true;
        all_surnames &= has("Surn");
        all_verbs &= has("VERB");
        let nom_sing = has("nomn") && !has("plur");
        info.nominative |= nom_sing;
        if nom_sing && has("NOUN") && has("femn") && !has("Name") && !has("Surn") {
            info.feminine_noun = true;
        }
        if has("Surn") {
            info.name_nominative |= nom_sing;
        }
        if has("Name") {
            info.name = true;
            info.name_nominative |= nom_sing;
            info.female_name |= nom_sing && has("femn");
        }
        info.patronymic |= has("Patr");
        info.place |= has("Geox");
        // (a place in the plural is all but unheard of: "Досымов" is the
        // surname, not the genitive plural of the village Досым)
        if has("Geox") && !has("nomn") && !has("plur") {
            geox_oblique = true;
        }
    }
    info.place_oblique = geox_oblique && !info.name && !info.surname;
    info.not_a_noun &= !info.name && !info.surname && !info.patronymic;
    info.surname_only = info.known && all_surnames;
    info.verb_only = info.known && all_verbs;
    info
}

/// A noun phrase the preposition «в» governs, in the nominative: «Высшем
/// совете» → «Высший совет» (the adjectives agree with the noun, the last
/// word), each word capitalised as written. `None` when the analyser is off,
/// a word is not Cyrillic, or the last word has no prepositional reading as
/// a noun (or an adjective before it none agreeing with that noun).
pub fn nominative_of_prepositional(words: &[&str]) -> Option<Vec<String>> {
    let m = MORPH.as_ref()?;
    let (noun, adjectives) = words.split_last()?;
    if !words
        .iter()
        .all(|w| w.chars().count() >= 2 && w.chars().all(|c| matches!(c, '\u{0400}'..='\u{04FF}')))
    {
        return None;
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let grammemes =
            |lex: &Lex| -> Vec<&str> { lex.get_tag(m).string.split([',', ' ']).collect() };
        let prepositional = |g: &[&str], pos: &str| {
            g.contains(&pos) && (g.contains(&"loct") || g.contains(&"loc2"))
        };
        // the form of the word's lexeme in the nominative with the same
        // number (and gender), the one that keeps most of the word's
        // beginning ("высшем" → "высший", not "высочайший")
        let nominative = |orig: &str, lex: &Lex, keep: &[&str]| -> Option<String> {
            let lower = orig.to_lowercase();
            let shared = |w: &str| {
                w.chars()
                    .zip(lower.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
            };
            let mut best: Option<(usize, String)> = None;
            for f in lex.iter_lexeme(m) {
                let g = grammemes(&f);
                if g.contains(&"nomn") && keep.iter().all(|x| g.contains(x)) {
                    let w = f.get_word().to_string();
                    let n = shared(&w);
                    if best.as_ref().is_none_or(|(b, _)| n > *b) {
                        best = Some((n, w));
                    }
                }
            }
            let mut w = best?.1;
            if !orig.contains(['ё', 'Ё']) {
                w = w.replace('ё', "е");
            }
            Some(if orig.chars().next().is_some_and(char::is_uppercase) {
                capitalise_first(&w)
            } else {
                w
            })
        };
        // each reading of the noun in turn ("банке": the bank, or the jar),
        // until the adjectives agree with it
        let readings = |w: &str, pos: &str| -> Vec<Lex> {
            m.parse(w)
                .into_iter()
                .filter(|p| p.lex.is_known() && prepositional(&grammemes(&p.lex), pos))
                .map(|p| p.lex)
                .collect()
        };
        let adjective_readings: Vec<Vec<Lex>> =
            adjectives.iter().map(|a| readings(a, "ADJF")).collect();
        readings(noun, "NOUN").into_iter().find_map(|head| {
            let g = grammemes(&head);
            // what an adjective agrees in: the noun's number, and in the
            // singular its gender
            let number = ["sing", "plur"].into_iter().find(|x| g.contains(x))?;
            let agreement = ["plur", "masc", "femn", "neut"]
                .into_iter()
                .find(|x| g.contains(x))?;
            let mut out = Vec::with_capacity(words.len());
            for (a, rs) in adjectives.iter().zip(&adjective_readings) {
                let lex = rs.iter().find(|l| grammemes(l).contains(&agreement))?;
                out.push(nominative(a, lex, &[agreement])?);
            }
            out.push(nominative(noun, &head, &[number])?);
            Some(out)
        })
    }))
    .ok()
    .flatten()
}

/// The first letter upper-cased ("министерство" → "Министерство").
pub(crate) fn capitalise_first(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|f| f.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_places_and_cases() {
        if !available() {
            eprintln!("skipped: no dictionary");
            return;
        }
        let a = analyse("Макрона").unwrap_or_default();
        assert_eq!(a.lemma.as_deref(), Some("Макрон"));
        let p = analyse("Польши").unwrap_or_default();
        assert!(p.place_oblique, "{p:?}");
        let d = analyse("Дональд").unwrap_or_default();
        assert!(d.name && d.name_nominative && !d.place_oblique, "{d:?}");
        let f = analyse("Франции").unwrap_or_default();
        assert!(f.place_oblique, "{f:?}");
        let l = analyse("Лауры").unwrap_or_default();
        assert!(l.name && !l.name_nominative && !l.female_name, "{l:?}");
        for w in ["Лаура", "Галина"] {
            let f = analyse(w).unwrap_or_default();
            assert!(f.female_name, "{w}: {f:?}");
        }
        let mk = analyse("Уотсон").unwrap_or_default();
        assert!(mk.surname_only, "{mk:?}");
        for w in ["Роза", "Глава", "Польши"] {
            let x = analyse(w).unwrap_or_default();
            assert!(!x.surname_only, "{w}: {x:?}");
        }
        let m = analyse("Сергея").unwrap_or_default();
        assert!(m.name && !m.female_name, "{m:?}");
        let nurse = analyse("медсестра").unwrap_or_default();
        assert!(nurse.feminine_noun, "{nurse:?}");
        let doc = analyse("врач").unwrap_or_default();
        assert!(!doc.feminine_noun, "{doc:?}");
        let t = analyse("Техаса").unwrap_or_default();
        assert!(t.known && !t.nominative, "{t:?}");
        let s = analyse("Жумабеков").unwrap_or_default();
        assert!(s.surname && !s.place_oblique, "{s:?}");
        assert!(analyse("потребовала").unwrap_or_default().verb_only);
        assert!(!analyse("села").unwrap_or_default().verb_only);
        let d = analyse("Досымов").unwrap_or_default();
        assert!(!d.place_oblique, "{d:?}");
        assert!(analyse("Qazaq").is_none());
        let np = |ws: &[&str]| nominative_of_prepositional(ws).map(|v| v.join(" "));
        assert_eq!(np(&["Высшем", "совете"]).as_deref(), Some("Высший совет"));
        assert_eq!(np(&["Белом", "доме"]).as_deref(), Some("Белый дом"));
        assert_eq!(np(&["Кремле"]).as_deref(), Some("Кремль"));
        assert_eq!(
            np(&["Национальном", "банке"]).as_deref(),
            Some("Национальный банк")
        );
        assert_eq!(
            np(&["Счетной", "палате"]).as_deref(),
            Some("Счетная палата")
        );
        assert_eq!(np(&["быстро"]), None);
        // the crate's unfinished readers are never reached
        for w in ["А", "Б", "Алма-Ата", "Н.", "ООН", "Кызыл-Орда"] {
            let _ = analyse(w);
        }
    }
}
