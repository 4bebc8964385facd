//! The source list: `data/sources.toml`, OPML import and export.

use serde::Deserialize;

use crate::model::{NewSource, Source, SourceKind};

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

/// The namespace of our own `<outline>` attributes (`civic:official`,
/// `civic:region`, `civic:selector`), so an export comes back whole.
const CIVIC_NS: &str = "urn:civic-digest:opml";

/// The sources of an OPML list (nested outlines included): every outline
/// with an `xmlUrl` is a feed; one with `type="html"` and an `htmlUrl` is a
/// listing page. Our own attributes (region, official, link selector) are
/// read when present, so `export` then `import` loses nothing.
pub fn parse_opml(text: &str) -> Result<Vec<NewSource>, SourcesError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut seen_opml = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            SourcesError::Opml(format!("at byte {}: {e}", reader.buffer_position()))
        })?;
        let e = match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => e,
            _ => continue,
        };
        match e.local_name().as_ref() {
            b"opml" => seen_opml = true,
            b"outline" if seen_opml => {
                let mut attrs = std::collections::HashMap::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| SourcesError::Opml(e.to_string()))?;
                    let value = a
                        .decoded_and_normalized_value(
                            quick_xml::XmlVersion::Implicit1_0,
                            reader.decoder(),
                        )
                        .map_err(|e| SourcesError::Opml(e.to_string()))?;
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    attrs.insert(key, value.trim().to_string());
                }
                if let Some(source) = outline_source(&attrs) {
                    out.push(source);
                }
            }
            _ => {}
        }
    }
    if !seen_opml {
        return Err(SourcesError::Opml(
            "no <opml> element: not an OPML file".into(),
        ));
    }
    Ok(out)
}

fn outline_source(attrs: &std::collections::HashMap<String, String>) -> Option<NewSource> {
    let get = |k: &str| attrs.get(k).filter(|v| !v.is_empty()).cloned();
    let valid = |u: Option<String>| u.filter(|u| url::Url::parse(u).is_ok());
    let (kind, url) = match valid(get("xmlUrl")) {
        Some(url) => (SourceKind::Feed, url),
        None if get("type").as_deref() == Some("html") => {
            (SourceKind::Listing, valid(get("htmlUrl"))?)
        }
        None => return None,
    };
    Some(NewSource {
        name: get("title")
            .or_else(|| get("text"))
            .unwrap_or_else(|| url.clone()),
        url,
        kind,
        language: get("language"),
        region: get("civic:region"),
        official: get("civic:official").as_deref() == Some("true"),
        link_selector: get("civic:selector"),
    })
}

/// All sources as OPML 2.0: feeds with `xmlUrl`, listings with `type="html"`
/// and `htmlUrl`, and our own attributes for what OPML has no word for.
pub fn to_opml(sources: &[Source]) -> String {
    use quick_xml::escape::escape;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\" xmlns:civic=\"{CIVIC_NS}\">\n\
         <head><title>civic-digest sources</title></head>\n<body>\n"
    );
    for s in sources {
        out.push_str("<outline");
        let mut attr = |k: &str, v: &str| out.push_str(&format!(" {k}=\"{}\"", escape(v)));
        attr("text", &s.name);
        attr("title", &s.name);
        match s.kind {
            SourceKind::Feed => {
                attr("type", "rss");
                attr("xmlUrl", &s.url);
            }
            SourceKind::Listing => {
                attr("type", "html");
                attr("htmlUrl", &s.url);
            }
        }
        if let Some(l) = &s.language {
            attr("language", l);
        }
        if let Some(r) = &s.region {
            attr("civic:region", r);
        }
        if s.official {
            attr("civic:official", "true");
        }
        if let Some(sel) = &s.link_selector {
            attr("civic:selector", sel);
        }
        out.push_str("/>\n");
    }
    out.push_str("</body>\n</opml>\n");
    out
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
        assert!(parse_opml("<opml><body><outline").is_err());
    }
}
