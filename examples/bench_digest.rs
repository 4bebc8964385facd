//! Benchmark: build the digests of 100,000 subscribers over 2,000 stored
//! articles (selection and rendering, then queuing into the outbox).
//! Prints the time of each phase and the peak memory.
//!
//!     cargo run --release --example bench_digest -- [SUBSCRIBERS] [ARTICLES]

use std::time::Instant;

use civic_digest::digest::Digester;
use civic_digest::i18n::Texts;
use civic_digest::store::{ChatKind, NewArticle, NewSource, SourceKind, Store};
use civic_digest::summarize::{Knowledge, Quote, Summary, TopicScore};

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.to_string())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A small deterministic generator (no rand dependency).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let subscribers = args.first().copied().unwrap_or(100_000);
    let articles = args.get(1).copied().unwrap_or(2_000);
    let dir = std::env::temp_dir().join(format!("civic-bench-digest-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let store = Store::open(&dir.join("bench.db")).expect("open store");
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
    println!(
        "setup: {articles} articles, {subscribers} subscribers in {:.1} s; memory so far {:.0} MB",
        t.elapsed().as_secs_f64(),
        peak_rss_mb()
    );

    let digester = Digester {
        store: &store,
        texts: &texts,
        names: &kb,
        cap: 5,
        max_age: civic_digest::digest::DEFAULT_MAX_AGE,
    };
    let due_at = now + 86_400;

    // Phase 1: build every digest (load, select, render), in memory.
    let t = Instant::now();
    let mut distinct = 0usize;
    let mut last: Option<*const u8> = None;
    let report = digester
        .for_each_due(due_at, |commit| {
            let first = commit.parts.first().map(|p| p.as_ptr());
            if first != last {
                distinct += 1;
                last = first;
            }
            Ok(())
        })
        .expect("build");
    let build = t.elapsed();
    println!(
        "build: {} due, {} digests, {} messages ({} distinct digests) in {:.2} s; peak memory {:.0} MB",
        report.due,
        report.digests,
        report.messages,
        distinct,
        build.as_secs_f64(),
        peak_rss_mb()
    );

    // Phase 2: the real run: build again and queue into the outbox.
    let t = Instant::now();
    let report = digester.run_due(due_at).expect("run");
    println!(
        "run_due (build + queue in the outbox): {} digests, {} messages in {:.2} s; peak memory {:.0} MB",
        report.digests,
        report.messages,
        t.elapsed().as_secs_f64(),
        peak_rss_mb()
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
