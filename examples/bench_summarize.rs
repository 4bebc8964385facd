//! Summarizer throughput, single thread.
//!
//! `cargo run --release --example bench_summarize -- [DEVSET_DIR] [HTML_DIR] [--rounds N] [--plain-only]`
//!
//! `--rounds N` summarises the dev set exactly N times instead of for three
//! seconds (a fixed amount of work, for `valgrind --tool=callgrind`, whose
//! instruction counts do not depend on the machine's load); `--plain-only`
//! stops after the plain-text figure.
//!
//! 0. Whether the Russian morphology is on, and its load time.
//! 1. Plain-text articles per second: the dev set (`tests/data/summarize`
//!    by default) summarised over and over for a few seconds.
//! 2. Adversarial inputs, timed (the lib tests hold their work linear by
//!    counting steps; the wall-clock time is printed here): a megabyte
//!    with an unclosed quote and no full stop, 5,000 quotes in one
//!    paragraph, 4,000 distinct people with quotes and pronouns in one
//!    paragraph and in 4,000.
//! 3. HTML-to-summary articles per second: the gzipped pages of
//!    `../shared/bench/extraction/scrapinghub/html/` through
//!    `ingest::extract::extract` and `summarize`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use civic_digest::extract;
use civic_digest::{ArticleInput, Knowledge, summarize};
use serde::Deserialize;

mod support;

