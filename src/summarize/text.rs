//! Low-level text helpers of the summarizer: word tokens, case folding,
//! sentence boundaries and the page chrome (menus, view counters) that
//! extraction may leave after an article.

pub use crate::text::is_word_char;

/// Lower case of one character, fast for Russian and Kazakh letters.
pub fn lower_char(c: char) -> char {
    match c as u32 {
        0x41..=0x5A => ((c as u8) + 32) as char,
        0..=0x7F => c,
        0x410..=0x42F => char::from_u32(c as u32 + 32).unwrap_or(c),
        0x430..=0x44F => c,
        0x401 => 'е',
        0x451 => 'е',
        0x406 => 'і',
        // Kazakh letters come in upper/lower pairs: even code point upper
        0x492 | 0x49A | 0x4A2 | 0x4AE | 0x4B0 | 0x4BA | 0x4D8 | 0x4E8 => {
            char::from_u32(c as u32 + 1).unwrap_or(c)
        }
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// Letters only Kazakh Cyrillic uses.
pub fn is_kazakh_letter(c: char) -> bool {
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

/// True when a text is written in Kazakh (by its Kazakh-only letters).
pub fn looks_kazakh(text: &str) -> bool {
    let mut cyr = 0usize;
    let mut kk = 0usize;
    let mut latin = 0usize;
    let mut kk_latin = 0usize;
    for c in text.chars().take(20_000) {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if matches!(
            c,
            'ä' | 'ö'
                | 'ü'
                | 'ū'
                | 'ı'
                | 'ñ'
                | 'ğ'
                | 'ş'
                | 'Ä'
                | 'Ö'
                | 'Ü'
                | 'Ū'
                | 'İ'
                | 'Ñ'
                | 'Ğ'
                | 'Ş'
        ) {
            latin += 1;
            kk_latin += 1;
        }
        if is_kazakh_letter(c) {
            kk += 1;
            cyr += 1;
        } else if ('а'..='я').contains(&c) || ('А'..='Я').contains(&c) || c == 'ё' {
            cyr += 1;
        }
    }
    (cyr > 0 && kk * 100 >= cyr * 2) || (latin > cyr && kk_latin * 100 >= latin * 2)
}

/// Lowercase with ё folded to е.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let l = lower_char(c);
        out.push(if l == 'ё' { 'е' } else { l });
    }
    out
}

/// A word token: byte offsets in its text and the word itself.
#[derive(Debug, Clone, Copy)]
pub struct Tok<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

impl Tok<'_> {
    pub fn is_capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// Word tokens of `text`; a hyphen or apostrophe between letters stays inside
/// the word ("Касым-Жомарт", "Нур-Султан").
pub fn tokens(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut prev_end = 0usize;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
            prev_end = i + c.len_utf8();
        } else if start.is_some()
            && (c == '-' || c == '\'' || c == '’')
            && iter.peek().is_some_and(|&(_, n)| is_word_char(n))
        {
            // joiner inside a word
        } else if let Some(s) = start.take() {
            out.push(Tok {
                start: s,
                end: prev_end,
                text: &text[s..prev_end],
            });
        }
    }
    if let Some(s) = start {
        out.push(Tok {
            start: s,
            end: prev_end,
            text: &text[s..prev_end],
        });
    }
    out
}

/// Number of word tokens.
pub fn word_count(text: &str) -> usize {
    tokens(text).len()
}

/// The char boundary at or before byte `i` of `s` (clamped to its length).
pub(crate) fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or after byte `i` of `s` (clamped to its length).
pub(crate) fn ceil_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '−')
}

/// True when `c` is any dash used as punctuation.
pub fn dash(c: char) -> bool {
    is_dash(c)
}

