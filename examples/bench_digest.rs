//! Benchmark: build the digests of 100,000 subscribers over 2,000 stored
//! articles (selection and rendering, then queuing into the outbox).
//! Every subscriber's "seen" mark is their own (spread over the articles, as
//! when each got their last digest at their own time), so digests are
//! shared only where they really are the same. Prints the time of each
//! phase, how many distinct digests were built, the load and peak memory.
//!
//!     cargo run --release --example bench_digest -- [SUBSCRIBERS] [ARTICLES]

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use civic_digest::Digester;
use civic_digest::Texts;
use civic_digest::{ChatKind, NewArticle, NewSource, SourceKind, Store};
use civic_digest::{Knowledge, Quote, Summary, TopicScore};

mod support;
use support::{Rng, peak_rss_mb};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let subscribers = args.first().copied().unwrap_or(100_000);
    let articles = args.get(1).copied().unwrap_or(2_000);
    let dir = std::env::temp_dir().join(format!("civic-bench-digest-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let db = dir.join("bench.db");
    let store = Store::open(&db).expect("open store");
    let kb = Knowledge::embedded();
    let texts = Texts::embedded();
    let topics: Vec<&str> = kb.topic_ids();
    let regions: Vec<&str> = kb.region_ids();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let now = chrono::Utc::now().timestamp();

    let t = Instant::now();
    for i in 0..10 {
        let source = NewSource {
            name: format!("Outlet {i}"),
            url: format!("https://outlet{i}.kz/rss"),
            kind: SourceKind::Feed,
            language: None,
            region: None,
            official: i == 0,
            link_selector: None,
        };
        store.add_source(&source, now).expect("source");
    }
    for i in 0..articles {
        let topic = rng.pick(&topics);
        let second = rng.pick(&topics);
        let region = rng.pick(&regions);
        let summary = Summary {
            title: format!("Статья {i}"),
            topics: vec![
                TopicScore {
                    id: topic.into(),
                    score: 0.7,
                    primary: true,
                },
                TopicScore {
                    id: second.into(),
                    score: 0.3,
                    primary: false,
                },
            ],
            regions: vec![region.into()],
            quotes: vec![Quote {
                text: "Мы продолжим реформы местного самоуправления и поддержим каждое село".into(),
                speaker: Some("Ерлан Кошанов".into()),
                speaker_role: None,
                via: None,
                score: 1.0,
            }],
            people: vec!["Ерлан Кошанов".into()],
            ..Default::default()
        };
        let story = if i % 10 == 9 { Some(i as i64) } else { None };
        store
            .insert_article(
                &NewArticle {
                    source_id: Some((i % 10) as i64 + 1),
                    url: format!("https://outlet{}.kz/news/{i}", i % 10),
                    canonical_url: None,
                    title: format!("Новость {i}: аким рассказал о реформах в регионе {region}"),
                    text: "Аким рассказал о планах на следующий год. Кошанов отметил важность выборов.".into(),
                    published_at: None,
                    language: "ru".into(),
                    content_hash: format!("h{i}"),
                    minhash: vec![0; 4],
                    story_id: story,
                    summary: Some(summary),
                },
                now - 3600,
            )
            .expect("article");
    }
    for chat in 1..=subscribers as i64 {
        store
            .ensure_subscriber(
                chat,
                ChatKind::Private,
                None,
                if chat % 3 == 0 { "kk" } else { "ru" },
                now - 86_400 * 2,
            )
            .expect("sub");
    }
    {
        // Settings in one go (a real bot gathers them over months).
        let subs: Vec<i64> = (1..=subscribers as i64).collect();
        for chunk in subs.chunks(5000) {
            for &chat in chunk {
                let n = 1 + (rng.next() % 3) as usize;
                let t: Vec<String> = (0..n).map(|_| rng.pick(&topics).to_string()).collect();
                store.add_topics(chat, &t).expect("topics");
                if chat % 4 == 0 {
                    store
                        .add_regions(chat, &[rng.pick(&regions).to_string()])
                        .expect("regions");
                }
                if chat % 50 == 0 {
                    store.add_follow(chat, "Кошанов", 10).expect("follow");
                }
            }
        }
    }
    {
        // Each subscriber's own watermark: the newest article of their
        // last digest, somewhere in the stored range.
        let mut conn = rusqlite::Connection::open(&db).expect("open");
        let tx = conn.transaction().expect("transaction");
        {
            let mut mark = tx
                .prepare("UPDATE subscribers SET seen_article_id = ?2 WHERE chat_id = ?1")
                .expect("prepare");
            for chat in 1..=subscribers as i64 {
                let seen = (rng.next() % articles as u64) as i64;
                mark.execute([chat, seen]).expect("mark");
            }
        }
        tx.commit().expect("commit");
    }
    let marks: i64 = rusqlite::Connection::open(&db)
        .and_then(|c| {
            c.query_row(
                "SELECT count(DISTINCT seen_article_id) FROM subscribers",
                [],
                |r| r.get(0),
            )
        })
        .expect("count marks");
    println!(
        "setup: {articles} articles, {subscribers} subscribers ({marks} distinct seen marks) in {:.1} s; memory so far {:.0} MB",
        t.elapsed().as_secs_f64(),
        peak_rss_mb()
    );

    let digester = Digester {
        store: &store,
        texts: &texts,
        names: &kb,
        cap: 5,
        max_age: civic_digest::DEFAULT_MAX_AGE,
    };
    let due_at = now + 86_400;

    // Phase 1: build every digest (load, select, render), in memory.
    let t = Instant::now();
    let mut digests: HashSet<u64> = HashSet::new();
    let report = digester
        .for_each_due(due_at, |commit| {
            let mut h = DefaultHasher::new();
            commit.parts.hash(&mut h);
            digests.insert(h.finish());
            Ok(())
        })
        .expect("build");
    let build = t.elapsed();
    println!(
        "build: {} due, {} digests, {} messages ({} distinct digests) in {:.2} s; peak memory {:.0} MB [{}]",
        report.due,
        report.digests,
        report.messages,
        digests.len(),
        build.as_secs_f64(),
        peak_rss_mb(),
        support::load()
    );

    // Phase 2: the real run: build again and queue into the outbox.
    let t = Instant::now();
    let report = digester.run_due(due_at).expect("run");
    let run = t.elapsed();
    let queued: i64 = rusqlite::Connection::open(&db)
        .and_then(|c| c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)))
        .expect("count outbox");
    println!(
        "run_due (build + queue in the outbox): {} digests, {} messages ({queued} rows queued) in {:.2} s (target ≤ 3 s), of which queuing {:.2} s; peak memory {:.0} MB [{}]",
        report.digests,
        report.messages,
        run.as_secs_f64(),
        run.saturating_sub(build).as_secs_f64(),
        peak_rss_mb(),
        support::load()
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