#[derive(Deserialize)]
struct Gold {
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    text_file: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = Vec::new();
    let mut fixed_rounds: Option<usize> = None;
    let mut plain_only = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => {
                let n = it.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0);
                fixed_rounds = Some(n.ok_or("--rounds needs a positive number")?);
            }
            "--plain-only" => plain_only = true,
            _ => args.push(a),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dev = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/data/summarize"));
    let html_dir = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/bench/extraction/scrapinghub/html"));
    println!(
        "seed: none (the inputs are the dev set, the pages on disk and fixed adversarial texts; nothing is random)"
    );
    let kb = Knowledge::embedded();
    let t0 = Instant::now();
    let morph = civic_digest::morphology_available();
    println!(
        "morphology: {} (Russian dictionary loaded in {:.2} s, once)",
        if morph { "on" } else { "OFF" },
        t0.elapsed().as_secs_f64()
    );

    // 1. plain text
    let mut articles: Vec<(String, String)> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dev)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in &files {
        let g: Gold = serde_json::from_str(&std::fs::read_to_string(f)?)?;
        match g.text_file {
            // Outside text (the seed article) lives in ../shared, which a
            // fresh clone has not: the figure is then made without it.
            Some(tf) => match std::fs::read_to_string(root.join("../shared").join(&tf)) {
                Ok(t) => {
                    let (title, body) = t.split_once('\n').unwrap_or((t.as_str(), ""));
                    articles.push((title.to_string(), body.to_string()));
                }
                Err(e) => println!(
                    "plain text: skipping {} (its text ../shared/{tf} cannot be read: {e})",
                    f.file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into_owned())
                ),
            },
            None => articles.push((g.title, g.text)),
        }
    }
    if articles.is_empty() {
        return Err(format!("no articles in {}", dev.display()).into());
    }
    let bytes: usize = articles.iter().map(|a| a.0.len() + a.1.len()).sum();
    // warm up
    for (t, x) in &articles {
        std::hint::black_box(summarize(
            &ArticleInput {
                title: t,
                text: x,
                ..Default::default()
            },
            &kb,
        ));
    }
    let start = Instant::now();
    let cpu0 = support::cpu_seconds();
    let mut n = 0usize;
    let mut rounds = 0usize;
    while match fixed_rounds {
        Some(r) => rounds < r,
        None => start.elapsed() < Duration::from_secs(3),
    } {
        for (t, x) in &articles {
            std::hint::black_box(summarize(
                &ArticleInput {
                    title: t,
                    text: x,
                    ..Default::default()
                },
                &kb,
            ));
            n += 1;
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = support::cpu_seconds()
        .zip(cpu0)
        .map(|(b, a)| b - a)
        .filter(|c| *c > 0.0);
    println!(
        "plain text: {n} articles ({} distinct, {:.1} KB average, {rounds} rounds) in {secs:.2} s = {:.0} articles/s single-thread{}, morphology {} (target ≥ 2,000/s) [{}]",
        articles.len(),
        bytes as f64 / articles.len() as f64 / 1024.0,
        n as f64 / secs,
        cpu.map(|c| format!(" ({:.0} articles per CPU-second)", n as f64 / c))
            .unwrap_or_default(),
        if morph { "on" } else { "OFF" },
        support::load()
    );
    if plain_only {
        return Ok(());
    }

    // 2. adversarial inputs
    for (what, text) in adversarial() {
        let t = Instant::now();
        let s = summarize(
            &ArticleInput {
                title: "Т",
                text: &text,
                ..Default::default()
            },
            &kb,
        );
        println!(
            "adversarial: {what} ({:.1} MB): {:.2} s, {} quotes, {} people",
            text.len() as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            s.quotes.len(),
            s.people.len()
        );
    }

    // 1b. long real pages (English): the ground-truth bodies of the HTML
    // bench, a check that long and foreign text stays fast
    let gt_path = html_dir.parent().map(|p| p.join("ground-truth.json"));
    if let Some(gt) = gt_path.and_then(|p| std::fs::read_to_string(p).ok()) {
        let v: serde_json::Value = serde_json::from_str(&gt)?;
        let bodies: Vec<String> = v
            .as_object()
            .map(|o| {
                o.values()
                    .filter_map(|x| x.get("articleBody")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if !bodies.is_empty() {
            let start = Instant::now();
            let mut n = 0usize;
            while n < bodies.len() || start.elapsed() < Duration::from_secs(2) {
                let b = &bodies[n % bodies.len()];
                std::hint::black_box(summarize(
                    &ArticleInput {
                        title: "",
                        text: b,
                        ..Default::default()
                    },
                    &kb,
                ));
                n += 1;
            }
            let secs = start.elapsed().as_secs_f64();
            let kb_avg =
                bodies.iter().map(|b| b.len()).sum::<usize>() as f64 / bodies.len() as f64 / 1024.0;
            println!(
                "ground-truth bodies: {n} texts ({} distinct, {kb_avg:.1} KB average) in {secs:.2} s = {:.0} texts/s single-thread",
                bodies.len(),
                n as f64 / secs
            );
        }
    }

    // 3. HTML pages
    let mut pages: Vec<String> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&html_dir) {
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let raw = std::fs::read(&p)?;
            let mut html = Vec::new();
            if p.extension().is_some_and(|x| x == "gz") {
                flate2::read::GzDecoder::new(raw.as_slice()).read_to_end(&mut html)?;
            } else {
                html = raw;
            }
            pages.push(String::from_utf8_lossy(&html).into_owned());
        }
    }
    if pages.is_empty() {
        println!("html: no pages in {}", html_dir.display());
        return Ok(());
    }
    let start = Instant::now();
    let mut n = 0usize;
    let mut quotes = 0usize;
    let mut empty = 0usize;
    while n < pages.len() || start.elapsed() < Duration::from_secs(2) {
        let page = &pages[n % pages.len()];
        let a = extract(page, None);
        if n < pages.len() && a.text.trim().is_empty() {
            empty += 1;
        }
        let s = summarize(
            &ArticleInput {
                url: a.url.as_deref(),
                title: &a.title,
                text: &a.text,
                published_at: a.published_at,
            },
            &kb,
        );
        quotes += s.quotes.len();
        n += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb: f64 = pages.iter().map(|p| p.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "html: {n} pages ({} distinct, {mb:.1} MB) extracted and summarised in {secs:.2} s = {:.0} pages/s single-thread ({quotes} quotes)",
        pages.len(),
        n as f64 / secs
    );
    if empty > 0 {
        println!(
            "html: extraction gave no text for {empty} of {} pages (is ingest::extract still a stub?)",
            pages.len()
        );
    }
    Ok(())
}

/// Inputs built to make a careless rule quadratic.
fn adversarial() -> Vec<(&'static str, String)> {
    let letters: Vec<char> = "абвгдежзиклмнпрст".chars().collect();
    let name = |mut i: usize| {
        let mut s = String::from("Бек");
        for _ in 0..4 {
            s.push(letters[i % letters.len()]);
            i /= letters.len();
        }
        s.push_str("ов");
        s
    };
    let mut one = String::new();
    let mut many = String::new();
    for i in 0..4000 {
        let line = format!(
            "Аким района Ерлан {0} сказал: «Мы построим дорогу к селу {0} в этом году, — отметил он, — и школу». В пресс-службе сообщили, что «работы по графику {0} идут», — сказала она. ",
            name(i)
        );
        one.push_str(&line);
        many.push_str(&line);
        many.push('\n');
    }
    vec![
        (
            "unclosed quote, no full stop",
            "слово «цитата без конца ".repeat(40_000),
        ),
        (
            "5,000 quotes in one paragraph",
            "Ерлан Кошанов сказал: «Мы будем работать дальше и лучше», — отметил он. "
                .repeat(5_000),
        ),
        ("4,000 people in one paragraph", one),
        ("4,000 people in 4,000 paragraphs", many),
    ]
}
