//! The poller against the local news site: every feed kind, every kind of
//! failure, dedupe and syndication, and a second run that stores nothing.

use std::time::Duration;

use civic_digest::Poller;
use civic_digest::{NewSource, SourceKind};
use civic_digest_sandbox::Route;

use crate::support::{Harness, fixture};

const RSS: &str = "application/rss+xml; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

fn feed(h: &Harness, name: &str, path: &str) -> NewSource {
    NewSource {
        name: name.into(),
        url: h.site.url(path),
        kind: SourceKind::Feed,
        language: None,
        region: None,
        official: false,
        link_selector: None,
    }
}

/// The site every test here polls: good sources and broken ones.
fn build_site(h: &Harness) -> Vec<NewSource> {
    h.site.set(
        "/liter/feed.xml",
        Route::rss(fixture("site/liter_feed.xml")).with_etag("\"liter-v1\""),
    );
    h.serve(
        "/liter/news/selskie-akimy-vstretilis-s-prezidentom-12345/",
        "liter_akims.html",
        HTML,
    );
    h.serve(
        "/liter/news/v-turkestanskoy-oblasti-postroyat-12-shkol-12346/",
        "liter_schools.html",
        HTML,
    );
    h.serve("/zakon/atom.xml", "zakon_atom.xml", "application/atom+xml");
    h.serve("/inform/kk.json", "inform_kk.json", "application/feed+json");
    h.serve("/qazaq24/ru/news/", "qazaq24_listing.html", HTML);
    h.serve(
        "/ru/news/erlan-koshanov-rasskazal-o-vstreche-12345",
        "qazaq24_copy.html",
        HTML,
    );
    h.serve(
        "/ru/news/v-turkestanskoy-oblasti-postroyat-12-shkol-2",
        "liter_schools.html",
        HTML,
    );

    // A windows-1251 feed and page that say so only in the XML declaration
    // and the HTTP header.
    let cp_feed = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss version=\"2.0\"><channel><title>Лента</title>\
        <item><title>Аким Павлодара отчитался перед жителями</title><link>/cp/article-pavlodar-otchet-2025.html</link></item></channel></rss>";
    let cp_page = "<html><head><title>Аким Павлодара отчитался перед жителями</title></head><body><article><h1>Аким Павлодара отчитался перед жителями</h1>\
        <p>Аким Павлодара провел отчетную встречу с жителями города. Он рассказал о ремонте дорог, строительстве жилья и модернизации теплосетей.</p>\
        <p>Жители задали более сорока вопросов о благоустройстве дворов, освещении улиц и работе общественного транспорта в новых микрорайонах.</p>\
        <p>По словам акима, в следующем году в городе отремонтируют еще 60 километров дорог и построят три детских сада.</p></article></body></html>";
    let enc = |s: &str| encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
    h.site.set(
        "/cp/feed.xml",
        Route::page(200, "application/rss+xml", enc(cp_feed)),
    );
    h.site.set(
        "/cp/article-pavlodar-otchet-2025.html",
        Route::page(200, "text/html; charset=windows-1251", enc(cp_page)),
    );

    h.serve("/broken/malformed.xml", "malformed.xml", RSS);
    h.serve("/broken/not-a-feed", "not_a_feed.html", HTML);
    h.site.set(
        "/broken/500",
        Route::page(500, "text/plain", "internal error"),
    );
    h.site.set(
        "/broken/429",
        Route::page(429, "text/plain", "slow down").with_header("Retry-After", "3600"),
    );
    h.site.set(
        "/broken/slow",
        Route::Slow {
            delay: Duration::from_secs(10),
            then: Box::new(Route::rss("<rss/>")),
        },
    );
    h.site.set(
        "/broken/bomb",
        Route::GzipBomb {
            inflated: 64 * 1024 * 1024,
        },
    );
    h.site.set(
        "/broken/loop-a",
        Route::Redirect {
            to: "/broken/loop-b".into(),
        },
    );
    h.site.set(
        "/broken/loop-b",
        Route::Redirect {
            to: "/broken/loop-a".into(),
        },
    );
    h.site.set(
        "/broken/to-metadata",
        Route::Redirect {
            to: "http://169.254.169.254/latest/meta-data/".into(),
        },
    );
    h.site.set("/broken/endless", Route::Endless);

    let mut qazaq24 = feed(h, "Qazaq24", "/qazaq24/ru/news/");
    qazaq24.kind = SourceKind::Listing;
    qazaq24.link_selector = Some(".news-list a.news-title".into());
    vec![
        feed(h, "Liter.kz", "/liter/feed.xml"),
        feed(h, "Zakon.kz", "/zakon/atom.xml"),
        feed(h, "Kazinform", "/inform/kk.json"),
        qazaq24,
        feed(h, "Windows-1251", "/cp/feed.xml"),
        feed(h, "Malformed", "/broken/malformed.xml"),
        feed(h, "Not a feed", "/broken/not-a-feed"),
        feed(h, "Server error", "/broken/500"),
        feed(h, "Rate limited", "/broken/429"),
        feed(h, "Slow", "/broken/slow"),
        feed(h, "Gzip bomb", "/broken/bomb"),
        feed(h, "Redirect loop", "/broken/loop-a"),
        feed(h, "Redirect to metadata", "/broken/to-metadata"),
        feed(h, "Endless", "/broken/endless"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_survives_bad_sources_and_stores_each_article_once() {
    let h = Harness::new().await;
    let sources = build_site(&h);
    h.store.add_missing_sources(&sources, 0).unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    let now = 1_764_400_000;

    let report = poller.poll_all(now).await.unwrap();
    assert_eq!(report.sources, sources.len());
    // liter 2, zakon 1, inform 1, windows-1251 1
    assert_eq!(report.new_articles, 5, "{report:?}");
    // qazaq24 republished both liter stories: one word for word, one with a
    // line of its own and other page chrome
    assert_eq!(report.syndicated, 2, "{report:?}");
    // the liter feed lists one story twice (with a #comments fragment)
    assert_eq!(report.duplicates, 1, "{report:?}");
    assert_eq!(report.errors, 9, "{report:?}");
    assert_eq!(h.store.count_articles().unwrap(), 7);

    // Each failure is recorded against its own source, saying why.
    let stored = h.store.list_sources().unwrap();
    let by_name = |name: &str| stored.iter().find(|s| s.name == name).unwrap().clone();
    for (name, why) in [
        ("Malformed", "not a feed"),
        ("Not a feed", "not a feed"),
        ("Server error", "HTTP 500"),
        ("Rate limited", "HTTP 429"),
        ("Slow", "timed out"),
        ("Gzip bomb", "cap"),
        ("Redirect loop", "redirect"),
        ("Redirect to metadata", "metadata"),
        ("Endless", ""),
    ] {
        let s = by_name(name);
        assert_eq!(s.error_count, 1, "{name}: {s:?}");
        let err = s.last_error.clone().unwrap_or_default();
        assert!(err.contains(why), "{name}: {err}");
        assert!(!s.paused);
    }
    assert!(
        by_name("Rate limited").next_poll_at >= now + 3600,
        "Retry-After is honoured"
    );
    assert_eq!(by_name("Liter.kz").error_count, 0);
    assert_eq!(by_name("Liter.kz").etag.as_deref(), Some("\"liter-v1\""));

    // The windows-1251 article reads as Cyrillic.
    let all = h.store.latest_articles(50).unwrap();
    let pavlodar = all.iter().find(|a| a.url.contains("/cp/")).unwrap();
    assert!(pavlodar.text.contains("теплосетей"), "{}", pavlodar.text);
    assert!(pavlodar.title.contains("Павлодара"));

    // The syndicated copy on Qazaq24 joins Liter's story; both are kept.
    let original = all
        .iter()
        .find(|a| a.url.contains("selskie-akimy"))
        .unwrap();
    let copy = all
        .iter()
        .find(|a| a.url.contains("erlan-koshanov"))
        .unwrap();
    assert_eq!(copy.story_id, original.story_id);
    assert!(!copy.text.contains("Просмотров"), "{}", copy.text);
    assert!(
        !original.url.contains("utm_source"),
        "tracking parameters are dropped"
    );
    let kk = all.iter().find(|a| a.url.contains("/inform/")).unwrap();
    assert_eq!(kk.language, "kk");
    assert!(kk.published_at.is_some());

    // A second run stores nothing new, and the unchanged feed costs a 304.
    let page_hits = h
        .site
        .hits("/liter/news/selskie-akimy-vstretilis-s-prezidentom-12345/");
    let report = poller.poll_all(now + 10).await.unwrap();
    assert_eq!(
        (report.new_articles, report.syndicated),
        (0, 0),
        "{report:?}"
    );
    assert_eq!(report.not_modified, 1, "{report:?}");
    assert_eq!(h.store.count_articles().unwrap(), 7);
    assert_eq!(
        h.site
            .hits("/liter/news/selskie-akimy-vstretilis-s-prezidentom-12345/"),
        page_hits
    );
    assert_eq!(h.store.integrity_check().unwrap(), "ok");
}

#[tokio::test]
async fn a_source_that_keeps_failing_is_paused_with_its_reason() {
    let mut h = Harness::new().await;
    h.config.max_source_failures = 3;
    h.site
        .set("/down", Route::page(503, "text/plain", "maintenance"));
    let id = h.store.add_source(&feed(&h, "Down", "/down"), 0).unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    let mut last_next = 0;
    for round in 0..3 {
        let source = h.store.get_source(id).unwrap();
        poller.poll_source(&source, 1000 * round).await;
        let source = h.store.get_source(id).unwrap();
        assert!(
            source.next_poll_at - 1000 * round > last_next,
            "back-off grows"
        );
        last_next = source.next_poll_at - 1000 * round;
    }
    let source = h.store.get_source(id).unwrap();
    assert!(source.paused);
    assert!(source.pause_reason.unwrap().contains("HTTP 503"));
    assert!(h.store.due_sources(i64::MAX).unwrap().is_empty());
}

#[tokio::test]
async fn loopback_sources_are_refused_unless_allowed() {
    let mut h = Harness::new().await;
    h.config.allow_private_sources = false;
    h.serve("/zakon/atom.xml", "zakon_atom.xml", "application/atom+xml");
    let id = h
        .store
        .add_source(&feed(&h, "Zakon", "/zakon/atom.xml"), 0)
        .unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    let report = poller
        .poll_source(&h.store.get_source(id).unwrap(), 0)
        .await;
    assert_eq!(report.errors, 1);
    let err = h.store.get_source(id).unwrap().last_error.unwrap();
    assert!(err.contains("ALLOW_PRIVATE_SOURCES"), "{err}");
    assert_eq!(
        h.site.hits("/zakon/atom.xml"),
        0,
        "no request left the guard"
    );
}

/// The demo's news site, polled for real: every article stored, summarised,
/// the syndicated copy grouped with its original.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_site_is_ingested_and_summarised() {
    let h = Harness::new().await;
    let _site = h.serve_demo_sources().await;
    let kb = std::sync::Arc::new(std::sync::RwLock::new(civic_digest::Knowledge::embedded()));
    let poller = civic_digest::service::poller(h.store.clone(), &h.config, kb).unwrap();
    let report = poller.poll_all(1_764_400_000).await.unwrap();
    assert_eq!(report.errors, 0, "{report:?}");
    assert_eq!(report.new_articles + report.syndicated, 12, "{report:?}");
    assert!(report.syndicated >= 1, "{report:?}");
    let articles = h.store.latest_articles(50).unwrap();
    let with_quotes = articles
        .iter()
        .filter(|a| {
            a.summary_json
                .as_deref()
                .is_some_and(|s| s.contains("\"speaker\":\""))
        })
        .count();
    assert!(
        with_quotes >= 8,
        "{with_quotes} of {} articles have an attributed quote",
        articles.len()
    );
    for a in &articles {
        assert!(
            !a.text.contains("Просмотров") && !a.text.contains("Қаралым"),
            "{}: {}",
            a.url,
            a.text
        );
        assert!(!a.title.is_empty(), "{}", a.url);
    }
    let kk = articles.iter().filter(|a| a.language == "kk").count();
    assert_eq!(kk, 4, "four Kazakh articles");
}

/// An item whose page failed is fetched again on the next poll: the feed's
/// validators are not kept after a partial poll, so no 304 hides it.
#[tokio::test]
async fn items_that_failed_are_retried_on_the_next_poll() {
    let h = Harness::new().await;
    h.site.set(
        "/liter/feed.xml",
        Route::rss(fixture("site/liter_feed.xml")).with_etag("\"v1\""),
    );
    h.serve(
        "/liter/news/selskie-akimy-vstretilis-s-prezidentom-12345/",
        "liter_akims.html",
        HTML,
    );
    h.site.set(
        "/liter/news/v-turkestanskoy-oblasti-postroyat-12-shkol-12346/",
        Route::page(503, "text/plain", "busy"),
    );
    let id = h
        .store
        .add_source(&feed(&h, "Liter.kz", "/liter/feed.xml"), 0)
        .unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    let first = poller
        .poll_source(&h.store.get_source(id).unwrap(), 0)
        .await;
    assert_eq!((first.new_articles, first.errors), (1, 2), "{first:?}");
    assert_eq!(
        h.store.get_source(id).unwrap().etag,
        None,
        "validators dropped after a partial poll"
    );
    h.serve(
        "/liter/news/v-turkestanskoy-oblasti-postroyat-12-shkol-12346/",
        "liter_schools.html",
        HTML,
    );
    let second = poller
        .poll_source(&h.store.get_source(id).unwrap(), 700)
        .await;
    assert_eq!(
        (second.not_modified, second.new_articles),
        (0, 1),
        "{second:?}"
    );
    assert_eq!(
        h.store.get_source(id).unwrap().etag.as_deref(),
        Some("\"v1\"")
    );
    let third = poller
        .poll_source(&h.store.get_source(id).unwrap(), 1400)
        .await;
    assert_eq!(
        third.not_modified, 1,
        "complete now: the next poll is a 304"
    );
}

/// Words the generated articles are made of; each article draws its own.
const WORDS: &[&str] = &[
    "аким",
    "район",
    "село",
    "школа",
    "больница",
    "дорога",
    "бюджет",
    "налог",
    "жители",
    "встреча",
    "депутат",
    "маслихат",
    "программа",
    "ремонт",
    "вода",
    "газ",
    "свет",
    "тепло",
    "мост",
    "парк",
    "поликлиника",
    "учитель",
    "врач",
    "фермер",
    "земля",
    "урожай",
    "скот",
    "пастбище",
    "кредит",
    "субсидия",
    "выборы",
    "кандидат",
    "голос",
    "участок",
    "комиссия",
    "закон",
    "поправка",
    "реформа",
    "проект",
    "строительство",
    "жильё",
    "квартира",
    "очередь",
    "пособие",
    "пенсия",
    "семья",
    "дети",
    "сад",
    "спорт",
    "клуб",
    "библиотека",
    "интернет",
    "связь",
    "автобус",
    "маршрут",
    "остановка",
    "освещение",
    "тротуар",
    "площадь",
    "рынок",
    "цены",
    "тариф",
    "счётчик",
    "котельная",
    "отопление",
    "зима",
    "весна",
    "лето",
    "осень",
    "план",
    "отчёт",
    "проверка",
    "прокуратура",
    "суд",
    "полиция",
    "безопасность",
    "пожар",
    "паводок",
    "дамба",
    "канал",
    "арык",
    "скважина",
    "насос",
    "трактор",
    "комбайн",
    "семена",
    "удобрение",
    "теплица",
    "овощи",
    "зерно",
    "мука",
    "хлеб",
];

/// A pseudo-random article of its own words: no two are near-duplicates.
fn generated_text(n: u64) -> String {
    let mut x = n
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut paragraphs = Vec::new();
    for _ in 0..3 {
        let mut words = Vec::new();
        for _ in 0..45 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            words.push(WORDS[((x >> 33) as usize) % WORDS.len()]);
        }
        paragraphs.push(format!("<p>Статья {n}: {}.</p>", words.join(" ")));
    }
    paragraphs.join("\n")
}

/// Serves `n` article pages under `/gen/` and returns their paths.
fn serve_articles(h: &Harness, first: u64, n: u64) -> Vec<String> {
    (first..first + n)
        .map(|i| {
            let path = format!("/gen/news/statya-nomer-{i:05}");
            h.site.set(
                &path,
                Route::html(format!(
                    "<html><head><title>Новость {i}</title></head><body><article><h1>Новость {i}</h1>{}</article></body></html>",
                    generated_text(i)
                )),
            );
            path
        })
        .collect()
}

/// An RSS feed of teasers (each needs its page fetched), `i` published
/// `i` minutes after a fixed time, listed in the given order.
fn teaser_feed(h: &Harness, items: &[u64]) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2025-11-27T08:00:00+05:00").unwrap();
    let mut rss = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Gen</title>"#,
    );
    for &i in items {
        let at = base + chrono::Duration::minutes(i as i64);
        rss.push_str(&format!(
            "<item><title>Новость {i}</title><link>{}</link><pubDate>{}</pubDate><description>Коротко о новости {i}…</description></item>",
            h.site.url(&format!("/gen/news/statya-nomer-{i:05}")),
            at.to_rfc2822()
        ));
    }
    rss.push_str("</channel></rss>");
    rss
}

