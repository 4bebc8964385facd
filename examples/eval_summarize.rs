//! Evaluates the summarizer on gold-annotated articles.
//!
//! `cargo run --release --example eval_summarize -- [DIR] [--verbose]`
//! (default DIR `tests/data/summarize`). Each `*.json` file holds one
//! article with its gold quotes, topics and regions; `text_file` paths are
//! resolved against `CARGO_MANIFEST_DIR/../shared`.
//!
//! A predicted quote matches a gold one when the F1 of their lowercased word
//! tokens (ё→е) is at least 0.8, one-to-one. Speaker accuracy is over matched
//! quotes: the speaker (and `via`, when the gold has one) must be equal after
//! normalisation (case, ё, spaces).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use civic_digest::summarize::{
    ArticleInput, Knowledge, Summary, explain, summarize, summarize_plain_text,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct GoldQuote {
    text: String,
    speaker: Option<String>,
    via: Option<String>,
}

#[derive(Deserialize)]
struct Gold {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    text_file: Option<String>,
    #[serde(default)]
    quotes: Vec<GoldQuote>,
    #[serde(default)]
    non_quotes: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    primary_topic: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    people: Vec<String>,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

fn token_f1(a: &str, b: &str) -> f64 {
    let wa = words(a);
    let wb = words(b);
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, i32> = HashMap::new();
    for w in &wb {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let mut common = 0;
    for w in &wa {
        if let Some(c) = counts.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let p = common as f64 / wa.len() as f64;
    let r = common as f64 / wb.len() as f64;
    2.0 * p * r / (p + r)
}

fn norm(s: Option<&str>) -> String {
    s.unwrap_or("")
        .to_lowercase()
        .replace('ё', "е")
        .replace(['‑', '–', '—'], "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Default)]
struct Prf {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Prf {
    fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose" || a == "-v");
    // --explain ID: keyword matches and quotes of the articles whose id contains ID
    // (with --json, their whole summary)
    let explain_id = args
        .iter()
        .position(|a| a == "--explain")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let dir = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "--explain"))
        .map(|(_, a)| a)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/summarize"));
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let kb = Knowledge::embedded();

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();

    let mut quotes = Prf::default();
    let (mut spk_ok, mut spk_n) = (0usize, 0usize);
    let mut topics = Prf::default();
    let (mut prim_ok, mut prim_n) = (0usize, 0usize);
    let mut regions = Prf::default();
    let mut people = Prf::default();
    let mut nonq_bad = 0usize;
    let mut articles = 0usize;

    for f in &files {
        let gold: Gold = serde_json::from_str(&std::fs::read_to_string(f)?)
            .map_err(|e| format!("{}: {e}", f.display()))?;
        let plain = match &gold.text_file {
            Some(tf) => Some(std::fs::read_to_string(shared.join(tf))?),
            None => None,
        };
        let (title, text) = match &plain {
            Some(p) => {
                let p = p.trim_start();
                p.split_once('\n').unwrap_or((p, ""))
            }
            None => (gold.title.as_str(), gold.text.as_str()),
        };
        let input = ArticleInput {
            url: None,
            title: title.trim(),
            text,
            published_at: None,
        };
        let summary: Summary = match &plain {
            Some(p) => summarize_plain_text(p, &kb),
            None => summarize(&input, &kb),
        };
        articles += 1;
        let mut log: Vec<String> = Vec::new();

        // quotes: greedy one-to-one by best F1
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (pi, p) in summary.quotes.iter().enumerate() {
            for (gi, g) in gold.quotes.iter().enumerate() {
                let s = token_f1(&p.text, &g.text);
                if s >= 0.8 {
                    pairs.push((s, pi, gi));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut pm = vec![None; summary.quotes.len()];
        let mut gm = vec![None; gold.quotes.len()];
        for (_, pi, gi) in pairs {
            if pm[pi].is_none() && gm[gi].is_none() {
                pm[pi] = Some(gi);
                gm[gi] = Some(pi);
            }
        }
        for (pi, p) in summary.quotes.iter().enumerate() {
            match pm[pi] {
                Some(gi) => {
                    quotes.tp += 1;
                    let g = &gold.quotes[gi];
                    spk_n += 1;
                    let ok = norm(p.speaker.as_deref()) == norm(g.speaker.as_deref())
                        && (g.via.is_none() || norm(p.via.as_deref()) == norm(g.via.as_deref()));
                    if ok {
                        spk_ok += 1;
                    } else {
                        log.push(format!(
                            "  SPEAKER  got {:?} via {:?}, gold {:?} via {:?}: {}",
                            p.speaker,
                            p.via,
                            g.speaker,
                            g.via,
                            short(&g.text)
                        ));
                    }
                }
                None => {
                    quotes.fp += 1;
                    log.push(format!("  FP quote [{:?}]: {}", p.speaker, short(&p.text)));
                }
            }
        }
        for (gi, g) in gold.quotes.iter().enumerate() {
            if gm[gi].is_none() {
                quotes.fn_ += 1;
                log.push(format!("  FN quote [{:?}]: {}", g.speaker, short(&g.text)));
            }
        }
        for nq in &gold.non_quotes {
            if summary.quotes.iter().any(|q| token_f1(&q.text, nq) >= 0.8) {
                nonq_bad += 1;
                log.push(format!("  NON-QUOTE taken as quote: {nq}"));
            }
        }

        // topics
        if std::env::var_os("EVAL_DUMP_TOPICS").is_some() {
            for t in &summary.topics {
                eprintln!(
                    "TOPIC\t{}\t{}\t{}\t{}\t{}",
                    gold.id,
                    t.id,
                    t.score,
                    gold.topics.contains(&t.id) as u8,
                    gold.primary_topic.as_deref() == Some(t.id.as_str())
                );
            }
            for g in &gold.topics {
                if !summary.topics.iter().any(|t| &t.id == g) {
                    eprintln!("TOPIC\t{}\t{}\t0\t1\tmissing", gold.id, g);
                }
            }
        }
        let got: Vec<&str> = summary.topics.iter().map(|t| t.id.as_str()).collect();
        for t in &got {
            if gold.topics.iter().any(|g| g == t) {
                topics.tp += 1;
            } else {
                topics.fp += 1;
                log.push(format!("  FP topic {t}"));
            }
        }
        for g in &gold.topics {
            if !got.contains(&g.as_str()) {
                topics.fn_ += 1;
                log.push(format!("  FN topic {g}"));
            }
        }
        if let Some(pt) = &gold.primary_topic {
            prim_n += 1;
            if summary.primary_topic() == Some(pt.as_str()) {
                prim_ok += 1;
            } else {
                log.push(format!(
                    "  PRIMARY got {:?}, gold {pt}",
                    summary.primary_topic()
                ));
            }
        }
        // regions
        for r in &summary.regions {
            if gold.regions.contains(r) {
                regions.tp += 1;
            } else {
                regions.fp += 1;
                log.push(format!("  FP region {r}"));
            }
        }
        for g in &gold.regions {
            if !summary.regions.contains(g) {
                regions.fn_ += 1;
                log.push(format!("  FN region {g}"));
            }
        }
        // people
        for p in &summary.people {
            if gold.people.iter().any(|g| norm(Some(g)) == norm(Some(p))) {
                people.tp += 1;
            } else {
                people.fp += 1;
                log.push(format!("  FP person {p}"));
            }
        }
        for g in &gold.people {
            if !summary
                .people
                .iter()
                .any(|p| norm(Some(g)) == norm(Some(p)))
            {
                people.fn_ += 1;
                log.push(format!("  FN person {g}"));
            }
        }
        if explain_id.as_deref().is_some_and(|x| gold.id.contains(x)) {
            for l in explain(&input, &kb) {
                log.push(format!("  = {l}"));
            }
            for q in &summary.quotes {
                log.push(format!(
                    "  Q {:?} via {:?}: {}",
                    q.speaker,
                    q.via,
                    short(&q.text)
                ));
            }
            log.push(format!("  people {:?}", summary.people));
            if args.iter().any(|a| a == "--json") {
                log.push(serde_json::to_string_pretty(&summary)?);
            }
        }
        if verbose && !log.is_empty() {
            println!(
                "{} ({})",
                gold.id,
                f.file_name().and_then(|n| n.to_str()).unwrap_or("")
            );
            for l in log {
                println!("{l}");
            }
        }
    }

    println!("articles: {articles} in {}", dir.display());
    println!(
        "quotes:   precision {:.3}  recall {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
        quotes.p(),
        quotes.r(),
        quotes.f1(),
        quotes.tp,
        quotes.fp,
        quotes.fn_
    );
    println!(
        "speakers: accuracy {:.3}  ({spk_ok}/{spk_n} matched quotes)",
        ratio(spk_ok, spk_n)
    );
    println!("non-quotes taken as quotes: {nonq_bad}");
    println!(
        "topics:   micro-P {:.3}  micro-R {:.3}  micro-F1 {:.3}  primary accuracy {:.3} ({prim_ok}/{prim_n})",
        topics.p(),
        topics.r(),
        topics.f1(),
        ratio(prim_ok, prim_n)
    );
    println!(
        "regions:  P {:.3}  R {:.3}  F1 {:.3}",
        regions.p(),
        regions.r(),
        regions.f1()
    );
    println!(
        "people:   P {:.3}  R {:.3}  F1 {:.3}",
        people.p(),
        people.r(),
        people.f1()
    );
    Ok(())
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(90).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}
