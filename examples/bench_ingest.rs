//! Benchmark: does ingest slow down as the archive grows? Polls a feed of
//! new articles (each page fetched from the local news site, extracted,
//! summarized, deduplicated and stored, as `ingest --once` does) into an
//! empty database and into one that already holds an archive, and prints
//! both times and their ratio. Rounds alternate between the two (which
//! goes first alternates too) so both see the same load on a shared
//! machine; the medians are compared, of wall-clock time and of the CPU
//! time the process used (less moved by other jobs on the machine). The
//! machine's load is printed beside each figure, and the generators' seeds
//! at the start. Also printed: the median of each round's own ratio (its
//! two polls ran back to back, under the same load).
//!
//!     cargo run --release --example bench_ingest -- [NEW] [ARCHIVE] [ROUNDS]
//!
//! Defaults: 200 new articles, an archive of 100,000, 3 rounds. The
//! archive is written with one prepared bulk insert (articles, search
//! index, topics), its articles spread over 100 days, so the last week
//! alone holds more than the 5,000 that dedupe compares with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use civic_digest::Config;
use civic_digest::Knowledge;
use civic_digest::{NewSource, SourceKind, Store};
use civic_digest_sandbox::{NewsSite, Route};

mod support;
use support::Rng;

/// Article texts to build pages from: the summarizer's dev set.
fn texts(root: &Path) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data/summarize"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "json"));
    files.sort();
    files
        .iter()
        .filter_map(|f| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(f).ok()?).ok()?;
            let title = v.get("title")?.as_str()?.to_string();
            let text = v.get("text")?.as_str()?.to_string();
            (!text.is_empty()).then_some((title, text))
        })
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page of new article `i`: a base text with its sentences in an order
/// of its own and a line only it has, inside ordinary chrome.
fn page(i: usize, base: &(String, String), rng: &mut Rng) -> (String, String) {
    let mut sentences: Vec<&str> = base.1.split_inclusive(". ").collect();
    for k in (1..sentences.len()).rev() {
        sentences.swap(k, (rng.next() % (k as u64 + 1)) as usize);
    }
    let title = format!("{} ({i})", base.0);
    let mut body = String::new();
    for chunk in sentences.chunks(3) {
        body.push_str(&format!("<p>{}</p>\n", esc(&chunk.concat())));
    }
    body.push_str(&format!(
        "<p>Материал номер {i} подготовлен редакцией {} числа.</p>",
        rng.next() % 28 + 1
    ));
    let html = format!(
        "<!DOCTYPE html><html lang=\"ru\"><head><title>{} | Outlet.kz</title></head><body>\
         <nav class=\"menu\"><a href=\"/\">Главная</a> <a href=\"/news\">Новости</a> <a href=\"/kz\">Қазақша</a></nav>\
         <article><h1>{}</h1><div class=\"article-body\">{body}</div></article>\
         <aside class=\"popular\"><h3>Популярное</h3><a href=\"/p/1\">Другая новость дня</a></aside>\
         <footer>© Outlet.kz</footer></body></html>",
        esc(&title),
        esc(&title)
    );
    (title, html)
}

