//! Language helpers shared by ingest and summarize: Unicode normalisation,
//! language detection, Russian/Kazakh date parsing and search stemming.

pub mod cross_script;
pub mod dates;
pub mod kazakh;
pub mod lang;
pub mod morph;
pub mod normalize;
pub mod stem;
pub mod translit;

pub use lang::Lang;

/// True for letters of Russian, Kazakh and Latin words (and digits):
/// `char::is_alphanumeric` with the scripts of our news answered
/// without a table search.
pub fn is_word_char(c: char) -> bool {
    match c as u32 {
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F => false,
        // Cyrillic letters (without the combining and historic signs)
        0x400..=0x481 | 0x48A..=0x4FF => true,
        // Latin-1 and Latin Extended letters (Kazakh Latin: ä ö ü ū ı ñ ğ ş)
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F => true,
        // Latin-1 punctuation (« » and the no-break space) and general
        // punctuation (dashes, curly quotes, ellipsis)
        0x80..=0xBF | 0x2000..=0x2BFF => false,
        _ => c.is_alphanumeric(),
    }
}
