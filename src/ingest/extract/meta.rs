//! Title, publication time, canonical URL and language of a page.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use regex::Regex;

use super::dom::{Dom, Kind, Tag};
use crate::text::Lang;
use crate::text::dates::{find_date, parse_date};

fn meta<'a>(dom: &'a Dom, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        dom.meta
            .metas
            .iter()
            .find(|(key, c)| key == k && !c.trim().is_empty())
            .map(|(_, c)| c.trim())
    })
}

const SEPARATORS: &[&str] = &[
    " | ", " — ", " – ", " - ", " :: ", " « ", " » ", " / ", " • ",
];

/// Whether `part` of a title is the site's name rather than the headline.
fn is_site_name(part: &str, site: Option<&str>, h1: Option<&str>) -> bool {
    let part = part.trim();
    if site.is_some_and(|s| part.eq_ignore_ascii_case(s.trim())) {
        return true;
    }
    if h1.is_some_and(|h| h.trim() == part) {
        return false;
    }
    let words: Vec<&str> = part.split_whitespace().collect();
    let domain = words.iter().any(|w| {
        w.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty() && b.len() >= 2 && b.chars().all(char::is_alphabetic)
        })
    });
    let capitalised = words
        .iter()
        .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()));
    domain || (words.len() <= 3 && capitalised)
}

/// `<title>` without the site's name ("… | Tengrinews.kz", "Zakon.kz :: …").
fn strip_site(title: &str, site: Option<&str>, h1: Option<&str>) -> String {
    let t = title.trim();
    if let Some(h) = h1
        && !h.is_empty()
        && t.starts_with(h.trim())
    {
        return h.trim().to_string();
    }
    for sep in SEPARATORS {
        if let Some((head, tail)) = t.rsplit_once(sep)
            && head.split_whitespace().count() >= 2
            && is_site_name(tail, site, h1)
        {
            return head.trim().to_string();
        }
        if let Some((head, tail)) = t.split_once(sep)
            && tail.split_whitespace().count() >= 2
            && site.is_some_and(|s| head.trim().eq_ignore_ascii_case(s.trim()))
        {
            return tail.trim().to_string();
        }
    }
    t.to_string()
}

pub(crate) fn title(dom: &Dom) -> String {
    let site = meta(dom, &["og:site_name"]);
    let h1 = dom
        .meta
        .h1
        .iter()
        .find(|h| h.split_whitespace().count() >= 2);
    if let Some(og) = meta(dom, &["og:title", "twitter:title"]) {
        let og = strip_site(og, site, h1.map(String::as_str));
        if !og.is_empty() {
            return og;
        }
    }
    if let Some(h) = h1 {
        return h.clone();
    }
    if let Some(t) = dom.meta.title.as_deref() {
        let t = strip_site(t, site, None);
        if !t.is_empty() {
            return t;
        }
    }
    dom.meta.h1.first().cloned().unwrap_or_default()
}

static LD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""datePublished"\s*:\s*"([^"]{6,40})""#).expect("json-ld date regex")
});

pub(crate) fn published(dom: &Dom) -> Option<DateTime<FixedOffset>> {
    const KEYS: &[&str] = &[
        "article:published_time",
        "og:published_time",
        "datepublished",
        "published_time",
        "article:published",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "parsely-pub-date",
        "sailthru.date",
        "dc.date.issued",
        "dc.date",
        "date",
        "mediator_published_time",
    ];
    for k in KEYS {
        if let Some(d) = meta(dom, &[k]).and_then(parse_date) {
            return Some(d);
        }
    }
    for ld in &dom.meta.json_ld {
        if let Some(d) = LD_DATE
            .captures(ld)
            .and_then(|c| c.get(1))
            .and_then(|m| parse_date(m.as_str()))
        {
            return Some(d);
        }
    }
    if let Some(d) = dom.meta.times.iter().find_map(|t| parse_date(t)) {
        return Some(d);
    }
    // A date printed near the title, else anywhere early in the page.
    match (0..dom.nodes.len()).find(|&i| dom.tag(i) == Some(Tag::H1)) {
        Some(h1) => find_date(&text_after(dom, h1, 1500)),
        None => find_date(&text_after(dom, 0, 4000)),
    }
}

fn text_after(dom: &Dom, from: usize, limit: usize) -> String {
    let mut out = String::new();
    for node in dom.nodes.iter().skip(from) {
        if let Kind::Text { start, end, .. } = node.kind {
            out.push_str(dom.text_of(start, end));
            out.push(' ');
            if out.len() > limit {
                break;
            }
        }
    }
    out
}

pub(crate) fn canonical(dom: &Dom, base: Option<&url::Url>) -> Option<String> {
    let href = dom
        .meta
        .canonical
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .or_else(|| meta(dom, &["og:url"]))?;
    let resolved = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    matches!(resolved.scheme(), "http" | "https").then(|| resolved.to_string())
}

pub(crate) fn language(dom: &Dom, title: &str, text: &str) -> Lang {
    let hint = dom
        .meta
        .html_lang
        .as_deref()
        .and_then(|l| Lang::from_code(l.split(['-', '_']).next().unwrap_or(l)))
        .or_else(|| {
            meta(dom, &["og:locale", "language", "content-language"])
                .and_then(|l| Lang::from_code(l.split(['-', '_']).next().unwrap_or(l)))
        });
    let sample = if text.chars().filter(|c| c.is_alphabetic()).take(200).count() >= 200 {
        text.to_string()
    } else {
        format!("{title}\n{text}")
    };
    super::decide_language(hint, &sample)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names_come_off_titles() {
        let s = |t: &str| strip_site(t, None, None);
        assert_eq!(
            s("В Акмолинской области отремонтируют школы - Tengrinews.kz"),
            "В Акмолинской области отремонтируют школы"
        );
        assert_eq!(
            s("Сельские акимы получат право :: Zakon.kz"),
            "Сельские акимы получат право"
        );
        assert_eq!(
            s("Ауылға цифрлық қызмет жетті | Egemen Qazaqstan"),
            "Ауылға цифрлық қызмет жетті"
        );
        assert_eq!(
            strip_site(
                "Kazinform | Ауыл әкімдері бюджетті басқарады",
                Some("Kazinform"),
                None
            ),
            "Ауыл әкімдері бюджетті басқарады"
        );
    }

    #[test]
    fn headline_dashes_stay() {
        let s = |t: &str| strip_site(t, None, None);
        assert_eq!(
            s("Токаев: реформы - это не кампания"),
            "Токаев: реформы - это не кампания"
        );
        assert_eq!(
            strip_site(
                "Кошанов – о выборах акимов | Liter.kz",
                None,
                Some("Кошанов – о выборах акимов")
            ),
            "Кошанов – о выборах акимов"
        );
    }
}
