//! The checks behind every fuzz target, as plain functions from bytes.
//!
//! The fuzz targets in `fuzz_targets/` are one-line wrappers around these,
//! and `tests/it/hardening.rs` includes this very file (`#[path]`) to run
//! every corpus file through the same checks in CI, where the fuzzers do
//! not run. Each function panics when an invariant breaks; it depends on
//! `civic_digest` and `std` only.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::OnceLock;

use civic_digest::Candidate;
use civic_digest::Lang;
use civic_digest::Texts;
use civic_digest::commands;
use civic_digest::extract;
use civic_digest::parse_feed;
use civic_digest::{ArticleInput, Knowledge, summarize};
use civic_digest::{Callback, MAX_CALLBACK_BYTES};
use civic_digest::{Filters, Index};
use civic_digest::{Style, render_digest};
use civic_digest::{find_date, parse_date};

/// Telegram's limit on one message, in UTF-16 code units.
pub const MAX_MESSAGE_UNITS: usize = 4096;

/// One target's check: panics when an invariant breaks.
pub type Check = fn(&[u8]);

/// The targets by name: the corpus directory `fuzz/corpus/<name>/` of
/// each is run through its function by the regression test.
pub const TARGETS: &[(&str, Check)] = &[
    ("feed", feed),
    ("extract", extract_html),
    ("summarize", summarize_text),
    ("dates", dates),
    ("commands", commands_and_callbacks),
    ("render", render),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn texts() -> &'static Texts {
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    TEXTS.get_or_init(Texts::embedded)
}

fn embedded() -> &'static Knowledge {
    static KB: OnceLock<Knowledge> = OnceLock::new();
    KB.get_or_init(Knowledge::embedded)
}

/// Feed parsing: never panics; every item links to an http(s) page.
pub fn feed(data: &[u8]) {
    let base = url::Url::parse("https://news.example.kz/rss/").expect("static url");
    if let Ok(feed) = parse_feed(&text(data), &base) {
        for item in &feed.items {
            assert!(
                matches!(item.url.scheme(), "http" | "https"),
                "feed item with scheme {}",
                item.url
            );
            let _ = item.is_teaser();
        }
    }
}

/// HTML extraction: never panics, with and without a page URL; the text
/// it returns is no longer than the page.
pub fn extract_html(data: &[u8]) {
    let html = text(data);
    let url = url::Url::parse("https://news.example.kz/a/1").expect("static url");
    for u in [None, Some(&url)] {
        let a = extract(&html, u);
        assert!(
            a.text.chars().count() <= html.chars().count() * 2 + 16,
            "extracted text longer than the page"
        );
    }
}

/// The summarizer with both knowledge bases: never panics; topics and
/// regions come from the taxonomy; scores are finite.
pub fn summarize_text(data: &[u8]) {
    let s = text(data);
    let (title, body) = s.split_once('\n').unwrap_or(("", &s));
    let input = ArticleInput {
        url: Some("https://news.example.kz/a/1"),
        title,
        text: body,
        published_at: None,
    };
    for kb in [embedded(), Knowledge::shared()] {
        let sum = summarize(&input, kb);
        let topics = kb.topic_ids();
        let regions = kb.region_ids();
        for t in &sum.topics {
            assert!(topics.contains(&t.id.as_str()), "unknown topic {}", t.id);
            assert!(t.score.is_finite(), "topic score {}", t.score);
        }
        for r in &sum.regions {
            assert!(regions.contains(&r.as_str()), "unknown region {r}");
        }
        for q in &sum.quotes {
            assert!(!q.text.trim().is_empty(), "empty quote: {q:?}");
            assert!(q.score.is_finite(), "quote score {}", q.score);
        }
    }
}

/// Date parsing: never panics, on the whole input and on each line.
pub fn dates(data: &[u8]) {
    let s = text(data);
    let _ = parse_date(&s);
    let _ = find_date(&s);
    for line in s.lines().take(64) {
        let _ = parse_date(line);
        let _ = find_date(line);
    }
}

/// Command and callback parsing: never panics; a parsed command's
/// arguments are within its limit; a decoded callback encodes back to
/// at most 64 bytes and decodes to itself.
pub fn commands_and_callbacks(data: &[u8]) {
    let s = text(data);
    for line in std::iter::once(s.as_str()).chain(s.lines().take(16)) {
        if let Ok(inv) = commands::parse(line, "civic_digest_sandbox_bot") {
            let max = inv.cmd.spec().max_args;
            assert!(
                inv.args.chars().count() <= max,
                "/{} took {} chars of arguments, limit {max}",
                inv.cmd.name(),
                inv.args.chars().count()
            );
            let kb = embedded();
            let _ = commands::resolve_list(&inv.args, |q| kb.resolve_topic(q));
            let _ = commands::resolve_list(&inv.args, |q| kb.resolve_region(q));
        }
        if let Some(cb) = Callback::decode(line) {
            let data = cb.encode();
            assert!(
                data.len() <= MAX_CALLBACK_BYTES,
                "callback {data:?} too long"
            );
            assert_eq!(Callback::decode(&data), Some(cb), "callback round trip");
        }
    }
}

const TOPICS: &[&str] = &[
    "local_elections",
    "budget_taxes",
    "education",
    "healthcare",
    "digital_state",
];
const REGIONS: &[&str] = &["akmola", "abai", "astana", "turkistan"];

