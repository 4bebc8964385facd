//! Latin-script Kazakh read through Cyrillic.
//!
//! Kazakh sites write Latin Kazakh in two alphabets (the 2018 acute-accent
//! one and the 2021 one) and sometimes type Cyrillic look-alikes inside Latin
//! words. The summarizer analyses such an article in Cyrillic (its word lists
//! and morphology are Cyrillic) and shows the original text: [`Translit`]
//! rewrites a text word by word and remembers each word it rewrote, so that
//! what the analysis returns maps back to the article's own spelling.
//! The tables are data: `data/lexicon/kk_latin.toml`.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

const TABLE_TOML: &str = include_str!("../../data/lexicon/kk_latin.toml");

#[derive(Deserialize)]
struct AlphabetFile {
    i_like: String,
    #[serde(default)]
    digraphs: BTreeMap<String, String>,
    letters: BTreeMap<String, String>,
    #[serde(default)]
    also: BTreeMap<String, String>,
    /// Cyrillic letter → the Latin letter that writes it back, where two
    /// letters of the alphabet write it.
    #[serde(default)]
    back: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct TableFile {
    marks_2018: String,
    vowels: String,
    homoglyphs: BTreeMap<String, String>,
    alphabet: HashMap<String, AlphabetFile>,
}

/// One Latin alphabet, compiled.
#[derive(Debug, Default)]
struct Alphabet {
    i_like: char,
    /// (two Latin letters, Cyrillic)
    digraphs: Vec<([char; 2], String)>,
    letters: HashMap<char, String>,
    /// Cyrillic letter → Latin, for names the analysis builds itself.
    back: HashMap<char, String>,
}

/// The transliteration tables.
#[derive(Debug, Default)]
pub struct Tables {
    marks_2018: Vec<char>,
    vowels: Vec<char>,
    homoglyphs: HashMap<char, char>,
    a2018: Alphabet,
    a2021: Alphabet,
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn compile(name: &str, a: &AlphabetFile) -> Result<Alphabet, String> {
    let mut out = Alphabet {
        i_like: first_char(&a.i_like).unwrap_or('i'),
        ..Alphabet::default()
    };
    for (k, v) in a.also.iter().chain(&a.letters) {
        if let Some(c) = first_char(k) {
            out.letters.insert(c, v.clone());
        }
    }
    for (k, v) in &a.digraphs {
        let cs: Vec<char> = k.chars().collect();
        if cs.len() == 2 {
            out.digraphs.push(([cs[0], cs[1]], v.clone()));
        }
    }
    out.digraphs.sort_by_key(|a| a.0);
    // the back table: digraphs and letters (never `also`); a Cyrillic
    // letter two of them write needs the file's choice
    for (k, v) in a.digraphs.iter().chain(&a.letters) {
        let mut vs = v.chars();
        let (Some(c), None) = (vs.next(), vs.next()) else {
            continue;
        };
        match out.back.get(&c) {
            Some(had) if had != k && !a.back.contains_key(v) => {
                return Err(format!(
                    "alphabet {name}: both {had:?} and {k:?} write {v:?}; say which writes it back in `back`"
                ));
            }
            Some(_) => {}
            None => {
                out.back.insert(c, k.clone());
            }
        }
    }
    for (k, v) in &a.back {
        if let Some(c) = first_char(k) {
            out.back.insert(c, v.clone());
        }
    }
    out.back.insert('й', out.i_like.to_string());
    Ok(out)
}

impl Tables {
    /// Parses a table file in the format of `data/lexicon/kk_latin.toml`.
    pub fn from_toml(s: &str) -> Result<Tables, String> {
        let f: TableFile = toml::from_str(s).map_err(|e| e.to_string())?;
        let get = |name: &str| {
            f.alphabet
                .get(name)
                .ok_or_else(|| format!("alphabet {name} missing"))
                .and_then(|a| compile(name, a))
        };
        let mut homoglyphs = HashMap::new();
        for (k, v) in &f.homoglyphs {
            if let (Some(a), Some(b)) = (first_char(k), first_char(v)) {
                homoglyphs.insert(a, b);
            }
        }
        Ok(Tables {
            marks_2018: f.marks_2018.chars().collect(),
            vowels: f.vowels.chars().collect(),
            homoglyphs,
            a2018: get("2018")?,
            a2021: get("2021")?,
        })
    }

    /// The embedded tables.
    pub fn embedded() -> &'static Tables {
        static T: LazyLock<Tables> = LazyLock::new(|| {
            Tables::from_toml(TABLE_TOML).unwrap_or_else(|e| {
                log::error!("kk_latin.toml: {e}");
                Tables::default()
            })
        });
        &T
    }
}

/// Which Latin alphabet a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alpha {
    Acute2018,
    Latin2021,
}

/// A text rewritten to Cyrillic, with the way back.
#[derive(Debug)]
pub struct Translit {
    tables: &'static Tables,
    pub alphabet: Alpha,
    /// Cyrillic word → the original word it came from.
    back: HashMap<String, String>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_cyr(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) || c == 'ŋ'
}

