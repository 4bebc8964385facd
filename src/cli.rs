//! The command-line contract of DESIGN.md and what each command does.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use civic_digest::Config;
use civic_digest::Digester;
use civic_digest::Filters;
use civic_digest::Lang;
use civic_digest::PollError;
use civic_digest::service;
use civic_digest::{ArticleInput, Knowledge};
use civic_digest::{Fault, Store, StoreError};
use civic_digest::{Style, to_plain};

/// Prints one line to standard output. A reader that went away (`| head`)
/// comes back as an error that [`output_closed`] recognises, never a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// Whether the error is standard output closed by its reader (a broken
/// pipe): the command ends quietly, as other command-line tools do.
pub fn output_closed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A database error said the way a person can act on it: "the disk is
/// full", "the database folder is read-only", with SQLite's words after.
fn explain(e: anyhow::Error, db: &Path) -> anyhow::Error {
    let store = e.chain().find_map(|c| {
        c.downcast_ref::<StoreError>()
            .or_else(|| match c.downcast_ref::<PollError>() {
                Some(PollError::Store(s)) => Some(s),
                _ => None,
            })
    });
    let Some(store) = store else {
        return e;
    };
    let fault = match store.fault() {
        Some(Fault::CannotOpen | Fault::ReadOnlyFile) if folder_is_read_only(db) => {
            Fault::ReadOnlyFolder
        }
        Some(f) => f,
        None => return e,
    };
    anyhow::anyhow!("{}: {} ({store})", fault.message(), db.display())
}