/// Byte offsets where sentences start in `para` (always includes 0).
/// A boundary is `.`/`!`/`?`/`…` followed by space and an upper-case letter,
/// a quote mark or a dash; initials ("К. Токаев", "Қ.Тоқаев") do not split.
pub fn sentence_starts(para: &str) -> Vec<usize> {
    let mut out = vec![0];
    let bytes: Vec<(usize, char)> = para.char_indices().collect();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let (_, c) = bytes[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // skip closing marks right after the stop
            let mut j = i + 1;
            while j < n
                && matches!(
                    bytes[j].1,
                    '»' | '”' | '"' | '“' | ')' | '.' | '!' | '?' | '…'
                )
            {
                j += 1;
            }
            if j < n && bytes[j].1.is_whitespace() {
                let mut k = j;
                while k < n && bytes[k].1.is_whitespace() {
                    k += 1;
                }
                if k < n {
                    let nc = bytes[k].1;
                    let starts = nc.is_uppercase()
                        || nc.is_ascii_digit()
                        || matches!(nc, '«' | '“' | '„' | '"')
                        || is_dash(nc);
                    // an initial: one upper-case letter before the dot
                    let initial = c == '.'
                        && i >= 1
                        && bytes[i - 1].1.is_uppercase()
                        && (i < 2 || !bytes[i - 2].1.is_alphabetic());
                    if starts && !initial {
                        out.push(bytes[k].0);
                    }
                }
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// The sentences of `para`, trimmed, non-empty.
pub fn sentences(para: &str) -> Vec<&str> {
    let starts = sentence_starts(para);
    let mut out = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(para.len());
        let t = para[s..e].trim();
        if !t.is_empty() {
            out.push(t);
        }
    }
    out
}

/// True for a line that is page chrome (a menu item, a counter, a heading of
/// a related-news block) rather than article text.
pub fn is_chrome_line(line: &str) -> bool {
    let head: String = line.trim().chars().take(40).collect();
    let l = fold(&head);
    super::lexicon::Lexicon::shared()
        .both(|x| &x.chrome_markers)
        .any(|m| l.starts_with(m))
}

/// True for a short line with no sentence punctuation: a menu item or a
/// sub-heading.
pub fn is_short_label(line: &str) -> bool {
    let t = line.trim();
    let words = tokens(t).len();
    words <= 4 && !t.ends_with(['.', '!', '?', ':', '»', '”', '"', '…'])
}

/// The article's paragraphs without the page chrome: everything from the
/// first chrome marker on is dropped when what follows is not prose, and a
/// trailing run of short labels (menus) is dropped too.
pub fn article_paragraphs(text: &str) -> Vec<&str> {
    let paras: Vec<&str> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut end = paras.len();
    for (i, p) in paras.iter().enumerate() {
        if is_chrome_line(p) {
            // prose after the marker (two long sentences) means it was a
            // mid-article "read also"; then only that line goes.
            let prose_after = paras[i + 1..]
                .iter()
                .take(3)
                .filter(|q| !is_short_label(q) && word_count(q) >= 12)
                .count();
            if prose_after < 2 {
                end = i;
                break;
            }
        }
    }
    let mut kept: Vec<&str> = paras[..end]
        .iter()
        .copied()
        .filter(|p| !is_chrome_line(p))
        .collect();
    // a short label at the end is page chrome (tags, a photo credit), but
    // an interview's byline names who asked the questions
    while kept
        .last()
        .is_some_and(|p| is_short_label(p) && !is_interview_byline(p))
    {
        kept.pop();
    }
    kept
}

/// Does `para` open with an interview's byline ("Беседовала Анна Серикова")?
pub fn is_interview_byline(para: &str) -> bool {
    let f = fold(para.trim());
    super::lexicon::Lexicon::shared()
        .both(|l| &l.interview_bylines)
        .any(|b| f.starts_with(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interview_byline_at_the_end_is_kept_and_a_tag_line_is_not() {
        let text =
            "Село выбрало акима.\n– Что дальше?\n– Работа.\nБеседовала Анна Ли\nТеги: выборы";
        let kept = article_paragraphs(text);
        assert_eq!(kept.last(), Some(&"Беседовала Анна Ли"), "{kept:?}");
        assert!(!article_paragraphs("Село выбрало акима.\nФото автора").contains(&"Фото автора"));
    }

    #[test]
    fn tokens_keep_hyphenated_names() {
        let t: Vec<&str> = tokens("Касым-Жомарт Токаев, — сказал он.")
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(t, vec!["Касым-Жомарт", "Токаев", "сказал", "он"]);
    }

    #[test]
    fn sentences_do_not_split_initials() {
        let s = sentences("Об этом сказал К. Токаев. Он добавил, что всё хорошо. Қ.Тоқаев келді.");
        assert_eq!(s.len(), 3, "{s:?}");
    }

    #[test]
    fn chrome_is_cut() {
        let text = "Заголовок статьи здесь\nПервый абзац статьи, длинный и содержательный.\nДругие новости на эту тему:\nПросмотров:85\nНовости\nПогода";
        let p = article_paragraphs(text);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn kazakh_is_seen() {
        assert!(looks_kazakh("Мемлекет басшысы әкімдерге тапсырма берді"));
        assert!(!looks_kazakh("Президент поручил акимам"));
    }
}
