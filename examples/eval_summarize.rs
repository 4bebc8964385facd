//! Evaluates the summarizer on gold-annotated articles.
//!
//! `cargo run --release --example eval_summarize -- [DIR] [--verbose] [--explain ID [--json]] [--data DATA]`
//! (default DIR `tests/data/summarize`; `--data` reads `topics.toml` and
//! `regions.toml` from DATA instead of the built-in ones, to try a keyword
//! change without a rebuild). Each `*.json` file directly in DIR
//! holds one article with its gold quotes, topics and regions; `text_file`
//! paths are resolved against `CARGO_MANIFEST_DIR/../shared`. The figures are
//! printed for the whole set and per language (`ru`, `kk`, `kk-Latn`).
//!
//! Every folder in DIR whose name starts with `validation` (`validation/`,
//! `validation2/`, …: held-back sets, written before the rules were tuned)
//! is printed last, each as its own block (`val`, `val2`, …); `--verbose`
//! never lists their articles, so that nobody tunes on them.
//!
//! Matching (see `civic_digest::eval`): a predicted quote matches a
//! gold one when the F1 of their word tokens is at least 0.8, one-to-one;
//! speaker accuracy is over matched quotes.

use std::path::{Path, PathBuf};

use civic_digest::eval::{
    SetStats, evaluate_dir, evaluate_file, gold_files, held_back_dirs, held_back_label,
};
use civic_digest::{ArticleInput, Knowledge, explain_summary as explain};

fn print_set(name: &str, st: &SetStats) {
    print!("{}", st.all.report(&format!("{name} all    ")));
    for (lang, s) in &st.by_lang {
        print!("{}", s.report(&format!("{name} {lang:<7}")));
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose" || a == "-v");
    let explain_id = args
        .iter()
        .position(|a| a == "--explain")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let data = args
        .iter()
        .position(|a| a == "--data")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let dir = args
        .iter()
        .enumerate()
        .find(|(i, a)| {
            !a.starts_with('-')
                && (*i == 0 || !matches!(args[i - 1].as_str(), "--explain" | "--data"))
        })
        .map(|(_, a)| a)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/summarize"));
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let kb = match &data {
        Some(d) => Knowledge::load(d)?,
        None => Knowledge::embedded(),
    };

    let dev = evaluate_dir(&dir, &shared, &kb)?;
    if verbose {
        for l in &dev.log {
            println!("{l}");
        }
    }
    if let Some(id) = &explain_id {
        for f in gold_files(&dir)? {
            let Some(ev) = evaluate_file(&f, &shared, &kb)? else {
                continue;
            };
            if !ev.gold.id.contains(id.as_str()) {
                continue;
            }
            println!("{}", ev.gold.id);
            let input = ArticleInput {
                url: None,
                title: ev.title.trim(),
                text: &ev.text,
                published_at: None,
            };
            for l in explain(&input, &kb) {
                println!("  = {l}");
            }
            for q in &ev.summary.quotes {
                println!("  Q {:?} via {:?}: {}", q.speaker, q.via, q.text);
            }
            println!("  people {:?}", ev.summary.people);
            if args.iter().any(|a| a == "--json") {
                println!("{}", serde_json::to_string_pretty(&ev.summary)?);
            }
        }
    }
    println!("development set: {}", dir.display());
    print_set("dev", &dev);
    for vdir in held_back_dirs(&dir)? {
        let val = evaluate_dir(&vdir, &shared, &kb)?;
        let name = vdir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("{name} set (held back, not for tuning): {}", vdir.display());
        print_set(&held_back_label(&name), &val);
    }
    Ok(())
}