/// The archive: `n` articles over 100 days before `now`, written with
/// prepared statements in one transaction.
fn fill_archive(path: &Path, n: usize, source_id: i64, bases: &[(String, String)], now: i64) {
    let mut conn = rusqlite::Connection::open(path).expect("open archive");
    let has_fingerprints: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'article_fingerprints'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|c| c > 0)
        .unwrap_or(false);
    let tx = conn.transaction().expect("transaction");
    {
        let mut article = tx
            .prepare(
                "INSERT INTO articles (id, source_id, url, title, text, language, content_hash, minhash,
                     story_id, summary_json, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'ru', ?6, ?7, ?1, NULL, ?8)",
            )
            .expect("prepare");
        let mut fts = tx
            .prepare("INSERT INTO articles_fts (rowid, title, body) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        let mut topic = tx
            .prepare("INSERT INTO article_topics (article_id, topic, score, is_primary) VALUES (?1, ?2, 0.7, 1)")
            .expect("prepare");
        let mut fingerprint = has_fingerprints.then(|| {
            tx.prepare(
                "INSERT INTO article_fingerprints (article_id, source_id, story_id, ingested_at, minhash)
                 VALUES (?1, ?2, ?1, ?3, ?4)",
            )
            .expect("prepare")
        });
        let topics = [
            "education",
            "healthcare",
            "budget_taxes",
            "local_government",
        ];
        let mut rng = Rng::seeded("archive", 0x2545_f491_4f6c_dd1d);
        let span = 100 * 86_400;
        for i in 0..n {
            let id = i as i64 + 1;
            let (title, text) = &bases[i % bases.len()];
            let text: String = text.chars().take(600).collect::<String>() + &format!(" №{i}");
            let minhash: Vec<u8> = (0..32).flat_map(|_| rng.next().to_le_bytes()).collect();
            let at = now - span + (span * i as i64) / n as i64;
            article
                .execute(rusqlite::params![
                    id,
                    source_id,
                    format!("https://archive.kz/news/{i}"),
                    title,
                    text,
                    format!("archive-{i}"),
                    minhash,
                    at
                ])
                .expect("insert article");
            fts.execute(rusqlite::params![id, title, text])
                .expect("insert fts");
            topic
                .execute(rusqlite::params![id, topics[i % topics.len()]])
                .expect("insert topic");
            if let Some(f) = fingerprint.as_mut() {
                f.execute(rusqlite::params![id, source_id, at, minhash])
                    .expect("insert fingerprint");
            }
        }
    }
    tx.commit().expect("commit");
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .expect("checkpoint");
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let new = args.first().copied().unwrap_or(200);
    let archive = args.get(1).copied().unwrap_or(100_000);
    let rounds = args.get(2).copied().unwrap_or(3).max(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bases = texts(root);
    if bases.is_empty() {
        eprintln!("bench_ingest: no texts in tests/data/summarize");
        std::process::exit(1);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let site = rt.block_on(NewsSite::start()).expect("news site");
    let mut rng = Rng::seeded("new articles", 0x9e37_79b9_7f4a_7c15);
    let mut items = String::new();
    for i in 0..new {
        let (title, html) = page(i, &bases[i % bases.len()], &mut rng);
        let path = format!("/news/{i}");
        items.push_str(&format!(
            "<item><title>{}</title><link>{}</link><description>Коротко о главном</description>\
             <pubDate>Mon, 01 Dec 2025 10:{:02}:00 +0500</pubDate></item>",
            esc(&title),
            site.url(&path),
            i % 60
        ));
        site.set(&path, Route::html(html));
    }
    site.set(
        "/rss",
        Route::rss(format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet</title>{items}</channel></rss>"
        )),
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::from_vars([("ALLOW_PRIVATE_SOURCES", "true")]).expect("config");
    config.host_delay = std::time::Duration::from_millis(0);
    config.max_articles_per_poll = new;
    let now = chrono::Utc::now().timestamp();
    let source = NewSource {
        name: "Outlet".into(),
        url: site.url("/rss"),
        kind: SourceKind::Feed,
        language: Some("ru".into()),
        region: None,
        official: false,
        link_selector: None,
    };
    // Two templates, copied afresh for every round.
    let empty = dir.path().join("empty.db");
    let full = dir.path().join("archive.db");
    let t = Instant::now();
    for path in [&empty, &full] {
        let store = Store::open(path).expect("open");
        store.add_source(&source, now).expect("source");
        // Closing the last connection checkpoints the WAL into the file.
        drop(store);
    }
    let source_id = Store::open(&full)
        .expect("open")
        .list_sources()
        .expect("sources")[0]
        .id;
    fill_archive(&full, archive, source_id, &bases, now);
    println!(
        "setup: archive of {archive} articles written in {:.1} s ({:.0} MB) [{}]",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&full).map_or(0.0, |m| m.len() as f64 / 1e6),
        support::load()
    );

    let kb = Arc::new(RwLock::new(Knowledge::embedded()));
    // A warm-up poll, not counted: what the first poll of a process does
    // once (the morphology dictionary, the summarizer's tables, the
    // connections' first statements) is no part of either figure.
    {
        let db = dir.path().join("warm-up.db");
        std::fs::copy(&empty, &db).expect("copy template");
        let store = Arc::new(Store::open(&db).expect("open"));
        let poller =
            civic_digest::service::poller(store.clone(), &config, kb.clone()).expect("poller");
        let t = Instant::now();
        rt.block_on(poller.poll_all(now)).expect("poll");
        println!(
            "warm-up: {new} new articles into an empty database: {:.2} s (not counted) [{}]",
            t.elapsed().as_secs_f64(),
            support::load()
        );
        drop(poller);
        drop(store);
        let _ = std::fs::remove_file(&db);
    }
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut cpu: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for k in order {
            let template = [&empty, &full][k];
            let db = dir.path().join(format!("round-{round}-{k}.db"));
            std::fs::copy(template, &db).expect("copy template");
            // The copy is set-up: its pages go to the disk now, not in the
            // first fsync of the timed poll (the checkpoint after it).
            std::fs::File::open(&db)
                .and_then(|f| f.sync_all())
                .expect("sync copy");
            let store = Arc::new(Store::open(&db).expect("open"));
            let before = store.count_articles().expect("count");
            let poller =
                civic_digest::service::poller(store.clone(), &config, kb.clone()).expect("poller");
            let cpu0 = support::cpu_seconds();
            let t = Instant::now();
            let report = rt.block_on(poller.poll_all(now)).expect("poll");
            let secs = t.elapsed().as_secs_f64();
            let used = support::cpu_seconds()
                .zip(cpu0)
                .map_or(f64::NAN, |(b, a)| b - a);
            let stored = store.count_articles().expect("count") - before;
            println!(
                "round {}: {} new articles into {} articles: {secs:.2} s, {used:.2} CPU-s ({} stored, {} syndicated, {} errors) [{}]",
                round + 1,
                new,
                before,
                stored,
                report.syndicated,
                report.errors,
                support::load()
            );
            times[k].push(secs);
            cpu[k].push(used);
            drop(poller);
            drop(store);
            let _ = std::fs::remove_file(&db);
        }
    }
    // Each round's two polls ran side by side, under the same load: the
    // median of their ratios moves less with the load than the ratio of
    // the medians does.
    let mut paired: Vec<f64> = (0..rounds)
        .map(|r| times[1][r] / times[0][r].max(1e-9))
        .collect();
    let mut paired_cpu: Vec<f64> = (0..rounds)
        .map(|r| cpu[1][r] / cpu[0][r].max(1e-9))
        .collect();
    let (pw, pc) = (median(&mut paired), median(&mut paired_cpu));
    let (e, f) = (median(&mut times[0]), median(&mut times[1]));
    let (ce, cf) = (median(&mut cpu[0]), median(&mut cpu[1]));
    println!(
        "ingest of {new} new articles, median of {rounds} interleaved rounds: empty database {e:.2} s ({ce:.2} CPU-s), database of {archive} articles {f:.2} s ({cf:.2} CPU-s), ratio {:.2}× wall, {:.2}× CPU (target ≤ 1.3×) [{}]",
        f / e.max(1e-9),
        cf / ce.max(1e-9),
        support::load()
    );
    println!(
        "median of the {rounds} rounds' own ratios: {pw:.2}× wall, {pc:.2}× CPU (target ≤ 1.3×) [{}]",
        support::load()
    );
}
