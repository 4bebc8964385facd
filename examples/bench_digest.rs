//! Benchmark: build the digests of 100,000 subscribers over 2,000 stored
//! articles (selection and rendering, then queuing into the outbox).
//! Every subscriber's "seen" mark is their own (spread over the articles, as
//! when each got their last digest at their own time), so digests are
//! shared only where they really are the same. Prints the time of each
//! phase, how many distinct digests were built, the load and peak memory;
//! then the same audience again in a fresh database through
//! `Digester::run_due`, which queues while it builds (the figure `run` gets).
//!
//!     cargo run --release --example bench_digest -- [SUBSCRIBERS] [ARTICLES]

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use civic_digest::Digester;
use civic_digest::Knowledge;
use civic_digest::Store;
use civic_digest::Texts;

mod support;
use support::{Rng, cpu_seconds, peak_rss_mb};

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
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let now = chrono::Utc::now().timestamp();

    let t = Instant::now();
    support::audience::seed_articles(&store, &mut rng, articles, now);
    support::audience::seed_subscribers(&db, &mut rng, subscribers, articles, now - 86_400 * 2);
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
    let cpu = cpu_seconds();
    let mut commits = Vec::new();
    let report = digester
        .for_each_due(due_at, |commit| {
            commits.push(commit);
            Ok(())
        })
        .expect("build");
    let build = t.elapsed();
    let build_cpu = cpu_spent(cpu);
    // Distinct digests by their texts, counted outside the timing (this
    // is the benchmark's own accounting, not work a run does).
    let digests: HashSet<u64> = commits
        .iter()
        .map(|commit| {
            let mut h = DefaultHasher::new();
            commit.parts.hash(&mut h);
            h.finish()
        })
        .collect();
    println!(
        "build: {} due, {} digests, {} messages ({} distinct digests) in {:.2} s ({build_cpu} CPU); peak memory {:.0} MB [{}]",
        report.due,
        report.digests,
        report.messages,
        digests.len(),
        build.as_secs_f64(),
        peak_rss_mb(),
        support::load()
    );

    // Phase 2: queue what phase 1 built into the outbox, as `run_due`
    // does, timed on its own.
    let t = Instant::now();
    let cpu = cpu_seconds();
    store.commit_digests(&commits, due_at).expect("queue");
    let queue = t.elapsed();
    let queue_cpu = cpu_spent(cpu);
    let (queued, bodies, bytes, lists): (i64, i64, i64, i64) = rusqlite::Connection::open(&db)
        .and_then(|c| {
            c.query_row(
                "SELECT (SELECT count(*) FROM outbox), count(*), coalesce(sum(length(CAST(text AS BLOB))), 0),
                     (SELECT coalesce(sum(length(body)), 0) FROM outbox)
                     + (SELECT coalesce(sum(length(body)), 0) FROM digest_pages)
                     + (SELECT coalesce(sum(length(entries)), 0) FROM digests)
                 FROM message_bodies",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
        })
        .expect("count outbox");
    println!(
        "queue: {} subscribers ({} digests), {queued} rows in the outbox; {bodies} shared pieces of {:.1} MB and lists of {:.1} MB stored in {:.2} s ({queue_cpu} CPU); build + queue {:.2} s (target ≤ 3 s); peak memory {:.0} MB [{}]",
        commits.len(),
        report.digests,
        bytes as f64 / 1e6,
        lists as f64 / 1e6,
        queue.as_secs_f64(),
        (build + queue).as_secs_f64(),
        peak_rss_mb(),
        support::load()
    );
    drop(commits);

    // Phase 3: the same audience in a fresh database, built and queued in
    // one go as `run` does (`Digester::run_due`: the first digests are
    // written while the later ones are built).
    let db = dir.join("run.db");
    let fresh = Store::open(&db).expect("open store");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    support::audience::seed_articles(&fresh, &mut rng, articles, now);
    support::audience::seed_subscribers(&db, &mut rng, subscribers, articles, now - 86_400 * 2);
    let digester = Digester {
        store: &fresh,
        ..digester
    };
    let t = Instant::now();
    let cpu = cpu_seconds();
    let report = digester.run_due(due_at).expect("run_due");
    let run = t.elapsed();
    println!(
        "run_due: {} due, {} digests queued, built and queued together in {:.2} s ({} CPU; target ≤ 3 s); peak memory {:.0} MB [{}]",
        report.due,
        report.digests,
        run.as_secs_f64(),
        cpu_spent(cpu),
        peak_rss_mb(),
        support::load()
    );
    drop(fresh);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// CPU seconds this process spent since `since`, as "N.NN s" (the load
/// of other processes does not count in it).
fn cpu_spent(since: Option<f64>) -> String {
    match (since, cpu_seconds()) {
        (Some(a), Some(b)) => format!("{:.2} s", b - a),
        _ => "unknown".into(),
    }
}