/// Issue 11, item 1: `MAX_ARTICLES_PER_POLL` counts article pages fetched,
/// not items already stored: what is left is taken on the next polls, in
/// either feed order, and no page is fetched twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_poll_cap_leaves_the_rest_for_the_next_polls() {
    for newest_first in [true, false] {
        let mut h = Harness::new().await;
        h.config.max_articles_per_poll = 30;
        let paths = serve_articles(&h, 0, 100);
        let mut order: Vec<u64> = (0..100).collect();
        if newest_first {
            order.reverse();
        }
        h.site
            .set("/gen/feed.xml", Route::rss(teaser_feed(&h, &order)));
        let id = h
            .store
            .add_source(&feed(&h, "Gen", "/gen/feed.xml"), 0)
            .unwrap();
        let poller = Poller::new(h.store.clone(), &h.config).unwrap();
        let mut stored = Vec::new();
        for round in 0..5 {
            let source = h.store.get_source(id).unwrap();
            let r = poller.poll_source(&source, 1000 * round).await;
            assert_eq!(r.errors, 0, "{r:?}");
            stored.push(h.store.count_articles().unwrap());
        }
        eprintln!(
            "ingest: 100-item feed, newest first {newest_first}: stored after each poll {stored:?}"
        );
        assert_eq!(
            stored,
            [30, 60, 90, 100, 100],
            "newest first: {newest_first}"
        );
        for p in &paths {
            assert_eq!(h.site.hits(p), 1, "{p} fetched once");
        }
        // The newest are taken first, whatever order the feed lists them in.
        let first: Vec<String> = h
            .store
            .latest_articles(100)
            .unwrap()
            .into_iter()
            .rev()
            .take(30)
            .map(|a| a.title)
            .collect();
        assert!(first.contains(&"Новость 99".to_string()), "{first:?}");
        assert!(!first.contains(&"Новость 0".to_string()), "{first:?}");
    }

    // 35 new items at the top of a newest-first feed in one poll: none lost.
    let mut h = Harness::new().await;
    h.config.max_articles_per_poll = 30;
    serve_articles(&h, 0, 45);
    let old: Vec<u64> = (0..10).rev().collect();
    h.site
        .set("/gen/feed.xml", Route::rss(teaser_feed(&h, &old)));
    let id = h
        .store
        .add_source(&feed(&h, "Gen", "/gen/feed.xml"), 0)
        .unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    poller
        .poll_source(&h.store.get_source(id).unwrap(), 0)
        .await;
    assert_eq!(h.store.count_articles().unwrap(), 10);
    let all: Vec<u64> = (0..45).rev().collect();
    h.site
        .set("/gen/feed.xml", Route::rss(teaser_feed(&h, &all)));
    let mut stored = Vec::new();
    for round in 1..=2 {
        let r = poller
            .poll_source(&h.store.get_source(id).unwrap(), 1000 * round)
            .await;
        assert_eq!(r.errors, 0, "{r:?}");
        stored.push(h.store.count_articles().unwrap());
    }
    eprintln!("ingest: 35 new items, cap 30: stored after two polls {stored:?}");
    assert_eq!(stored, [40, 45]);
}

