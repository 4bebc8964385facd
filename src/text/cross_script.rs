//! Names compared across scripts: «Токаев», «Тоқаев», «Tokayev», «Toqaev»
//! and «Qoşanov»/«Кошанов» come down to one plain-Latin skeleton, so a
//! subscriber finds a person whatever script they type in. The letter
//! tables and rewrites are `data/cross_script.toml`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    cyrillic: HashMap<String, String>,
    latin: HashMap<String, String>,
    #[serde(default)]
    rewrite: Vec<Rewrite>,
}

#[derive(Deserialize)]
struct Rewrite {
    from: String,
    to: String,
}

/// The tables of `data/cross_script.toml`.
pub struct CrossScript {
    letters: HashMap<char, String>,
    rewrites: Vec<(Regex, String)>,
}

#[derive(Debug, thiserror::Error)]
#[error("text: cross_script.toml: {0}")]
pub struct CrossScriptError(String);

impl CrossScript {
    /// Parses the tables.
    pub fn parse(text: &str) -> Result<CrossScript, CrossScriptError> {
        let file: File = toml::from_str(text).map_err(|e| CrossScriptError(e.to_string()))?;
        let mut letters = HashMap::new();
        for (k, v) in file.cyrillic.into_iter().chain(file.latin) {
            let mut chars = k.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => letters.insert(c, v),
                _ => return Err(CrossScriptError(format!("{k:?} is not one letter"))),
            };
        }
        let rewrites = file
            .rewrite
            .into_iter()
            .map(|r| {
                Regex::new(&r.from)
                    .map(|re| (re, r.to))
                    .map_err(|e| CrossScriptError(format!("rewrite {:?}: {e}", r.from)))
            })
            .collect::<Result<_, _>>()?;
        Ok(CrossScript { letters, rewrites })
    }

    /// The tables built into the binary.
    pub fn shared() -> &'static CrossScript {
        static SHARED: LazyLock<CrossScript> = LazyLock::new(|| {
            // The shipped file is checked by a test; a broken one matches exactly.
            CrossScript::parse(include_str!("../../data/cross_script.toml")).unwrap_or(
                CrossScript {
                    letters: HashMap::new(),
                    rewrites: Vec::new(),
                },
            )
        });
        &SHARED
    }

    /// The skeleton of one name word: lowercased, every letter plain Latin,
    /// the rewrites applied, doubled letters single (Kassym → kasim).
    pub fn skeleton(&self, word: &str) -> String {
        let mut plain = String::with_capacity(word.len());
        for c in word.chars().flat_map(char::to_lowercase) {
            match self.letters.get(&c) {
                Some(s) => plain.push_str(s),
                None if c.is_ascii_alphanumeric() || c == '-' => plain.push(c),
                None => {}
            }
        }
        for (re, to) in &self.rewrites {
            if re.is_match(&plain) {
                plain = re.replace_all(&plain, to.as_str()).into_owned();
            }
        }
        let mut out = String::with_capacity(plain.len());
        for c in plain.chars() {
            if !out.ends_with(c) {
                out.push(c);
            }
        }
        out
    }
}

/// [`CrossScript::skeleton`] with the built-in tables.
pub fn name_skeleton(word: &str) -> String {
    CrossScript::shared().skeleton(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tables_parse() {
        CrossScript::parse(include_str!("../../data/cross_script.toml")).unwrap();
    }

    #[test]
    fn one_name_in_every_script_has_one_skeleton() {
        for group in [
            &["Токаев", "Тоқаев", "Tokayev", "Toqaev", "Toqayev"][..],
            &["Кошанов", "Қошанов", "Koshanov", "Qoşanov", "Qoshanov"],
            &[
                "Касым-Жомарт",
                "Қасым-Жомарт",
                "Kassym-Jomart",
                "Qasym-Jomart",
            ],
            &["Ерлан", "Yerlan", "Erlan"],
            &["Алиев", "Aliyev", "Aliev"],
            &[
                "Жұмабеков",
                "Zhumabekov",
                "Jumabekov",
                "Jūmabekov",
                "Júmabekov",
            ],
            &["Яковлев", "Yakovlev"],
            &["Әлихан", "Alikhan", "Älihan", "Álıhan"],
        ] {
            let first = name_skeleton(group[0]);
            for w in group {
                assert_eq!(name_skeleton(w), first, "{w} against {}", group[0]);
            }
        }
        assert_ne!(name_skeleton("Токаев"), name_skeleton("Кошанов"));
        assert_ne!(name_skeleton("Смаилов"), name_skeleton("Исмаилов"));
    }
}
