//! Text normalisation (TODO: extraction helper fills this in).

/// NFC, Latin look-alikes inside Cyrillic words, no-break spaces, soft hyphens.
pub fn normalize(text: &str) -> String {
    text.to_string()
}
