//! Language of a text: Russian, Kazakh or English.

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

/// Detects the language of `text` (TODO: extraction helper fills this in).
pub fn detect(text: &str) -> Lang {
    let _ = text;
    Lang::Ru
}
