//! Every text the bot shows, in Russian, Kazakh and English, from
//! `data/i18n/{ru,kk,en}.toml`. Keys are dotted paths (`digest.header`);
//! `{name}` placeholders are filled by [`Texts::fmt`]. A key missing in one
//! language falls back to Russian, then to English, then to the key itself.

use std::collections::HashMap;
use std::path::Path;

use crate::text::Lang;

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("i18n: {file}: {message}")]
    File { file: String, message: String },
}

/// The bot's texts in every language.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    by_lang: HashMap<Lang, HashMap<String, String>>,
}

const LANGS: [Lang; 3] = [Lang::Ru, Lang::Kk, Lang::En];

impl Texts {
    /// The texts built into the binary (the `data/i18n/` of this build).
    pub fn embedded() -> Texts {
        let sources = [
            (Lang::Ru, include_str!("../data/i18n/ru.toml")),
            (Lang::Kk, include_str!("../data/i18n/kk.toml")),
            (Lang::En, include_str!("../data/i18n/en.toml")),
        ];
        let mut texts = Texts::default();
        for (lang, text) in sources {
            // The embedded files are checked by a test; a broken one is empty.
            texts
                .by_lang
                .insert(lang, parse(text, lang.code()).unwrap_or_default());
        }
        texts
    }

    /// Reads `data_dir/i18n/{ru,kk,en}.toml` (edited texts without a
    /// rebuild), each file falling back to its built-in twin.
    pub fn load(data_dir: &Path) -> Result<Texts, I18nError> {
        let mut texts = Texts::default();
        for lang in LANGS {
            let file = format!("i18n/{}.toml", lang.code());
            let text = crate::data::read_text(data_dir, &file).map_err(|e| I18nError::File {
                file: file.clone(),
                message: e.to_string(),
            })?;
            texts.by_lang.insert(lang, parse(&text, &file)?);
        }
        Ok(texts)
    }

    /// The text of `key` in `lang`.
    pub fn t<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        [lang, Lang::Ru, Lang::En]
            .iter()
            .find_map(|l| self.by_lang.get(l).and_then(|m| m.get(key)))
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// The text of `key` with `{name}` placeholders filled.
    pub fn fmt(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.t(lang, key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// Keys present in one language and missing in another: (lang, key).
    pub fn missing_keys(&self) -> Vec<(Lang, String)> {
        let mut all: Vec<&String> = self.by_lang.values().flat_map(|m| m.keys()).collect();
        all.sort();
        all.dedup();
        let mut missing = Vec::new();
        for lang in LANGS {
            for key in &all {
                if !self
                    .by_lang
                    .get(&lang)
                    .is_some_and(|m| m.contains_key(*key))
                {
                    missing.push((lang, (*key).clone()));
                }
            }
        }
        missing
    }
}

fn parse(text: &str, file: &str) -> Result<HashMap<String, String>, I18nError> {
    let value: toml::Table = toml::from_str(text).map_err(|e| I18nError::File {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut out = HashMap::new();
    flatten("", &toml::Value::Table(value), &mut out);
    Ok(out)
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut HashMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        toml::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key() {
        let texts = Texts::embedded();
        assert!(
            texts.t(Lang::Ru, "digest.header") != "digest.header",
            "embedded texts load"
        );
        assert_eq!(texts.missing_keys(), Vec::<(Lang, String)>::new());
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        assert!(Texts::load(&dir).is_ok());
    }

    #[test]
    fn placeholders_fill_and_missing_keys_fall_back() {
        let texts = Texts::embedded();
        let s = texts.fmt(
            Lang::En,
            "digest.more",
            &[("n", "3"), ("topic", "education")],
        );
        assert!(s.contains('3') && s.contains("education"), "{s}");
        assert_eq!(texts.t(Lang::Kk, "no.such.key"), "no.such.key");
    }
}