/// Issue 11, item 8 (the poller's half): a page that takes longer to read
/// than `PARSE_TIMEOUT_SECS` costs its source a failure; the poll goes on
/// to the other sources at once instead of waiting for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_takes_too_long_to_read_costs_its_source_a_failure() {
    let mut h = Harness::new().await;
    h.config.parse_timeout = Duration::from_millis(300);
    h.config.max_body_bytes = 8 * 1024 * 1024;
    h.config.fetch_timeout = Duration::from_secs(20);
    // Five megabytes of article: seconds of work in a debug build.
    let para =
        "<p>Аким района провёл встречу с жителями села и рассказал о планах на будущий год.</p>\n";
    let big = format!(
        "<html><body><article><h1>Очень длинная статья</h1>{}</article></body></html>",
        para.repeat(5_000_000 / para.len())
    );
    h.site.set(
        "/heavy/news/ochen-dlinnaya-statya-00001",
        Route::html(big.clone()),
    );
    h.site.set(
        "/heavy/feed.xml",
        Route::rss(format!(
            r#"<rss version="2.0"><channel><title>Heavy</title><item><title>Длинная</title><link>{}</link><description>Коротко…</description></item></channel></rss>"#,
            h.site.url("/heavy/news/ochen-dlinnaya-statya-00001")
        )),
    );
    serve_articles(&h, 0, 3);
    h.site
        .set("/gen/feed.xml", Route::rss(teaser_feed(&h, &[2, 1, 0])));
    let heavy = h
        .store
        .add_source(&feed(&h, "Heavy", "/heavy/feed.xml"), 0)
        .unwrap();
    let good = h
        .store
        .add_source(&feed(&h, "Gen", "/gen/feed.xml"), 0)
        .unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    let started = std::time::Instant::now();
    let report = poller.poll_all(0).await.unwrap();
    let took = started.elapsed();
    eprintln!("ingest: a 5 MB page with a 300 ms parse bound: poll took {took:?}, {report:?}");
    let heavy = h.store.get_source(heavy).unwrap();
    assert_eq!(heavy.error_count, 1, "{heavy:?}");
    let why = heavy.last_error.unwrap_or_default();
    assert!(why.contains("PARSE_TIMEOUT_SECS"), "{why}");
    assert_eq!(h.store.get_source(good).unwrap().error_count, 0);
    assert_eq!(h.store.count_articles().unwrap(), 3, "{report:?}");
    // What the poll would have waited for had it not abandoned the page:
    // the same reading, unbounded, timed now on the same machine (a fixed
    // bound fails on a loaded one; this holds under any load).
    let url = url::Url::parse(&h.site.url("/heavy/news/ochen-dlinnaya-statya-00001")).unwrap();
    let full = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let _ = civic_digest::extract(&big, Some(&url));
        started.elapsed()
    })
    .await
    .unwrap();
    assert!(
        took < full,
        "the poll waited {took:?}; reading the page takes {full:?}"
    );
}

