//! The source list: `data/sources.toml`, OPML import and export.

use serde::Deserialize;

use crate::store::{NewSource, Source, SourceKind};

#[derive(Debug, thiserror::Error)]
pub enum SourcesError {
    #[error("sources: {path}: {message}")]
    File { path: String, message: String },
    #[error("sources: OPML: {0}")]
    Opml(String),
}

/// Other tables (a demo site's routes) may sit beside the sources.
#[derive(Deserialize)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<SourceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    name: String,
    url: String,
    kind: SourceKind,
    language: Option<String>,
    region: Option<String>,
    #[serde(default)]
    official: bool,
    selector: Option<String>,
}

/// Parses a sources file (`path` names it in errors).
pub fn parse_sources_toml(text: &str, path: &str) -> Result<Vec<NewSource>, SourcesError> {
    let file: SourcesFile = toml::from_str(text).map_err(|e| SourcesError::File {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    file.source
        .into_iter()
        .map(|s| {
            url::Url::parse(&s.url).map_err(|e| SourcesError::File {
                path: path.to_string(),
                message: format!("source {:?}: URL {:?}: {e}", s.name, s.url),
            })?;
            if s.kind == SourceKind::Listing && s.selector.is_none() {
                log::warn!(
                    "sources: {path}: listing {:?} has no selector; article-like links are guessed",
                    s.name
                );
            }
            Ok(NewSource {
                name: s.name,
                url: s.url,
                kind: s.kind,
                language: s.language,
                region: s.region,
                official: s.official,
                link_selector: s.selector,
            })
        })
        .collect()
}

/// Reads a sources file from disk.
pub fn load_sources_file(path: &std::path::Path) -> Result<Vec<NewSource>, SourcesError> {
    let text = std::fs::read_to_string(path).map_err(|e| SourcesError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_sources_toml(&text, &path.display().to_string())
}

/// The feeds of an OPML subscription list (nested outlines included).
pub fn parse_opml(text: &str) -> Result<Vec<NewSource>, SourcesError> {
    let doc = opml::OPML::from_str(text).map_err(|e| SourcesError::Opml(e.to_string()))?;
    let mut out = Vec::new();
    fn walk(outlines: &[opml::Outline], out: &mut Vec<NewSource>) {
        for o in outlines {
            if let Some(url) = o.xml_url.as_deref().filter(|u| url::Url::parse(u).is_ok()) {
                let name = o
                    .title
                    .clone()
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| o.text.clone());
                out.push(NewSource {
                    name,
                    url: url.to_string(),
                    kind: SourceKind::Feed,
                    language: o.language.clone(),
                    region: None,
                    official: false,
                    link_selector: None,
                });
            }
            walk(&o.outlines, out);
        }
    }
    walk(&doc.body.outlines, &mut out);
    Ok(out)
}

/// All sources as OPML 2.0 (listings too, with `type="html"`).
pub fn to_opml(sources: &[Source]) -> Result<String, SourcesError> {
    let mut doc = opml::OPML {
        head: Some(opml::Head {
            title: Some("civic-digest sources".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    for s in sources {
        doc.body.outlines.push(opml::Outline {
            text: s.name.clone(),
            title: Some(s.name.clone()),
            r#type: Some(if s.kind == SourceKind::Feed {
                "rss".into()
            } else {
                "html".into()
            }),
            xml_url: (s.kind == SourceKind::Feed).then(|| s.url.clone()),
            html_url: (s.kind == SourceKind::Listing).then(|| s.url.clone()),
            language: s.language.clone(),
            ..Default::default()
        });
    }
    doc.to_string()
        .map_err(|e| SourcesError::Opml(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sources_file_parses_and_names_the_outlets() {
        let text = include_str!("../../data/sources.toml");
        let sources = parse_sources_toml(text, "data/sources.toml").unwrap();
        for outlet in [
            "liter.kz",
            "tengrinews.kz",
            "inform.kz/rss/rus",
            "inform.kz/rss/kaz",
            "zakon.kz",
            "akorda.kz",
            "primeminister.kz",
            "egemen.kz",
            "qazaq24.com",
        ] {
            assert!(
                sources.iter().any(|s| s.url.contains(outlet)),
                "{outlet} missing"
            );
        }
        assert!(
            sources
                .iter()
                .filter(|s| s.kind == SourceKind::Listing)
                .all(|s| s.link_selector.is_some())
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err = parse_sources_toml(
            "[[source]]\nname = \"X\"\nurl = \"not a url\"\nkind = \"feed\"",
            "f.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("not a url"), "{err}");
        assert!(
            parse_sources_toml(
                "[[source]]\nname = \"X\"\nurl = \"https://a.kz\"\nkind = \"podcast\"",
                "f.toml"
            )
            .is_err()
        );
    }

    #[test]
    fn opml_round_trip() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Новости"><outline text="Tengrinews" xmlUrl="https://tengrinews.kz/news.rss"/></outline>
<outline text="no feed"/></body></opml>"#;
        let sources = parse_opml(opml).unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].name, "Tengrinews");
        assert!(parse_opml("<html>").is_err());
    }
}
