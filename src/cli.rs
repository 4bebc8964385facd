//! The command-line contract of DESIGN.md and what each command does.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use civic_digest::config::Config;
use civic_digest::ingest::{extract, fetch, poller, probe, sources};
use civic_digest::store::Store;

#[derive(Parser, Debug)]
#[command(
    name = "civic-digest",
    version,
    about = "Civic news digests for Kazakhstan, delivered in Telegram"
)]
pub struct Cli {
    /// The SQLite database file [env: DATABASE_PATH; default: civic-digest.db]
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Poll every enabled source once, store new articles, print one JSON line of counts
    Ingest {
        /// Poll once and exit (the only mode; `run` polls continuously)
        #[arg(long)]
        once: bool,
        /// A sources TOML file: its sources are added if missing, and only they are polled
        #[arg(long)]
        sources: Option<PathBuf>,
    },
    /// One HTML page to JSON: url, title, published_at, language, text
    Extract {
        /// The page's URL (resolves relative links, names the article)
        #[arg(long)]
        url: Option<String>,
        /// The HTML file, or - for standard input
        #[arg(default_value = "-")]
        file: String,
    },
    /// List stored articles
    Articles {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Manage sources offline
    Sources {
        #[command(subcommand)]
        action: SourcesAction,
    },
}

#[derive(Subcommand, Debug)]
enum SourcesAction {
    /// List sources with their health
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Add a source after checking that URL is a feed or a listing page
    Add {
        url: String,
        #[arg(long)]
        name: Option<String>,
        /// For listing pages: the CSS selector of the article links
        #[arg(long)]
        selector: Option<String>,
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        region: Option<String>,
        /// The President's, the government's or an akimat's own site
        #[arg(long)]
        official: bool,
    },
    /// Remove a source (its articles stay)
    Remove { id: i64 },
    /// Add the feeds of an OPML file
    Import { file: PathBuf },
    /// Print every source as OPML
    Export,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
enum Format {
    Text,
    Json,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let mut config = Config::from_vars(std::env::vars())?;
    if let Some(db) = cli.db {
        config.database_path = db;
    }
    match cli.command {
        Command::Ingest { once, sources } => {
            if !once {
                bail!("ingest polls once: pass --once (the `run` command polls continuously)");
            }
            ingest_once(&config, sources.as_deref())
        }
        Command::Extract { url, file } => extract_page(url.as_deref(), &file),
        Command::Articles { limit, format } => list_articles(&config, limit, format),
        Command::Sources { action } => manage_sources(&config, action),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn open_store(config: &Config) -> Result<Arc<Store>> {
    let store = Store::open(&config.database_path)
        .with_context(|| format!("opening the database {}", config.database_path.display()))?;
    Ok(Arc::new(store))
}

/// On a database with no sources, the shipped list is added.
fn seed_sources(config: &Config, store: &Store) -> Result<()> {
    if store.list_sources()?.is_empty() {
        let path = config.data_dir.join("sources.toml");
        let list = sources::load_sources_file(&path)?;
        let added = store.add_missing_sources(&list, now())?;
        log::info!("sources: added {added} sources from {}", path.display());
    }
    Ok(())
}

fn ingest_once(config: &Config, sources_file: Option<&Path>) -> Result<ExitCode> {
    let store = open_store(config)?;
    let poller = poller::Poller::new(store.clone(), config)?;
    let report = runtime()?.block_on(async {
        match sources_file {
            Some(path) => {
                let list = sources::load_sources_file(path)?;
                store.add_missing_sources(&list, now())?;
                let mut report = poller::IngestReport::default();
                let mut chosen = Vec::new();
                for s in &list {
                    if let Some(found) = store.find_source_by_url(&s.url)?.filter(|f| !f.paused) {
                        chosen.push(found);
                    }
                }
                for source in chosen {
                    report.add(&poller.poll_source(&source, now()).await);
                }
                anyhow::Ok(report)
            }
            None => {
                seed_sources(config, &store)?;
                Ok(poller.poll_all(now()).await?)
            }
        }
    })?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}

fn read_input(file: &str) -> Result<String> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("reading {file}"))?;
    }
    Ok(civic_digest::ingest::charset::decode(&bytes, None).0)
}

fn extract_page(url: Option<&str>, file: &str) -> Result<ExitCode> {
    let url = url
        .map(|u| url::Url::parse(u).with_context(|| format!("--url {u:?} is not a URL")))
        .transpose()?;
    let html = read_input(file)?;
    let article = extract::extract(&html, url.as_ref());
    println!("{}", serde_json::to_string_pretty(&article)?);
    Ok(ExitCode::SUCCESS)
}

fn list_articles(config: &Config, limit: usize, format: Format) -> Result<ExitCode> {
    let store = open_store(config)?;
    let articles = store.latest_articles(limit)?;
    if format == Format::Json {
        let rows: Vec<serde_json::Value> = articles
            .iter()
            .map(|a| {
                let mut v = serde_json::to_value(a).unwrap_or_default();
                let summary = a
                    .summary_json
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok());
                v["summary"] = summary.unwrap_or(serde_json::Value::Null);
                v
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if articles.is_empty() {
        println!("No articles stored yet. Run `civic-digest ingest --once` first.");
    } else {
        for a in &articles {
            let source = a.source_name.as_deref().unwrap_or("-");
            let date = a.published_at.as_deref().unwrap_or("");
            println!(
                "#{:<5} [{}] {} ({source}, {date}, story {})\n       {}",
                a.id, a.language, a.title, a.story_id, a.url
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn manage_sources(config: &Config, action: SourcesAction) -> Result<ExitCode> {
    let store = open_store(config)?;
    match action {
        SourcesAction::List { format } => {
            seed_sources(config, &store)?;
            let list = store.list_sources()?;
            if format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for s in &list {
                    let health = if s.paused {
                        format!(
                            "PAUSED: {}",
                            s.pause_reason.as_deref().unwrap_or("by a moderator")
                        )
                    } else if s.error_count > 0 {
                        format!(
                            "{} errors, last: {}",
                            s.error_count,
                            s.last_error.as_deref().unwrap_or("")
                        )
                    } else if s.last_success_at.is_some() {
                        "ok".to_string()
                    } else {
                        "not polled yet".to_string()
                    };
                    println!(
                        "{:>3}  {:<7} {:<32} {} articles  {health}\n     {}",
                        s.id,
                        s.kind.as_str(),
                        s.name,
                        s.articles,
                        s.url
                    );
                }
            }
        }
        SourcesAction::Add {
            url,
            name,
            selector,
            language,
            region,
            official,
        } => {
            let fetcher = fetch::Fetcher::new(config.into())?;
            let mut source = runtime()?.block_on(probe::probe(
                &fetcher,
                &url,
                name.as_deref(),
                selector.as_deref(),
            ))?;
            source.language = language;
            source.region = region;
            source.official = official;
            let id = store.add_source(&source, now())?;
            println!(
                "Added source {id}: {} ({}) {}",
                source.name,
                source.kind.as_str(),
                source.url
            );
        }
        SourcesAction::Remove { id } => {
            store.remove_source(id)?;
            println!("Removed source {id}; its articles stay.");
        }
        SourcesAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let list = sources::parse_opml(&text)?;
            let added = store.add_missing_sources(&list, now())?;
            println!("Imported {added} new sources ({} in the file).", list.len());
        }
        SourcesAction::Export => {
            print!("{}", sources::to_opml(&store.list_sources()?)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