/// Candidates from arbitrary strings: the input split at NUL bytes gives
/// titles, URLs, outlet names, quotes, speakers, key sentences, topic and
/// region ids, in turn.
pub fn candidates(data: &[u8]) -> Vec<Candidate> {
    let s = text(data);
    let fields: Vec<&str> = s.split('\0').collect();
    let field = |k: usize| fields[k % fields.len()].to_string();
    let n = (fields.len() / 4).clamp(1, 60);
    (0..n)
        .map(|i| {
            let k = i * 8;
            let b = data.get(i).copied().unwrap_or(0) as usize;
            // Topic ids are taxonomy tokens in the store (the summarizer and
            // /retopic only ever write known ids): hostile here, but one line.
            let topic = if b % 5 == 4 {
                field(k + 6).replace(['\n', '\r'], "")
            } else {
                TOPICS[b % TOPICS.len()].to_string()
            };
            let region = if b % 7 == 6 {
                field(k + 7)
            } else {
                REGIONS[b % REGIONS.len()].to_string()
            };
            Candidate {
                id: 1000 - i as i64,
                story_id: 1000 - (i / 2) as i64,
                source_id: Some((b % 3) as i64),
                source_name: field(k + 2),
                official: b.is_multiple_of(2),
                url: field(k + 1),
                title: field(k),
                language: ["ru", "kk", "en"][b % 3].to_string(),
                ingested_at: 1_764_000_000 - i as i64 * 60,
                // Some with a date (rendered on each entry), some without.
                published_at: (!b.is_multiple_of(4)).then(|| 1_764_000_000 - (b as i64) * 3600),
                topics: vec![(topic, 0.9, true)],
                regions: vec![region],
                people: vec![field(k + 4)],
                quote: (!b.is_multiple_of(3))
                    .then(|| (field(k + 3), Some(field(k + 4)).filter(|_| b % 2 == 1))),
                key_sentence: Some(field(k + 5)),
            }
        })
        .collect()
}

/// Digest rendering over hostile candidates: every message fits
/// Telegram's limit and is well-formed, escaped Telegram HTML.
pub fn render(data: &[u8]) {
    let candidates = candidates(data);
    let mut follows: HashMap<String, Vec<i64>> = HashMap::new();
    follows.insert(
        candidates[0].title.to_lowercase(),
        candidates.iter().map(|c| c.id).step_by(2).collect(),
    );
    let index = Index::new(&candidates, &follows, 1_764_000_000, 365 * 86_400);
    let at = chrono::TimeZone::timestamp_opt(&chrono_tz::Asia::Almaty, 1_764_000_000, 0)
        .single()
        .expect("a valid time");
    let filters = [
        Filters::default(),
        Filters {
            follows: follows.keys().cloned().collect(),
            ..Filters::default()
        },
    ];
    for f in &filters {
        let selection = index.select(f, 40);
        for lang in [Lang::Ru, Lang::Kk, Lang::En] {
            for (low_bandwidth, instant) in [(false, false), (true, true)] {
                let style = Style {
                    lang,
                    low_bandwidth,
                    instant,
                };
                for m in render_digest(&selection, texts(), Knowledge::shared(), style, at) {
                    check_message(&m);
                }
            }
        }
    }
}

/// One Telegram HTML message: within 4096 UTF-16 units, tags balanced.
pub fn check_message(m: &str) {
    let units = m.encode_utf16().count();
    assert!(
        units <= MAX_MESSAGE_UNITS,
        "message of {units} UTF-16 units"
    );
    if let Err(e) = check_html(m) {
        panic!("bad HTML ({e}) in message:\n{m}");
    }
}

/// Checks Telegram's HTML parse mode: only its tags, properly nested, an
/// `<a>` with one quoted `href`, and every `<`, `>`, `&` outside a tag
/// written as an entity.
pub fn check_html(m: &str) -> Result<(), String> {
    const TAGS: &[&str] = &[
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "tg-spoiler",
        "code",
        "pre",
        "blockquote",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = m;
    while let Some(i) = rest.find(['<', '>', '&']) {
        let tail = &rest[i..];
        if tail.starts_with('>') {
            return Err(format!("bare '>' at {:?}", snippet(tail)));
        }
        if tail.starts_with('&') {
            let end = tail
                .find(';')
                .filter(|&e| e <= 10)
                .ok_or_else(|| format!("bare '&' at {:?}", snippet(tail)))?;
            let name = &tail[1..end];
            let ok = matches!(name, "lt" | "gt" | "amp" | "quot")
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("unknown entity &{name};"));
            }
            rest = &tail[end + 1..];
            continue;
        }
        let end = tail
            .find('>')
            .ok_or_else(|| format!("unclosed tag at {:?}", snippet(tail)))?;
        let tag = &tail[1..end];
        if tag.contains('<') {
            return Err(format!("'<' inside a tag: {:?}", snippet(tail)));
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if let Some(attrs) = tag.strip_prefix("a ") {
            let href = attrs
                .strip_prefix("href=\"")
                .and_then(|h| h.strip_suffix('"'))
                .ok_or_else(|| format!("bad <a {attrs}>"))?;
            if href.contains('"') {
                return Err(format!("quote inside href {href:?}"));
            }
            check_html(href).map_err(|e| format!("href {href:?}: {e}"))?;
            stack.push("a".into());
        } else if TAGS.contains(&tag) {
            stack.push(tag.to_string());
        } else {
            return Err(format!("unknown tag <{tag}>"));
        }
        rest = &tail[end + 1..];
    }
    match stack.last() {
        None => Ok(()),
        Some(open) => Err(format!("<{open}> never closed")),
    }
}

fn snippet(s: &str) -> String {
    s.chars().take(40).collect()
}
