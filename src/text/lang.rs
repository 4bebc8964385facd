//! Language of a text: Russian, Kazakh or English.
//!
//! Written by hand: the mainstream detectors (whatlang, lingua) either lack
//! Kazakh or confuse it with Russian on short civic texts full of Russian
//! loan words, and none knows Latin-script Kazakh. Kazakh has its own
//! letters (ә ғ қ ң ө ұ ү һ і) and its own frequent function words, which
//! separate it from Russian in a single pass over a few kilobytes; the same
//! holds for the Latin alphabets of 2018/2021 against English.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A language the bot reads and speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    Kk,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ru" | "rus" | "russian" => Some(Lang::Ru),
            "kk" | "kz" | "kaz" | "kazakh" | "qq" => Some(Lang::Kk),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// How much text is looked at: enough for a stable answer, and fast.
const SAMPLE_CHARS: usize = 6_000;

const KK_CYR: u8 = 1;
const RU: u8 = 2;
const KK_LAT: u8 = 4;
const EN: u8 = 8;

#[derive(Default, serde::Deserialize)]
struct FunctionWords {
    #[serde(default)]
    function_words: Vec<String>,
}

/// Every function word with the languages it belongs to, from the lexicon
/// files (`function_words` in data/lexicon/{kk,ru,kk_latin,en}.toml).
static FUNCTION_WORDS: LazyLock<HashMap<String, u8>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (file, text, flag) in [
        ("kk", include_str!("../../data/lexicon/kk.toml"), KK_CYR),
        ("ru", include_str!("../../data/lexicon/ru.toml"), RU),
        (
            "kk_latin",
            include_str!("../../data/lexicon/kk_latin.toml"),
            KK_LAT,
        ),
        ("en", include_str!("../../data/lexicon/en.toml"), EN),
    ] {
        let list: FunctionWords = toml::from_str(text).unwrap_or_else(|e| {
            log::error!("text: lexicon/{file}.toml is not valid: {e}");
            FunctionWords::default()
        });
        for w in list.function_words {
            *m.entry(w).or_insert(0) |= flag;
        }
    }
    m
});

fn is_kk_letter(c: char) -> bool {
    matches!(
        c,
        'ә' | 'ғ'
            | 'қ'
            | 'ң'
            | 'ө'
            | 'ұ'
            | 'ү'
            | 'һ'
            | 'і'
            | 'Ә'
            | 'Ғ'
            | 'Қ'
            | 'Ң'
            | 'Ө'
            | 'Ұ'
            | 'Ү'
            | 'Һ'
            | 'І'
    )
}

fn is_kk_latin_letter(c: char) -> bool {
    matches!(
        c,
        'á' | 'ǵ'
            | 'ń'
            | 'ó'
            | 'ú'
            | 'ý'
            | 'ı'
            | 'ä'
            | 'ğ'
            | 'ñ'
            | 'ö'
            | 'ü'
            | 'ū'
            | 'ş'
            | 'Á'
            | 'Ǵ'
            | 'Ń'
            | 'Ó'
            | 'Ú'
            | 'Ý'
            | 'Ä'
            | 'Ğ'
            | 'Ñ'
            | 'Ö'
            | 'Ü'
            | 'Ū'
            | 'Ş'
            | 'İ'
    )
}

