//! Extraction benchmark: main-text F1 and speed on a directory of gzipped
//! pages with a ground truth (the public article-extraction benchmark layout).
//!
//! usage: bench_extract [BENCH_DIR] [PRED_JSON] [--repeat N] [--per-page] [--parse-only]
//! defaults: ../shared/bench/extraction/scrapinghub, /tmp/pred.json, 5 repeats.
//! Times `extract` alone, single-threaded, with and without the pre-lexer
//! in front of html5ever (rounds interleaved); prints pages/s, MB/s and
//! peak memory (VmHWM), then runs ../shared/bench/score_extraction.py if
//! python3 is there, for both, and lists the ten worst pages. Last, the
//! time of pages with 5k, 40k and 100k nested `<div>`s.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use civic_digest::{extract, extract_unfiltered};

mod support;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_extract: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut positional = Vec::new();
    let mut repeat = 5usize;
    let mut per_page = false;
    let mut parse_only = false;
    let mut explain: Option<(String, String)> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--repeat needs a positive number")?;
            }
            "--per-page" => per_page = true,
            "--parse-only" => parse_only = true,
            "--explain" => {
                let id = args.next().ok_or("--explain needs ID NEEDLE")?;
                let needle = args.next().ok_or("--explain needs ID NEEDLE")?;
                explain = Some((id, needle));
            }
            _ => positional.push(a),
        }
    }
    let bench = positional
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/bench/extraction/scrapinghub"));
    let pred_path = positional
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/pred.json"));

    let html_dir = bench.join("html");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&html_dir)
        .map_err(|e| format!("cannot read {}: {e}", html_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
        .collect();
    entries.sort();
    let mut pages = Vec::with_capacity(entries.len());
    for path in &entries {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".html.gz").to_string())
            .unwrap_or_default();
        pages.push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    if pages.is_empty() {
        return Err(format!("no .html.gz pages in {}", html_dir.display()));
    }
    let total_bytes: usize = pages.iter().map(|(_, h)| h.len()).sum();

    if let Some((id, needle)) = &explain {
        let page = pages.iter().find(|(name, _)| name.starts_with(id.as_str()));
        let (_, html) = page.ok_or_else(|| format!("no page {id}"))?;
        print!("{}", civic_digest::explain_extraction(html, needle));
        return Ok(());
    }
    if parse_only {
        // How much of the time is html5ever's alone.
        let start = Instant::now();
        let mut nodes = 0usize;
        for _ in 0..repeat {
            for (_, html) in &pages {
                nodes += scraper::Html::parse_document(html).tree.nodes().count();
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "parse only: pages/s={:.1} ({nodes} nodes)",
            (pages.len() * repeat) as f64 / secs
        );
    }

    let mut predictions = BTreeMap::new();
    let mut unfiltered = BTreeMap::new();
    // Rounds alternate: with the pre-lexer, then without, so both see the
    // same load on a shared machine.
    let mut secs = [0.0f64; 2];
    let mut cpu = [0.0f64; 2];
    let mut first_round = 0.0f64;
    for round in 0..repeat {
        for (k, secs) in secs.iter_mut().enumerate() {
            let cpu_start = support::cpu_seconds();
            let start = Instant::now();
            for (id, html) in &pages {
                let article = if k == 0 {
                    extract(html, None)
                } else {
                    extract_unfiltered(html, None)
                };
                if round == 0 {
                    let to = if k == 0 {
                        &mut predictions
                    } else {
                        &mut unfiltered
                    };
                    to.insert(
                        id.clone(),
                        serde_json::json!({ "articleBody": article.text }),
                    );
                }
            }
            let took = start.elapsed().as_secs_f64();
            *secs += took;
            cpu[k] += match (cpu_start, support::cpu_seconds()) {
                (Some(a), Some(b)) if b > a => b - a,
                _ => took,
            };
            if round == 0 && k == 0 {
                first_round = took;
            }
        }
    }
    let n = (pages.len() * repeat) as f64;
    for (k, label) in ["with pre-lexer", "without pre-lexer"].iter().enumerate() {
        println!(
            "{label}: pages={} repeats={} time={:.3}s pages/s={:.1} (per CPU-second {:.1}) MB/s={:.1} [{}]",
            pages.len(),
            repeat,
            secs[k],
            n / secs[k],
            n / cpu[k].max(1e-9),
            (total_bytes * repeat) as f64 / 1e6 / secs[k],
            support::load()
        );
    }
    println!(
        "pre-lexer gain: {:.2}x pages per CPU-second; peak_memory={:.1} MB",
        cpu[1] / cpu[0].max(1e-9),
        support::peak_rss_mb()
    );
    // The first round runs with cold caches (class-name verdicts are kept
    // per thread across pages, as they are when a site is polled again).
    println!(
        "first round alone: pages/s={:.1}",
        pages.len() as f64 / first_round.max(1e-9)
    );
    let json = serde_json::to_string(&predictions).map_err(|e| e.to_string())?;
    std::fs::write(&pred_path, json).map_err(|e| format!("{}: {e}", pred_path.display()))?;
    println!("predictions: {}", pred_path.display());
    let unfiltered_path = pred_path.with_extension("unfiltered.json");
    let json = serde_json::to_string(&unfiltered).map_err(|e| e.to_string())?;
    std::fs::write(&unfiltered_path, json)
        .map_err(|e| format!("{}: {e}", unfiltered_path.display()))?;

    let scorer = manifest.join("../shared/bench/score_extraction.py");
    let truth = bench.join("ground-truth.json");
    for (label, path) in [
        ("with pre-lexer", &pred_path),
        ("without pre-lexer", &unfiltered_path),
    ] {
        let out = match Command::new("python3")
            .arg(&scorer)
            .arg(&truth)
            .arg(path)
            .arg("--per-page")
            .output()
        {
            Ok(out) => out,
            Err(e) => {
                println!("scorer not run ({e})");
                break;
            }
        };
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut worst: Vec<(f64, f64, f64, &str)> = Vec::new();
        for line in stdout.lines() {
            let mut f = line.split('\t');
            let (Some(id), Some(p), Some(r)) = (f.next(), f.next(), f.next()) else {
                if line.starts_with("pages=") {
                    println!("{label}: {line}");
                }
                continue;
            };
            let num = |s: &str, k: &str| s.strip_prefix(k).and_then(|v| v.parse::<f64>().ok());
            if let (Some(p), Some(r)) = (num(p, "P="), num(r, "R=")) {
                if per_page {
                    println!("{line}");
                }
                let f1 = if p + r > 0.0 {
                    2.0 * p * r / (p + r)
                } else {
                    0.0
                };
                worst.push((f1, p, r, id));
            }
        }
        if label == "with pre-lexer" {
            worst.sort_by(|a, b| a.0.total_cmp(&b.0));
            println!("worst ten pages (F1, precision, recall, id, words extracted):");
            for (f1, p, r, id) in worst.iter().take(10) {
                let words = predictions
                    .get(*id)
                    .and_then(|v| v["articleBody"].as_str())
                    .map_or(0, |t| t.split_whitespace().count());
                println!("  {f1:.3}  P={p:.3} R={r:.3}  {id}  {words} words");
            }
        }
    }

    // Deep nesting: the time must grow with the input, not its square.
    for n in [5_000usize, 40_000, 100_000] {
        let html = format!(
            "<html><body><article><p>Аким района рассказал жителям о ремонте дорог, школ и больниц в этом году.</p>\
             <p>Работы начнутся весной и закончатся к осени, сообщили в акимате.</p></article>{}<p>дно</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let start = Instant::now();
        let a = extract(&html, None);
        println!(
            "nested divs: {n}: {:.3} s ({} bytes, article found: {}) [{}]",
            start.elapsed().as_secs_f64(),
            html.len(),
            a.text.contains("Аким района"),
            support::load()
        );
    }
    Ok(())
}
