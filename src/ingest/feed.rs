//! Feeds through `feed-rs`: RSS 0.9x/1.0/2.0, Atom and JSON Feed. Parsing is
//! pure: bytes in, items out. Relative links resolve against the feed, and
//! dates the library cannot read go through our Russian/Kazakh parser.

use chrono::{DateTime, FixedOffset, Utc};
use url::Url;

use crate::text::dates::{in_kazakhstan, parse_date};
use crate::text::normalize::{decode_entities, normalize};

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("feed: not a feed ({0})")]
    NotAFeed(String),
}

/// One feed entry.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub url: Url,
    pub title: String,
    pub published_at: Option<DateTime<FixedOffset>>,
    /// The entry's own text (content, else summary) as plain paragraphs.
    pub text: String,
}

impl FeedItem {
    /// A teaser is a lead or a cut: the article page has to be fetched.
    pub fn is_teaser(&self) -> bool {
        let len = self.text.chars().count();
        let cut = self.text.trim_end().ends_with("...") || self.text.trim_end().ends_with('…');
        len < 600 || cut || !self.text.contains('\n') && len < 1500
    }
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub title: String,
    /// The feed's own TTL, in minutes.
    pub ttl_minutes: Option<u32>,
    pub items: Vec<FeedItem>,
}

/// Parses a feed body (any charset) fetched from `feed_url`.
pub fn parse_feed(body: &str, feed_url: &Url) -> Result<Feed, FeedError> {
    let body = strip_encoding_declaration(body);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url.as_str()))
        .timestamp_parser(|s| parse_date(s).map(|d| d.with_timezone(&Utc)))
        .build();
    let feed = parser
        .parse(body.as_bytes())
        .map_err(|e| FeedError::NotAFeed(e.to_string()))?;
    let items = feed
        .entries
        .into_iter()
        .filter_map(|entry| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| entry.links.first())
                .map(|l| l.href.clone())
                .or_else(|| Some(entry.id.clone()).filter(|id| id.contains('/')))?;
            let url = feed_url.join(link.trim()).ok()?;
            if url.scheme() != "http" && url.scheme() != "https" {
                return None;
            }
            let title = entry
                .title
                .map(|t| normalize(&html_to_text(&t.content)))
                .unwrap_or_default();
            let html = entry
                .content
                .and_then(|c| c.body)
                .or_else(|| entry.summary.map(|s| s.content))
                .unwrap_or_default();
            Some(FeedItem {
                url,
                title: title.trim().to_string(),
                published_at: entry.published.or(entry.updated).map(in_kazakhstan),
                text: normalize(&html_to_text(&html)),
            })
        })
        .collect();
    Ok(Feed {
        title: feed.title.map(|t| t.content).unwrap_or_default(),
        ttl_minutes: feed.ttl,
        items,
    })
}

/// The body is already text: an `encoding="windows-1251"` left in the XML
/// declaration would make the XML reader decode it twice.
fn strip_encoding_declaration(body: &str) -> std::borrow::Cow<'_, str> {
    let body = body.trim_start_matches('\u{feff}');
    if let Some(end) = body.starts_with("<?xml").then(|| body.find("?>")).flatten() {
        let decl = &body[..end];
        if decl.contains("encoding") {
            return format!("<?xml version=\"1.0\"{}", &body[end..]).into();
        }
    }
    body.into()
}

/// An HTML fragment (a feed's content or summary) as plain paragraphs.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') {
        return decode_entities(html);
    }
    let doc = scraper::Html::parse_fragment(html);
    let mut out = String::new();
    for node in doc.root_element().descendants() {
        match node.value() {
            scraper::Node::Text(t) => out.push_str(t),
            scraper::Node::Element(e)
                if matches!(
                    e.name(),
                    "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "blockquote" | "tr"
                ) =>
            {
                out.push('\n')
            }
            _ => {}
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://www.akorda.kz/ru/rss").unwrap()
    }

    #[test]
    fn rss_with_relative_links_and_russian_dates() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Акорда</title><ttl>30</ttl>
<item><title>Глава государства провел встречу</title><link>/ru/news/1</link>
<pubDate>Tue, 25 Nov 2025 10:00:00 +0500</pubDate><description>Коротко</description></item>
</channel></rss>"#;
        let feed = parse_feed(rss, &base()).unwrap();
        assert_eq!(feed.ttl_minutes, Some(30));
        assert_eq!(feed.items.len(), 1);
        assert_eq!(
            feed.items[0].url.as_str(),
            "https://www.akorda.kz/ru/news/1"
        );
        assert!(feed.items[0].published_at.is_some());
        assert!(feed.items[0].is_teaser());
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Zakon</title><id>urn:z</id><updated>2025-11-25T10:00:00+05:00</updated>
<entry><title>Новость</title><id>urn:1</id><link href="https://www.zakon.kz/a-1.html"/><updated>2025-11-25T10:00:00+05:00</updated>
<content type="html">&lt;p&gt;Первый абзац.&lt;/p&gt;&lt;p&gt;Второй абзац.&lt;/p&gt;</content></entry></feed>"#;
        let feed = parse_feed(atom, &base()).unwrap();
        assert_eq!(feed.items[0].text, "Первый абзац.\nВторой абзац.");
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://liter.kz/x/","title":"Т","content_text":"Текст"}]}"#;
        let feed = parse_feed(json, &base()).unwrap();
        assert_eq!(feed.items[0].url.as_str(), "https://liter.kz/x/");
    }

    #[test]
    fn html_and_broken_xml_are_not_feeds() {
        assert!(parse_feed("<html><body>Новости</body></html>", &base()).is_err());
        assert!(parse_feed("<rss><channel><item><title>oops", &base()).is_err());
        let err = parse_feed("not xml at all", &base()).unwrap_err();
        assert!(err.to_string().starts_with("feed:"), "{err}");
    }

    /// A date without a zone is Kazakhstan time of its day: UTC+6 before
    /// March 2024, UTC+5 after; a date with a zone keeps its instant.
    #[test]
    fn feed_dates_without_a_zone_are_kazakhstan_time() {
        let rss = r#"<rss version="2.0"><channel><title>T</title>
<item><title>Old</title><link>https://a.kz/1</link><pubDate>2023-11-25 10:00:00</pubDate></item>
<item><title>New</title><link>https://a.kz/2</link><pubDate>25.11.2025 10:00</pubDate></item>
<item><title>Zoned</title><link>https://a.kz/3</link><pubDate>Sat, 25 Nov 2023 10:00:00 +0000</pubDate></item>
</channel></rss>"#;
        let feed = parse_feed(rss, &base()).unwrap();
        let at: Vec<String> = feed
            .items
            .iter()
            .map(|i| i.published_at.map(|d| d.to_rfc3339()).unwrap_or_default())
            .collect();
        assert_eq!(
            at,
            [
                "2023-11-25T10:00:00+06:00",
                "2025-11-25T10:00:00+05:00",
                "2023-11-25T16:00:00+06:00"
            ]
        );
    }

    #[test]
    fn encoding_declaration_of_decoded_text_is_dropped() {
        let rss = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss version=\"2.0\"><channel><title>T</title><item><title>Аким</title><link>https://a.kz/1</link></item></channel></rss>";
        assert_eq!(parse_feed(rss, &base()).unwrap().items[0].title, "Аким");
    }
}
