//! Text normalisation for pages and feeds from Kazakh and Russian sites.
//!
//! Sites mix scripts by accident (a Latin `a` typed inside «Қaсым»), paste
//! no-break and thin spaces, soft hyphens and zero-width characters. Search,
//! dedupe and quote matching all need one canonical form, which is this one.

use unicode_normalization::UnicodeNormalization;

/// NFC; Latin look-alike letters inside Cyrillic words made Cyrillic; odd
/// spaces made plain; soft hyphens and zero-width characters removed;
/// whitespace collapsed within each line, lines trimmed, runs of blank lines
/// reduced to one.
pub fn normalize(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    // Most text is already NFC; composing it again costs more than checking.
    let composed: Box<dyn Iterator<Item = char>> =
        if unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
        {
            Box::new(text.chars())
        } else {
            Box::new(text.nfc())
        };
    for c in composed {
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            '\r' => {}
            '\n' | '\u{2028}' | '\u{2029}' | '\u{0085}' => cleaned.push('\n'),
            c if c != '\n' && c.is_whitespace() => cleaned.push(' '),
            c if c.is_control() => {}
            c => cleaned.push(c),
        }
    }
    let fixed = fix_lookalikes(&cleaned);
    let mut out = String::with_capacity(fixed.len());
    let mut blank_run = 0usize;
    for line in fixed.split('\n') {
        let mut first = true;
        let mut any = false;
        let start = out.len();
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            if first {
                if !out.is_empty() {
                    out.push('\n');
                }
                first = false;
            } else {
                out.push(' ');
            }
            out.push_str(word);
            any = true;
        }
        if any {
            blank_run = 0;
        } else {
            blank_run += 1;
            if blank_run == 1 && start > 0 {
                out.push('\n');
            }
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The Cyrillic letter a Latin letter is mistaken for, if any.
fn cyrillic_twin(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'i' => 'і',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        _ => return None,
    })
}

/// Rewrites words that hold Cyrillic letters and Latin letters that all have
/// a Cyrillic twin; words with other Latin letters (brand names, URLs) stay.
fn fix_lookalikes(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut start: Option<usize> = None;
    let flush = |word: &str, out: &mut String| {
        let mut has_cyr = false;
        let mut latin = 0usize;
        let mut twins = 0usize;
        for c in word.chars() {
            if c.is_ascii_alphabetic() {
                latin += 1;
                twins += usize::from(cyrillic_twin(c).is_some());
            } else if super::lang::is_cyrillic(c) {
                has_cyr = true;
            }
        }
        if has_cyr && latin > 0 && latin == twins {
            out.extend(word.chars().map(|c| cyrillic_twin(c).unwrap_or(c)));
        } else {
            out.push_str(word);
        }
    };
    for (i, c) in text.char_indices() {
        if super::is_word_char(c) {
            start.get_or_insert(i);
        } else {
            if let Some(s) = start.take() {
                flush(text.get(s..i).unwrap_or(""), &mut out);
            }
            out.push(c);
        }
    }
    if let Some(s) = start {
        flush(text.get(s..).unwrap_or(""), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_lookalikes_in_cyrillic_words_become_cyrillic() {
        // "Қaсым" with a Latin a, "Тoкаев" with a Latin o, "КAЗАХСТАН" with a Latin A.
        let got = normalize("Қ\u{61}сым-Жомарт Т\u{6f}каев, К\u{41}ЗАХСТАН, Мaжилис");
        assert_eq!(got, "Қасым-Жомарт Токаев, КАЗАХСТАН, Мажилис");
        assert!(!got.chars().any(|c| c.is_ascii_alphabetic()));
    }

    #[test]
    fn latin_words_and_brands_stay_latin() {
        assert_eq!(
            normalize("Qazaq24.com и Liter.kz"),
            "Qazaq24.com и Liter.kz"
        );
        assert_eq!(normalize("iPhone-ы"), "iPhone-ы");
        assert_eq!(normalize("Tokayev met acim"), "Tokayev met acim");
    }

    #[test]
    fn odd_spaces_and_invisible_characters() {
        let got = normalize("2\u{00A0}500\u{202F}тенге со\u{00AD}общает\u{200B} аким\t\tокруга");
        assert_eq!(got, "2 500 тенге сообщает аким округа");
    }

    #[test]
    fn nfc_composes_decomposed_letters() {
        // й written as и + combining breve.
        assert_eq!(normalize("и\u{0306}"), "й");
    }

    #[test]
    fn collapses_whitespace_within_lines_and_keeps_lines() {
        let got = normalize("  first   line \r\n\n\n\n  second\tline  \n");
        assert_eq!(got, "first line\n\nsecond line");
    }

    #[test]
    fn empty_stays_empty() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n \u{00A0} "), "");
    }
}

/// The named references news sites use in text that is not parsed as HTML,
/// besides Telegram's four.
const FEED_NAMED: &[(&str, char)] = &[
    ("lt", '<'),
    ("gt", '>'),
    ("amp", '&'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("laquo", '«'),
    ("raquo", '»'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
];

/// Decodes HTML character references in text that is not parsed as HTML
/// (a feed's plain summary, a message being shown as plain text): the
/// named ones news sites use and every numeric one. Unknown names stay.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        match civic_digest_telegram_html::decode_reference(tail, FEED_NAMED) {
            Some((ch, len)) => {
                out.push(ch);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod entity_tests {
    use super::decode_entities;

    #[test]
    fn named_and_numeric_references_decode() {
        assert_eq!(
            decode_entities("A &amp; B &lt;3 &#171;Әкім&#187; &#x2014; &laquo;x&raquo;"),
            "A & B <3 «Әкім» — «x»"
        );
        assert_eq!(
            decode_entities("R&D &unknown; &#99999999;"),
            "R&D &unknown; &#99999999;"
        );
    }
}
