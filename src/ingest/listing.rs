//! HTML listing pages: the article links a CSS selector picks out, or,
//! without a selector, the links that look like articles of the same site.

use scraper::{Html, Selector};
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("listing: bad CSS selector {selector:?}: {message}")]
    BadSelector { selector: String, message: String },
}

/// Article links on a listing page, resolved against `base`, in page order,
/// each once, on the same site.
pub fn article_links(
    html: &str,
    base: &Url,
    selector: Option<&str>,
) -> Result<Vec<Url>, ListingError> {
    let css = selector.unwrap_or("a[href]");
    let sel = Selector::parse(css).map_err(|e| ListingError::BadSelector {
        selector: css.to_string(),
        message: e.to_string(),
    })?;
    let doc = Html::parse_document(html);
    let mut seen = std::collections::HashSet::new();
    let mut links = Vec::new();
    for el in doc.select(&sel) {
        let href = el.value().attr("href").or_else(|| {
            el.select(&Selector::parse("a[href]").expect("static selector"))
                .next()?
                .value()
                .attr("href")
        });
        let Some(url) = href.and_then(|h| base.join(h.trim()).ok()) else {
            continue;
        };
        if !same_site(&url, base) || (selector.is_none() && !looks_like_article(&url)) {
            continue;
        }
        let url = super::dedupe::canonical_url(&url);
        if seen.insert(url.clone()) {
            links.push(url);
        }
    }
    Ok(links)
}

fn same_site(url: &Url, base: &Url) -> bool {
    let strip = |h: &str| h.trim_start_matches("www.").to_ascii_lowercase();
    matches!((url.host_str(), base.host_str()), (Some(a), Some(b)) if strip(a) == strip(b))
        && (url.scheme() == "http" || url.scheme() == "https")
}

/// A path deep and specific enough to be one article, not a section.
fn looks_like_article(url: &Url) -> bool {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let Some(last) = segments.last() else {
        return false;
    };
    segments.len() >= 2
        && (last.len() >= 16 || last.chars().filter(char::is_ascii_digit).count() >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body><nav><a href="/ru/">Главная</a><a href="/ru/news/">Новости</a></nav>
<div class="news-list">
<div class="item"><a class="title" href="/ru/news/glava-gosudarstva-provel-vstrechu-12345">Встреча</a></div>
<div class="item"><a class="title" href="https://primeminister.kz/ru/news/pravitelstvo-odobrilo-byudzhet-2026">Бюджет</a></div>
<div class="item"><a class="title" href="/ru/news/glava-gosudarstva-provel-vstrechu-12345#top">Дубль</a></div>
<div class="item"><a class="title" href="https://facebook.com/share">FB</a></div>
</div></body></html>"#;

    #[test]
    fn selector_picks_article_links_once() {
        let base = Url::parse("https://primeminister.kz/ru/news").unwrap();
        let links = article_links(PAGE, &base, Some(".news-list a.title")).unwrap();
        let paths: Vec<&str> = links.iter().map(|u| u.path()).collect();
        assert_eq!(
            paths,
            vec![
                "/ru/news/glava-gosudarstva-provel-vstrechu-12345",
                "/ru/news/pravitelstvo-odobrilo-byudzhet-2026"
            ]
        );
    }

    #[test]
    fn without_selector_sections_are_skipped() {
        let base = Url::parse("https://primeminister.kz/ru/news").unwrap();
        let links = article_links(PAGE, &base, None).unwrap();
        assert_eq!(links.len(), 2);
        assert!(
            article_links(PAGE, &base, Some("a[["))
                .unwrap_err()
                .to_string()
                .contains("selector")
        );
    }
}
