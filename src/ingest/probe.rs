//! Checks that a URL someone wants to add really is a feed or a listing
//! page, before it becomes a source (`sources add`, the bot's `/addsource`).
//! A single article's page is refused with a hint (the feed it announces,
//! or the section it sits in): its menu links are not a listing.

use scraper::{Html, Selector};
use url::Url;

use super::feed::parse_feed;
use super::fetch::{FetchError, Fetcher};
use super::listing::article_links;
use crate::model::{NewSource, SourceKind};

/// A listing must show at least this many article links.
const MIN_LISTING_LINKS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("probe: {url} is neither a feed nor a page listing articles ({detail})")]
    NotASource { url: String, detail: String },
    #[error(
        "probe: {url} is a single article's page, not a feed or a listing; add the site's feed or a section listing its articles instead, e.g. {hint}"
    )]
    Article { url: String, hint: String },
}

/// Fetches `url` and describes the source it is: a feed (also one the page
/// announces with `<link rel="alternate">`), or a listing page.
pub async fn probe(
    fetcher: &Fetcher,
    url: &str,
    name: Option<&str>,
    selector: Option<&str>,
) -> Result<NewSource, ProbeError> {
    let page = fetcher.get(url).await?;
    let body = page.text();
    let feed_error = match parse_feed(&body, &page.url) {
        Ok(feed) => return Ok(source(name, &feed.title, &page.url, SourceKind::Feed, None)),
        Err(e) => e.to_string(),
    };
    let announced = announced_feed(&body, &page.url);
    if selector.is_none() && is_article_page(&body) {
        let hint = announced.unwrap_or_else(|| section_of(&page.url));
        return Err(ProbeError::Article {
            url: url.to_string(),
            hint: hint.to_string(),
        });
    }
    if selector.is_none()
        && let Some(feed_url) = announced
    {
        let feed_page = fetcher.get(feed_url.as_str()).await?;
        if let Ok(feed) = parse_feed(&feed_page.text(), &feed_page.url) {
            return Ok(source(
                name,
                &feed.title,
                &feed_page.url,
                SourceKind::Feed,
                None,
            ));
        }
    }
    let links = article_links(&body, &page.url, selector).map_err(|e| ProbeError::NotASource {
        url: url.to_string(),
        detail: e.to_string(),
    })?;
    if links.len() >= MIN_LISTING_LINKS {
        let title = Html::parse_document(&body)
            .select(&Selector::parse("title").expect("static selector"))
            .next()
            .map(|t| t.text().collect::<String>())
            .unwrap_or_default();
        return Ok(source(
            name,
            &title,
            &page.url,
            SourceKind::Listing,
            Some(selector.unwrap_or("a[href]")),
        ));
    }
    Err(ProbeError::NotASource {
        url: url.to_string(),
        detail: format!("{feed_error}; {} article links found", links.len()),
    })
}

fn source(
    name: Option<&str>,
    title: &str,
    url: &Url,
    kind: SourceKind,
    selector: Option<&str>,
) -> NewSource {
    let name = name
        .map(str::to_string)
        .or_else(|| Some(title.trim().to_string()).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| url.host_str().unwrap_or("source").to_string());
    NewSource {
        name,
        url: url.to_string(),
        kind,
        language: None,
        region: None,
        official: false,
        link_selector: selector.map(str::to_string),
    }
}

/// A page that describes itself as one article: `og:type` "article", an
/// `article:published_time`, or JSON-LD of an article type.
fn is_article_page(html: &str) -> bool {
    let doc = Html::parse_document(html);
    let meta = Selector::parse("meta[property], meta[name]").expect("static selector");
    let said_article = doc.select(&meta).any(|m| {
        let key = m
            .value()
            .attr("property")
            .or(m.value().attr("name"))
            .unwrap_or("");
        let content = m.value().attr("content").unwrap_or("").trim();
        (key == "og:type" && content.eq_ignore_ascii_case("article"))
            || (key == "article:published_time" && !content.is_empty())
    });
    if said_article {
        return true;
    }
    let ld = Selector::parse(r#"script[type="application/ld+json"]"#).expect("static selector");
    doc.select(&ld).any(|s| {
        let text: String = s.text().collect();
        serde_json::from_str::<serde_json::Value>(&text)
            .map(|v| top_level_article(&v))
            .unwrap_or(false)
    })
}

fn top_level_article(v: &serde_json::Value) -> bool {
    const TYPES: [&str; 4] = [
        "NewsArticle",
        "Article",
        "BlogPosting",
        "ReportageNewsArticle",
    ];
    match v {
        serde_json::Value::Array(items) => items.len() == 1 && items.iter().any(top_level_article),
        serde_json::Value::Object(o) => {
            o.get("@graph").is_some_and(|g| match g {
                serde_json::Value::Array(items) => {
                    items.iter().filter(|i| top_level_article(i)).count() == 1
                }
                _ => false,
            }) || o.get("@type").is_some_and(|t| match t {
                serde_json::Value::String(t) => TYPES.contains(&t.as_str()),
                serde_json::Value::Array(ts) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| TYPES.contains(&t))),
                _ => false,
            })
        }
        _ => false,
    }
}

/// The section an article's page sits in: its URL without the last path
/// segment (`/news/some-story` → `/news/`).
fn section_of(url: &Url) -> Url {
    let mut section = url.clone();
    section.set_query(None);
    section.set_fragment(None);
    let path = section.path().trim_end_matches('/').to_string();
    let parent = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    section.set_path(parent);
    section
}

/// `<link rel="alternate" type="application/rss+xml" href="…">`.
fn announced_feed(html: &str, base: &Url) -> Option<Url> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("link[rel=alternate][href]").expect("static selector");
    doc.select(&sel)
        .find(|l| {
            l.value()
                .attr("type")
                .is_some_and(|t| t.contains("rss") || t.contains("atom") || t.contains("feed+json"))
        })
        .and_then(|l| base.join(l.value().attr("href")?).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_page_is_told_from_a_listing() {
        assert!(is_article_page(
            r#"<html><head><meta property="og:type" content="article"></head></html>"#
        ));
        assert!(is_article_page(
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"x"}</script>"#
        ));
        assert!(!is_article_page(
            r#"<html><head><meta property="og:type" content="website"></head><body><a href="/a">a</a></body></html>"#
        ));
        // a listing that lists articles in JSON-LD is still a listing
        assert!(!is_article_page(
            r#"<script type="application/ld+json">[{"@type":"NewsArticle"},{"@type":"NewsArticle"}]</script>"#
        ));
        let u = Url::parse("https://egemen.kz/news/some-story?utm=1").unwrap();
        assert_eq!(section_of(&u).as_str(), "https://egemen.kz/news/");
        let u = Url::parse("https://egemen.kz/story").unwrap();
        assert_eq!(section_of(&u).as_str(), "https://egemen.kz/");
    }
}