/// An RSS feed of teasers at the given paths, the first newest.
fn feed_of(h: &Harness, paths: &[String]) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2025-11-27T08:00:00+05:00").unwrap();
    let mut rss = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Gen</title>"#,
    );
    for (k, path) in paths.iter().enumerate() {
        let at = base - chrono::Duration::minutes(k as i64);
        rss.push_str(&format!(
            "<item><title>Новость</title><link>{}</link><pubDate>{}</pubDate><description>Коротко…</description></item>",
            h.site.url(path),
            at.to_rfc2822()
        ));
    }
    rss.push_str("</channel></rss>");
    rss
}

/// Issue 14, item 1: a poll's articles are stored in batches (one
/// transaction each), and dedupe inside a batch is as strict as against
/// the store: a second URL with the same text is a duplicate, a tracking
/// link to an article of the batch is not even fetched, a near copy joins
/// the story of the article before it in the same batch, and a copy on
/// another source joins the story of a batch stored before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_stores_its_articles_in_batches_each_once() {
    let h = Harness::new().await;
    // More than one batch of articles.
    let mut paths = serve_articles(&h, 0, 70);
    let page = |i: u64, extra: &str| {
        format!(
            "<html><head><title>Новость {i}</title></head><body><article><h1>Новость {i}</h1>{}{extra}</article></body></html>",
            generated_text(i)
        )
    };
    // The same text as article 5 under another address.
    h.site.set("/gen/news/kopiya-5", Route::html(page(5, "")));
    // Article 60 with a line of its own, after article 60 in the same batch.
    h.site.set(
        "/gen/news/dopolnennaya-60",
        Route::html(page(60, "<p>Материал дополнен комментарием редакции.</p>")),
    );
    paths.push("/gen/news/kopiya-5".into());
    paths.push(format!("{}?utm_source=telegram", paths[7]));
    paths.push("/gen/news/dopolnennaya-60".into());
    h.site.set("/gen/feed.xml", Route::rss(feed_of(&h, &paths)));
    // Another outlet republishing article 3 with a line of its own.
    h.site.set(
        "/other/news/perepechatka-3",
        Route::html(page(3, "<p>Источник: Gen.kz.</p>")),
    );
    h.site.set(
        "/other/feed.xml",
        Route::rss(feed_of(&h, &["/other/news/perepechatka-3".to_string()])),
    );
    let mut h = h;
    h.config.max_articles_per_poll = 100;
    let gen_id = h
        .store
        .add_source(&feed(&h, "Gen", "/gen/feed.xml"), 0)
        .unwrap();
    let other_id = h
        .store
        .add_source(&feed(&h, "Other", "/other/feed.xml"), 0)
        .unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();

    let r = poller
        .poll_source(&h.store.get_source(gen_id).unwrap(), 1000)
        .await;
    assert_eq!(
        (r.new_articles, r.syndicated, r.duplicates, r.errors),
        (71, 0, 2, 0),
        "{r:?}"
    );
    assert_eq!(h.store.count_articles().unwrap(), 71);
    for p in &paths[..70] {
        assert_eq!(h.site.hits(p), 1, "{p} fetched once");
    }
    let all = h.store.latest_articles(200).unwrap();
    let by_url = |suffix: &str| {
        all.iter()
            .find(|a| a.url.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} stored"))
            .clone()
    };
    assert!(!all.iter().any(|a| a.url.ends_with("kopiya-5")));
    assert_eq!(
        by_url("dopolnennaya-60").story_id,
        by_url("statya-nomer-00060").story_id
    );
    assert_ne!(
        by_url("statya-nomer-00061").story_id,
        by_url("statya-nomer-00060").story_id
    );

    let r = poller
        .poll_source(&h.store.get_source(other_id).unwrap(), 1100)
        .await;
    assert_eq!((r.new_articles, r.syndicated), (0, 1), "{r:?}");
    assert_eq!(
        by_url("statya-nomer-00003").story_id,
        h.store
            .latest_articles(1)
            .unwrap()
            .first()
            .map(|a| a.story_id)
            .unwrap()
    );
    // Polled again, nothing is stored twice.
    let r = poller
        .poll_source(&h.store.get_source(gen_id).unwrap(), 2000)
        .await;
    assert_eq!((r.new_articles, r.syndicated, r.errors), (0, 0, 0), "{r:?}");
    assert_eq!(h.store.count_articles().unwrap(), 72);
    assert_eq!(h.store.integrity_check().unwrap(), "ok");
}

