//! The audience the delivery and digest benchmarks share: stored
//! articles over every topic and region, and subscribers with their own
//! settings and "seen" marks, written in bulk (one transaction), so setting
//! up 100,000 subscribers takes a second, not minutes.

use std::path::Path;

use civic_digest::{Knowledge, Quote, Summary, TopicScore};
use civic_digest::{NewArticle, NewSource, SourceKind, Store};

use super::Rng;

/// Ten sources and `articles` summarized articles, ingested an hour ago.
pub fn seed_articles(store: &Store, rng: &mut Rng, articles: usize, now: i64) {
    println!("seed articles: generator at {:#018x}", rng.0);
    let kb = Knowledge::embedded();
    let topics: Vec<&str> = kb.topic_ids();
    let regions: Vec<&str> = kb.region_ids();
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
}

/// `subscribers` daily subscribers (chat ids 1..=n) whose last digest was
/// at `last_digest_at`, each with 1–3 topics, every fourth with a region,
/// every fiftieth following a person, and each with their own "seen" mark
/// somewhere among the `articles`.
pub fn seed_subscribers(
    db: &Path,
    rng: &mut Rng,
    subscribers: usize,
    articles: usize,
    last_digest_at: i64,
) {
    println!("seed subscribers: generator at {:#018x}", rng.0);
    let kb = Knowledge::embedded();
    let topics: Vec<&str> = kb.topic_ids();
    let regions: Vec<&str> = kb.region_ids();
    {
        // Subscribers, their settings and each one's own watermark (the
        // newest article of their last digest, somewhere in the stored
        // range) in one transaction: a real bot gathers them over months.
        let mut conn = rusqlite::Connection::open(db).expect("open");
        let tx = conn.transaction().expect("transaction");
        {
            let mut sub = tx
                .prepare(
                    "INSERT INTO subscribers (chat_id, language, seen_article_id, last_digest_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?4, ?4)",
                )
                .expect("prepare");
            let mut topic = tx
                .prepare("INSERT OR IGNORE INTO subscriber_topics (chat_id, topic) VALUES (?1, ?2)")
                .expect("prepare");
            let mut region = tx
                .prepare(
                    "INSERT OR IGNORE INTO subscriber_regions (chat_id, region) VALUES (?1, ?2)",
                )
                .expect("prepare");
            let mut follow = tx
                .prepare("INSERT INTO subscriber_follows (chat_id, phrase) VALUES (?1, ?2)")
                .expect("prepare");
            for chat in 1..=subscribers as i64 {
                let seen = (rng.next() % articles as u64) as i64;
                let lang = if chat % 3 == 0 { "kk" } else { "ru" };
                sub.execute(rusqlite::params![chat, lang, seen, last_digest_at])
                    .expect("subscriber");
                for _ in 0..1 + rng.next() % 3 {
                    topic
                        .execute(rusqlite::params![chat, rng.pick(&topics)])
                        .expect("topic");
                }
                if chat % 4 == 0 {
                    region
                        .execute(rusqlite::params![chat, rng.pick(&regions)])
                        .expect("region");
                }
                if chat % 50 == 0 {
                    follow
                        .execute(rusqlite::params![chat, "Кошанов"])
                        .expect("follow");
                }
            }
        }
        tx.commit().expect("commit");
    }
}