/// Whether nothing can be created in the database's folder.
fn folder_is_read_only(db: &Path) -> bool {
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let probe = dir.join(format!(".civic-digest-write-check-{}", std::process::id()));
    match std::fs::File::create_new(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        ),
    }
}

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
    /// Poller, scheduler and bot in one process (needs TELOXIDE_TOKEN)
    Run,
    /// Offline end-to-end run: a local news site and Telegram sandbox; prints the chat transcript
    Demo,
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
    /// HTML or plain text to the summary JSON: quotes with speakers, topics, regions, people
    Summarize {
        /// The page's URL
        #[arg(long)]
        url: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// The HTML or text file, or - for standard input
        #[arg(default_value = "-")]
        file: String,
    },
    /// Preview the digest such a subscriber would get from the stored articles
    Digest {
        /// Topic ids or names, comma-separated (none: every topic)
        #[arg(long, value_delimiter = ',')]
        topics: Vec<String>,
        /// Region ids or names, comma-separated (none: all of Kazakhstan)
        #[arg(long, value_delimiter = ',')]
        regions: Vec<String>,
        /// A followed person, place or phrase (repeatable)
        #[arg(long)]
        follow: Vec<String>,
        /// How many hours back to look
        #[arg(long, default_value_t = 24)]
        hours: i64,
        /// Language of the digest: ru, kk or en
        #[arg(long, default_value = "ru")]
        lang: String,
        /// The short variant for groups and slow connections
        #[arg(long)]
        low_bandwidth: bool,
        /// A source whose articles are left out, by name or site (repeatable)
        #[arg(long)]
        mute: Vec<String>,
        /// A word or phrase whose stories are left out, in any form (repeatable)
        #[arg(long)]
        exclude: Vec<String>,
        /// How entries read: full, or compact (title, source, date, a short quote)
        #[arg(long, default_value = "full")]
        layout: String,
        /// Stories per message, as the bot pages a digest (default: as many as fit)
        #[arg(long)]
        page_stories: Option<usize>,
        #[arg(long, value_enum, default_value_t = DigestFormat::Text)]
        format: DigestFormat,
    },
    /// List stored articles
    Articles {
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Make a consistent copy of the database, also while the bot runs
    Backup {
        /// Where the copy goes
        path: PathBuf,
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
enum DigestFormat {
    Text,
    Html,
    Json,
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
    let db = config.database_path.clone();
    command(config, cli.command).map_err(|e| explain(e, &db))
}

fn command(config: Config, command: Command) -> Result<ExitCode> {
    match command {
        Command::Run => run_bot(config),
        Command::Demo => demo(&config),
        Command::Ingest { once, sources } => {
            if !once {
                bail!("ingest polls once: pass --once (the `run` command polls continuously)");
            }
            ingest_once(&config, sources.as_deref())
        }
        Command::Extract { url, file } => extract_page(url.as_deref(), &file),
        Command::Summarize { url, format, file } => {
            summarize_input(&config, url.as_deref(), format, &file)
        }
        Command::Digest {
            topics,
            regions,
            follow,
            hours,
            lang,
            low_bandwidth,
            mute,
            exclude,
            layout,
            page_stories,
            format,
        } => {
            let lang = Lang::from_code(&lang)
                .with_context(|| format!("--lang {lang:?}: expected ru, kk or en"))?;
            let compact = match civic_digest::Layout::parse(&layout) {
                Some(l) => l == civic_digest::Layout::Compact,
                None => bail!("--layout {layout:?}: expected full or compact"),
            };
            preview_digest(
                &config,
                DigestArgs {
                    topics,
                    regions,
                    follow,
                    hours,
                    lang,
                    low_bandwidth,
                    mute,
                    exclude,
                    layout: civic_digest::EntryLayout {
                        compact,
                        per_page: page_stories.unwrap_or(usize::MAX),
                    },
                    format,
                },
            )
        }
        Command::Articles { limit, format } => list_articles(&config, limit, format),
        Command::Sources { action } => manage_sources(&config, action),
        Command::Backup { path } => {
            if path.exists() {
                bail!(
                    "{} exists already; choose a new file for the backup",
                    path.display()
                );
            }
            open_store(&config)?
                .backup_to(&path)
                .with_context(|| format!("backing up to {}", path.display()))?;
            out!(
                "Backed up {} to {}",
                config.database_path.display(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn run_bot(config: Config) -> Result<ExitCode> {
    if config.telegram_token.is_none() {
        return Err(service::run::ServiceError::NoToken.into());
    }
    let service = service::run::Service::open(config)?;
    seed_sources(&service.config, &service.store)?;
    runtime()?.block_on(async move {
        // The Throttle adaptor starts its worker on the runtime.
        let bot = service.telegram()?;
        let shutdown = service::run::shutdown_on_signals();
        std::sync::Arc::new(service).run(bot, shutdown).await
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "demo"))]
fn demo(_config: &Config) -> Result<ExitCode> {
    anyhow::bail!("demo: this binary was built without the `demo` feature (--no-default-features)")
}

#[cfg(feature = "demo")]
fn demo(config: &Config) -> Result<ExitCode> {
    let work = tempfile::tempdir().context("making a temporary directory for the demo database")?;
    let started = std::time::Instant::now();
    let transcript = runtime()?.block_on(service::demo::run_demo(&config.data_dir, work.path()))?;
    out!("{transcript}");
    out!(
        "— demo finished in {:.1} s —",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
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
    service::seed_sources(config, store)?;
    Ok(())
}

fn ingest_once(config: &Config, sources_file: Option<&Path>) -> Result<ExitCode> {
    let store = open_store(config)?;
    let kb = Arc::new(std::sync::RwLock::new(service::load_knowledge(
        config, &store,
    )));
    let poller = service::poller(store.clone(), config, kb)?;
    let report = runtime()?.block_on(async {
        match sources_file {
            Some(path) => {
                let list = civic_digest::load_sources_file(path)?;
                store.add_missing_sources(&list, now())?;
                let mut report = civic_digest::IngestReport::default();
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
    out!("{}", serde_json::to_string(&report)?);
    // The database failed under the poll (a full disk, a read-only file):
    // the articles stored before it are kept, but the run did not succeed.
    if let Some(why) = report.store_error {
        bail!("ingest: {why}");
    }
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
    Ok(civic_digest::decode_charset(&bytes, None).0)
}

fn extract_page(url: Option<&str>, file: &str) -> Result<ExitCode> {
    let url = url
        .map(|u| url::Url::parse(u).with_context(|| format!("--url {u:?} is not a URL")))
        .transpose()?;
    let html = read_input(file)?;
    let article = civic_digest::extract(&html, url.as_ref());
    out!("{}", serde_json::to_string_pretty(&article)?);
    Ok(ExitCode::SUCCESS)
}

/// Does this input look like an HTML page rather than plain text?
fn looks_like_html(s: &str) -> bool {
    let head: String = s
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "<html",
        "<!doctype",
        "<body",
        "<p>",
        "<div",
        "<article",
        "<head",
    ]
    .iter()
    .any(|t| head.contains(t))
}

fn summarize_input(
    config: &Config,
    url: Option<&str>,
    format: Format,
    file: &str,
) -> Result<ExitCode> {
    let parsed = url
        .map(|u| url::Url::parse(u).with_context(|| format!("--url {u:?} is not a URL")))
        .transpose()?;
    let input = read_input(file)?;
    let kb = Knowledge::load(&config.data_dir).unwrap_or_else(|_| Knowledge::embedded());
    let summary = if looks_like_html(&input) {
        let page = civic_digest::extract(&input, parsed.as_ref());
        let mut s = civic_digest::summarize(
            &ArticleInput {
                url,
                title: &page.title,
                text: &page.text,
                published_at: page.published_at,
            },
            &kb,
        );
        s.url = s.url.or(page.url).or(page.canonical_url);
        s
    } else {
        let mut s = civic_digest::summarize_plain_text(&input, &kb);
        s.url = url.map(str::to_string);
        s
    };
    if format == Format::Json {
        out!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    out!("{}\n", summary.title);
    out!("language: {}", summary.language.code());
    let topics: Vec<String> = summary
        .topics
        .iter()
        .map(|t| {
            format!(
                "{}{} {:.2}",
                t.id,
                if t.primary { "*" } else { "" },
                t.score
            )
        })
        .collect();
    out!("topics:   {}", topics.join(", "));
    out!("regions:  {}", summary.regions.join(", "));
    out!("people:   {}", summary.people.join(", "));
    out!("\nquotes:");
    for q in &summary.quotes {
        let via = q
            .via
            .as_deref()
            .map(|v| format!(" (via {v})"))
            .unwrap_or_default();
        out!(
            "  «{}» — {}{via}",
            q.text,
            q.speaker.as_deref().unwrap_or("?")
        );
    }
    if summary.quotes.is_empty() {
        out!("  (none)");
    }
    out!("\nkey sentences:");
    for s in &summary.key_sentences {
        out!("  - {s}");
    }
    Ok(ExitCode::SUCCESS)
}

struct DigestArgs {
    topics: Vec<String>,
    regions: Vec<String>,
    follow: Vec<String>,
    hours: i64,
    lang: Lang,
    low_bandwidth: bool,
    mute: Vec<String>,
    exclude: Vec<String>,
    layout: civic_digest::EntryLayout,
    format: DigestFormat,
}

fn preview_digest(config: &Config, args: DigestArgs) -> Result<ExitCode> {
    let store = open_store(config)?;
    let kb = service::load_knowledge(config, &store);
    let texts = service::load_texts(config);
    let resolve = |values: &[String],
                   what: &str,
                   f: &dyn Fn(&str) -> Option<String>|
     -> Result<Vec<String>> {
        values
            .iter()
            .filter(|v| !v.trim().is_empty())
            .map(|v| f(v).with_context(|| format!("unknown {what} {v:?}")))
            .collect()
    };
    let topics = resolve(&args.topics, "topic", &|v| {
        kb.resolve_topic(v).map(str::to_string)
    })?;
    let regions = resolve(&args.regions, "region", &|v| {
        kb.resolve_region(v).map(str::to_string)
    })?;
    let sources = store.list_sources()?;
    let rows = civic_digest::Names::source_rows(&sources);
    let source_names = civic_digest::Names::sources(&rows);
    let muted_sources = args
        .mute
        .iter()
        .map(|m| {
            source_names
                .resolve(m)
                .and_then(|id| id.parse::<i64>().ok())
                .with_context(|| format!("--mute {m:?}: no such source (see `sources list`)"))
        })
        .collect::<Result<Vec<i64>>>()?;
    let now = now();
    let after_id = store.last_article_before(now - args.hours.max(0) * 3600)?;
    let filters = Filters {
        topics,
        regions,
        follows: args.follow,
        after_id,
        // A preview of more than two days reads like a weekly digest.
        weekly: args.hours > 48,
        muted_sources,
        excludes: args.exclude,
    };
    let digester = Digester {
        store: &store,
        texts: &texts,
        names: &kb,
        cap: 5,
        max_age: config.max_article_age,
    };
    let style = Style {
        lang: args.lang,
        low_bandwidth: args.low_bandwidth,
        instant: false,
    };
    let (messages, rows) = digester.preview_as(&filters, style, args.layout, now)?;
    match args.format {
        DigestFormat::Json => out!("{}", serde_json::to_string_pretty(&rows)?),
        DigestFormat::Html => out!("{}", messages.join("\n\n—— next message ——\n\n")),
        DigestFormat::Text if messages.is_empty() => {
            out!("{}", to_plain(texts.t(args.lang, "digest.empty")))
        }
        DigestFormat::Text => out!(
            "{}",
            messages
                .iter()
                .map(|m| to_plain(m))
                .collect::<Vec<_>>()
                .join("\n\n")
        ),
    }
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
        out!("{}", serde_json::to_string_pretty(&rows)?);
    } else if articles.is_empty() {
        out!("No articles stored yet. Run `civic-digest ingest --once` first.");
    } else {
        for a in &articles {
            let source = a.source_name.as_deref().unwrap_or("-");
            let date = a.published_at.as_deref().unwrap_or("");
            out!(
                "#{:<5} [{}] {} ({source}, {date}, story {})\n       {}",
                a.id,
                a.language,
                a.title,
                a.story_id,
                a.url
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
                out!("{}", serde_json::to_string_pretty(&list)?);
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
                    out!(
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
            let fetcher = civic_digest::Fetcher::new(config.into())?;
            let mut source = runtime()?.block_on(civic_digest::probe(
                &fetcher,
                &url,
                name.as_deref(),
                selector.as_deref(),
            ))?;
            source.language = language;
            source.region = region;
            source.official = official;
            let id = store.add_source(&source, now())?;
            out!(
                "Added source {id}: {} ({}) {}",
                source.name,
                source.kind.as_str(),
                source.url
            );
        }
        SourcesAction::Remove { id } => {
            store.remove_source(id)?;
            out!("Removed source {id}; its articles stay.");
        }
        SourcesAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let list = civic_digest::parse_opml(&text)?;
            let added = store.add_missing_sources(&list, now())?;
            out!("Imported {added} new sources ({} in the file).", list.len());
        }
        SourcesAction::Export => {
            let opml = civic_digest::to_opml(&store.list_sources()?);
            std::io::Write::write_all(&mut std::io::stdout().lock(), opml.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