/// Issue 14, item 1: an article the store refuses costs only itself: the
/// others of its batch are stored, the source is not failed, and the feed
/// is read in full next time, when the refused one is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_the_store_refuses_loses_no_other() {
    let h = Harness::new().await;
    let paths = serve_articles(&h, 0, 5);
    h.site.set(
        "/gen/feed.xml",
        Route::rss(feed_of(&h, &paths)).with_etag("\"gen-v1\""),
    );
    let id = h
        .store
        .add_source(&feed(&h, "Gen", "/gen/feed.xml"), 0)
        .unwrap();
    let db = rusqlite::Connection::open(&h.config.database_path).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse_one BEFORE INSERT ON articles WHEN NEW.title = 'Новость 2'
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
    )
    .unwrap();
    let poller = Poller::new(h.store.clone(), &h.config).unwrap();
    let r = poller
        .poll_source(&h.store.get_source(id).unwrap(), 1000)
        .await;
    assert_eq!((r.new_articles, r.errors), (4, 1), "{r:?}");
    assert_eq!(r.store_error, None);
    assert_eq!(h.store.count_articles().unwrap(), 4);
    let source = h.store.get_source(id).unwrap();
    assert_eq!(source.error_count, 0, "{source:?}");
    assert_eq!(source.etag, None, "the feed is read in full next time");
    assert_eq!(h.store.integrity_check().unwrap(), "ok");

    db.execute_batch("DROP TRIGGER refuse_one").unwrap();
    let r = poller.poll_source(&source, 2000).await;
    assert_eq!((r.new_articles, r.duplicates, r.errors), (1, 4, 0), "{r:?}");
    let titles: Vec<String> = h
        .store
        .latest_articles(10)
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(titles.len(), 5);
    assert!(titles.contains(&"Новость 2".to_string()), "{titles:?}");
    assert_eq!(h.site.hits(&paths[2]), 2);
    assert_eq!(h.site.hits(&paths[0]), 1);
}
