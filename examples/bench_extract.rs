//! Extraction benchmark: main-text F1 and speed on a directory of gzipped
//! pages with a ground truth (the public article-extraction benchmark layout).
//!
//! usage: bench_extract [BENCH_DIR] [PRED_JSON] [--repeat N] [--per-page] [--parse-only]
//! defaults: ../shared/bench/extraction/scrapinghub, /tmp/pred.json, 5 repeats.
//! Times `extract` alone, single-threaded; prints pages/s, MB/s and peak
//! memory (VmHWM), then runs ../shared/bench/score_extraction.py if python3
//! is there.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use civic_digest::ingest::extract::extract;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_extract: {e}");
            ExitCode::FAILURE
        }
    }
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU seconds this process has used (user + system), from /proc/self/stat;
/// steadier than wall time on a machine shared with other jobs.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
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
        print!("{}", civic_digest::ingest::extract::explain(html, needle));
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
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let mut first_round = 0.0f64;
    for round in 0..repeat {
        for (id, html) in &pages {
            let article = extract(html, None);
            if round == 0 {
                predictions.insert(
                    id.clone(),
                    serde_json::json!({ "articleBody": article.text }),
                );
            }
        }
        if round == 0 {
            first_round = start.elapsed().as_secs_f64();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => secs,
    };
    let n = (pages.len() * repeat) as f64;
    println!(
        "pages={} repeats={} time={:.3}s pages/s={:.1} (per CPU-second {:.1}) MB/s={:.1} peak_memory={} MB",
        pages.len(),
        repeat,
        secs,
        n / secs,
        n / cpu,
        (total_bytes * repeat) as f64 / 1e6 / secs,
        peak_memory_kb().map_or("?".to_string(), |kb| format!("{:.1}", kb as f64 / 1024.0)),
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

    let scorer = manifest.join("../shared/bench/score_extraction.py");
    let truth = bench.join("ground-truth.json");
    let mut cmd = Command::new("python3");
    cmd.arg(&scorer).arg(&truth).arg(&pred_path);
    if per_page {
        cmd.arg("--per-page");
    }
    match cmd.output() {
        Ok(out) => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
        Err(e) => println!("scorer not run ({e})"),
    }
    Ok(())
}
