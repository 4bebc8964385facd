//! Checks that a URL someone wants to add really is a feed or a listing
//! page, before it becomes a source (`sources add`, the bot's `/addsource`).

use scraper::{Html, Selector};
use url::Url;

use super::feed::parse_feed;
use super::fetch::{FetchError, Fetcher};
use super::listing::article_links;
use crate::store::{NewSource, SourceKind};

/// A listing must show at least this many article links.
const MIN_LISTING_LINKS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("probe: {url} is neither a feed nor a page listing articles ({detail})")]
    NotASource { url: String, detail: String },
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
    if selector.is_none()
        && let Some(feed_url) = announced_feed(&body, &page.url)
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