/// True when `text` is mostly Latin letters.
pub fn mostly_latin(text: &str) -> bool {
    let (mut lat, mut cyr) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()).take(5000) {
        if is_latin(c) {
            lat += 1;
        } else if is_cyr(c) {
            cyr += 1;
        }
    }
    lat > cyr && lat >= 20
}

impl Translit {
    /// Picks the alphabet of `text` (the 2018 one when its acute letters occur).
    pub fn for_text(text: &str) -> Translit {
        let tables = Tables::embedded();
        let acute = text
            .chars()
            .flat_map(char::to_lowercase)
            .any(|c| tables.marks_2018.contains(&c));
        Translit {
            tables,
            alphabet: if acute {
                Alpha::Acute2018
            } else {
                Alpha::Latin2021
            },
            back: HashMap::new(),
        }
    }

    fn alpha(&self) -> &'static Alphabet {
        match self.alphabet {
            Alpha::Acute2018 => &self.tables.a2018,
            Alpha::Latin2021 => &self.tables.a2021,
        }
    }

    /// One word to Cyrillic; `None` when it stays as written (Cyrillic
    /// already, digits, or a brand with inner capitals: eGov, IT).
    fn word_to_cyr(&self, word: &str) -> Option<String> {
        let latin = word.chars().filter(|c| is_latin(*c)).count();
        let cyr = word.chars().filter(|c| is_cyr(*c)).count();
        if latin == 0 || cyr > latin {
            return None;
        }
        let chars: Vec<char> = word
            .chars()
            .map(|c| self.tables.homoglyphs.get(&c).copied().unwrap_or(c))
            .collect();
        // eGov, iPhone, IT, QR: not Kazakh words
        let inner_upper = chars.iter().skip(1).filter(|c| c.is_uppercase()).count();
        if inner_upper > 0 && (chars.len() <= 3 || chars[0].is_lowercase() || inner_upper > 1) {
            return None;
        }
        let a = self.alpha();
        let lower: Vec<char> = chars
            .iter()
            .map(|&c| match c {
                'İ' => 'i',
                'I' => 'ı',
                c => c.to_lowercase().next().unwrap_or(c),
            })
            .collect();
        // 2018: a capital I stands for i (і)
        let lower: Vec<char> = lower
            .iter()
            .zip(&chars)
            .map(|(&l, &c)| {
                if c == 'I' && self.alphabet == Alpha::Acute2018 {
                    'i'
                } else {
                    l
                }
            })
            .collect();
        let mut out = String::with_capacity(word.len() * 2);
        let mut k = 0;
        while k < lower.len() {
            let upper = chars[k].is_uppercase();
            let mut piece: Option<(String, usize)> = None;
            if k + 1 < lower.len()
                && let Some((_, v)) = a
                    .digraphs
                    .iter()
                    .find(|(d, _)| *d == [lower[k], lower[k + 1]])
            {
                piece = Some((v.clone(), 2));
            }
            if piece.is_none() {
                let c = lower[k];
                let s = if c == a.i_like && k > 0 && self.tables.vowels.contains(&lower[k - 1]) {
                    "й".to_string()
                } else if let Some(s) = a.letters.get(&c) {
                    s.clone()
                } else {
                    c.to_string()
                };
                piece = Some((s, 1));
            }
            if let Some((s, n)) = piece {
                if upper {
                    let mut cs = s.chars();
                    if let Some(f) = cs.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(cs.as_str());
                    }
                } else {
                    out.push_str(&s);
                }
                k += n;
            }
        }
        Some(out)
    }

    /// `text` with every Latin Kazakh word in Cyrillic; the rest as it is.
    #[expect(
        clippy::wrong_self_convention,
        reason = "`&mut self` is the memo of converted words"
    )]
    pub fn to_cyrillic(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        for (is_word, piece) in pieces(text) {
            if is_word && let Some(c) = self.word_to_cyr(piece) {
                self.back
                    .entry(c.clone())
                    .or_insert_with(|| piece.to_string());
                out.push_str(&c);
            } else {
                out.push_str(piece);
            }
        }
        out
    }

    /// A Cyrillic word the text did not hold, in the article's alphabet.
    fn word_to_latin(&self, word: &str) -> String {
        let a = self.alpha();
        let mut out = String::with_capacity(word.len());
        for c in word.chars() {
            let l = c.to_lowercase().next().unwrap_or(c);
            match a.back.get(&l) {
                Some(s) if c.is_uppercase() => {
                    let mut cs = s.chars();
                    if let Some(f) = cs.next() {
                        match f {
                            'i' => out.push('İ'),
                            'ı' => out.push('I'),
                            f => out.extend(f.to_uppercase()),
                        }
                        out.push_str(cs.as_str());
                    }
                }
                Some(s) => out.push_str(s),
                None => out.push(c),
            }
        }
        out
    }

    /// What the analysis returned (a quote, a name) in the article's own
    /// spelling: words the text held come back as written, others are
    /// transliterated back.
    pub fn to_original(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for (is_word, piece) in pieces(s) {
            if !is_word || !piece.chars().any(is_cyr) {
                out.push_str(piece);
            } else if let Some(o) = self.back.get(piece) {
                out.push_str(o);
            } else {
                out.push_str(&self.word_to_latin(piece));
            }
        }
        out
    }
}