/// A letter of the Cyrillic blocks (Russian and Kazakh letters).
pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Detects the language of `text`; Russian when there is nothing to go on.
pub fn detect(text: &str) -> Lang {
    let mut cyr = 0usize;
    let mut latin = 0usize;
    let mut kk_latin_letters = 0usize;
    let (mut kk_words, mut ru_words, mut kkl_words, mut en_words) =
        (0usize, 0usize, 0usize, 0usize);
    let (mut cyr_words, mut kk_letter_words) = (0usize, 0usize);
    let mut word = String::new();
    let mut seen = 0usize;
    let mut tally = |word: &str| {
        if word.is_empty() {
            return;
        }
        if word.chars().any(is_cyrillic) {
            cyr_words += 1;
            if word.chars().any(is_kk_letter) {
                kk_letter_words += 1;
            }
        }
        if let Some(&flags) = FUNCTION_WORDS.get(word) {
            kk_words += usize::from(flags & KK_CYR != 0);
            ru_words += usize::from(flags & RU != 0);
            kkl_words += usize::from(flags & KK_LAT != 0);
            en_words += usize::from(flags & EN != 0);
        }
    };
    for c in text.chars() {
        seen += 1;
        if seen > SAMPLE_CHARS {
            break;
        }
        if super::is_word_char(c) && !c.is_ascii_digit() {
            if is_cyrillic(c) {
                cyr += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            } else if is_kk_latin_letter(c) {
                latin += 1;
                kk_latin_letters += 1;
            }
            word.extend(c.to_lowercase());
        } else {
            tally(&word);
            word.clear();
        }
    }
    tally(&word);

    if cyr == 0 && latin == 0 {
        return Lang::Ru;
    }
    if cyr >= latin {
        // In Kazakh prose about half the words hold a letter of its own and
        // Russian function words are absent; Russian text quoting Kazakh
        // names has a few such words but a quarter of its words are «и, в,
        // на, что…».
        let words = cyr_words.max(1) as f64;
        let kk_share = kk_letter_words as f64 / words;
        let ru_share = ru_words as f64 / words;
        let kk_fn_share = kk_words as f64 / words;
        if kk_share + kk_fn_share - 1.5 * ru_share > 0.12 {
            Lang::Kk
        } else {
            Lang::Ru
        }
    } else {
        let ratio = kk_latin_letters as f64 / latin as f64;
        let kk_score = kkl_words as f64 + ratio * 100.0;
        if kk_score > en_words as f64 && (kkl_words > 0 || ratio >= 0.01) {
            Lang::Kk
        } else {
            Lang::En
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_news_with_kazakh_names_is_russian() {
        let t = "Также он отметил значимость партийных проектов “Ауыл аманаты”, “Қарызсыз қоғам”, \
                 “Жер аманаты” и “Әкімдер мектебі”, которые президент отдельно поддержал.";
        assert_eq!(detect(t), Lang::Ru);
    }

    #[test]
    fn kazakh_cyrillic_is_kazakh() {
        let t = "Мемлекет басшысы Қасым-Жомарт Тоқаев ауыл әкімдерінің республикалық \
                 диалог-платформасына қатысты және сөз сөйледі.";
        assert_eq!(detect(t), Lang::Kk);
        assert_eq!(detect("Ауыл әкімі жұмыс істейді"), Lang::Kk);
    }

    #[test]
    fn kazakh_latin_is_kazakh_not_english() {
        let t = "Memleket basshysy Qasym-Jomart Toqaev aýyl ákimderiniń dıalog alańyna qatysty jáne sóz sóıledi.";
        assert_eq!(detect(t), Lang::Kk);
        assert_eq!(detect("Qazaqstan bolyp jatqan ózgerister turaly"), Lang::Kk);
    }

    #[test]
    fn english_is_english() {
        let t = "The President of Kazakhstan met rural akims in Astana and said that the reforms will continue.";
        assert_eq!(detect(t), Lang::En);
    }

    #[test]
    fn nothing_to_go_on_is_russian() {
        assert_eq!(detect(""), Lang::Ru);
        assert_eq!(detect("12345 !!!"), Lang::Ru);
    }

    #[test]
    fn codes_round_trip() {
        for l in [Lang::Ru, Lang::Kk, Lang::En] {
            assert_eq!(Lang::from_code(l.code()), Some(l));
        }
        assert_eq!(Lang::from_code("KZ"), Some(Lang::Kk));
        assert_eq!(Lang::from_code("de"), None);
    }
}