/// Runs of word characters and of the rest, in order.
fn pieces(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let w = is_word_char(first);
        let end = rest
            .char_indices()
            .find(|(_, c)| is_word_char(*c) != w)
            .map_or(rest.len(), |(i, _)| i);
        let (a, b) = rest.split_at(end);
        rest = b;
        Some((w, a))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acute_2018_alphabet() {
        let mut t = Translit::for_text("Aýyl ákimi jańa mektep salynatynyn aıtty");
        assert_eq!(t.alphabet, Alpha::Acute2018);
        assert_eq!(
            t.to_cyrillic("Aýyl ákimi jańa mektep salynatynyn aıtty, - deıdi ol."),
            "Ауыл әкімі жаңа мектеп салынатынын айтты, - дейді ол."
        );
        assert_eq!(t.to_cyrillic("Іshki ister mınıstri"), "Ішкі істер министрі");
    }

    #[test]
    fn the_2018_h_is_read_as_kha() {
        // one letter for х and the rare һ: х is the one news words need
        let mut t = Translit::for_text("Aýyl ákimi jańa mektep salynatynyn aıtty");
        assert_eq!(
            t.to_cyrillic("dep habarlady basqarmasy"),
            "деп хабарлады басқармасы"
        );
    }

    #[test]
    fn a_name_goes_back_the_same_way_every_time() {
        // «х» has two 2018 letters ("h", "x"); each build of the tables
        // reads its maps in a new order, and the name must not change
        for _ in 0..32 {
            let t = Tables::from_toml(TABLE_TOML).expect("tables");
            let back: std::collections::BTreeMap<_, _> = t.a2018.back.iter().collect();
            assert_eq!(back.get(&'х').map(|s| s.as_str()), Some("h"));
            assert_eq!(back.len(), t.a2018.back.len());
        }
        let t = Translit::for_text("Aýyl ákimi jańa mektep salynatynyn aıtty");
        assert_eq!(t.to_original("Хасенова"), "Hasenova");
    }

    #[test]
    fn two_letters_for_one_need_the_file_to_choose() {
        let one = |back: &str| {
            format!(
                "marks_2018 = \"á\"\nvowels = \"a\"\nhomoglyphs = {{}}\n\
                 [alphabet.2018]\ni_like = \"ı\"\nletters = {{ \"h\" = \"х\", \"x\" = \"х\" }}\n{back}\n\
                 [alphabet.2021]\ni_like = \"i\"\nletters = {{ \"h\" = \"х\" }}\n"
            )
        };
        let err = Tables::from_toml(&one("")).expect_err("ambiguous");
        assert!(err.contains("2018") && err.contains("back"), "{err}");
        let t = Tables::from_toml(&one("back = { \"х\" = \"x\" }")).expect("chosen");
        assert_eq!(t.a2018.back.get(&'х').map(|s| s.as_str()), Some("x"));
    }

    #[test]
    fn latin_2021_alphabet() {
        let mut t = Translit::for_text("Oblys äkımı jaña mektep saldy");
        assert_eq!(t.alphabet, Alpha::Latin2021);
        assert_eq!(
            t.to_cyrillic("Oblys äkımı Serık Şapkenovtıñ aituynşa, sailau partiiasy"),
            "Облыс әкімі Серік Шапкеновтің айтуынша, сайлау партиясы"
        );
        // ǧ and ŋ as some sites write ğ and ñ
        assert_eq!(t.to_cyrillic("atalaryŋ ǧoi"), "аталарың ғой");
    }

    #[test]
    fn brands_and_cyrillic_stay() {
        let mut t = Translit::for_text("eGov arqyly");
        assert_eq!(
            t.to_cyrillic("eGov IT arqyly Қазақстан"),
            "eGov IT арқылы Қазақстан"
        );
    }

    #[test]
    fn homoglyphs_in_latin_words() {
        let mut t = Translit::for_text("Túpqaraǵan aýdany");
        // Cyrillic а and Т typed inside a Latin word
        assert_eq!(t.to_cyrillic("Тúpqаrаǵаn"), "Түпқараған");
    }

    #[test]
    fn back_to_the_original() {
        let text = "Oblys äkımı Serık Şapkenovtıñ aituynşa, «tsifrlandyru kerek».";
        let mut t = Translit::for_text(text);
        let c = t.to_cyrillic(text);
        assert_eq!(t.to_original(&c), text);
        // a nominative the analysis built from an inflected form
        assert_eq!(t.to_original("Серік Шапкенов"), "Serık Şapkenov");
        assert_eq!(t.to_original("Қасым-Жомарт Тоқаев"), "Qasym-Jomart Toqaev");
    }
}
