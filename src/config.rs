//! One typed [`Config`], built once at start-up from the environment and the
//! command-line flags, with a default and a validation message for every
//! option. Library code receives a `Config`; it never reads the environment.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A bad value for one option.
#[derive(Debug, thiserror::Error)]
#[error("config: {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

/// The bot token. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The token itself, for the one place that talks to Telegram.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Removes bot tokens from a message before it is logged or shown:
/// reqwest errors carry the request URL, and Bot API URLs hold the token.
pub fn redact_tokens(text: &str) -> String {
    static TOKEN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = TOKEN
        .get_or_init(|| regex::Regex::new(r"\d{3,}:[A-Za-z0-9_-]{20,}").expect("static regex"));
    re.replace_all(text, "***").into_owned()
}

/// Everything the bot can be told, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_PATH`: the SQLite file.
    pub database_path: PathBuf,
    /// `DATA_DIR`: sources, topics, regions and bot texts.
    pub data_dir: PathBuf,
    /// `TELOXIDE_TOKEN`: needed by `run` only.
    pub telegram_token: Option<Secret>,
    /// `TELOXIDE_API_URL`: the Bot API base URL.
    pub telegram_api_url: Option<url::Url>,
    /// `MODERATOR_IDS`: the owners' Telegram user ids.
    pub moderator_ids: Vec<u64>,
    /// `POLL_INTERVAL_SECS`: how often each source is polled.
    pub poll_interval: Duration,
    /// `ALLOW_PRIVATE_SOURCES`: let sources on loopback/private addresses through.
    pub allow_private_sources: bool,
    /// `METRICS_ADDR`: where `run` serves `/healthz` and `/metrics`.
    pub metrics_addr: Option<SocketAddr>,
    /// `FETCH_TIMEOUT_SECS`: the whole-request timeout of one fetch.
    pub fetch_timeout: Duration,
    /// `MAX_BODY_BYTES`: the body-size cap, counted after decompression.
    pub max_body_bytes: usize,
    /// `HOST_DELAY_MS`: the polite pause between two requests to one host.
    pub host_delay: Duration,
    /// `MAX_SOURCE_FAILURES`: failures in a row before a source is paused.
    pub max_source_failures: u32,
    /// `MAX_ARTICLES_PER_POLL`: article pages fetched per source per poll.
    pub max_articles_per_poll: usize,
    /// `PARSE_TIMEOUT_SECS`: how long reading one fetched page or feed may
    /// take; a page that takes longer costs its source a failure.
    pub parse_timeout: Duration,
    /// `MAX_ARTICLE_AGE_HOURS`: articles published longer ago go to no
    /// digest, instant or scheduled (they stay in /search and /latest).
    pub max_article_age: Duration,
    /// `RETENTION_DAYS`: how long delivered messages and digest records are
    /// kept (for /why, /stats and audits of delivery).
    pub retention_days: u32,
    /// `WEBHOOK_URL`: the public HTTPS address Telegram posts updates to;
    /// unset: long polling.
    pub webhook_url: Option<url::Url>,
    /// `WEBHOOK_ADDR`: where the webhook server listens.
    pub webhook_addr: SocketAddr,
    /// `WEBHOOK_SECRET`: the secret token Telegram sends with each update;
    /// unset: a random one per start.
    pub webhook_secret: Option<Secret>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            database_path: PathBuf::from("civic-digest.db"),
            data_dir: PathBuf::from("data"),
            telegram_token: None,
            telegram_api_url: None,
            moderator_ids: Vec::new(),
            poll_interval: Duration::from_secs(600),
            allow_private_sources: false,
            metrics_addr: None,
            fetch_timeout: Duration::from_secs(20),
            max_body_bytes: 5 * 1024 * 1024,
            host_delay: Duration::from_millis(1000),
            max_source_failures: 8,
            max_articles_per_poll: 30,
            parse_timeout: Duration::from_secs(10),
            max_article_age: Duration::from_secs(48 * 3600),
            retention_days: 30,
            webhook_url: None,
            webhook_addr: SocketAddr::from(([0, 0, 0, 0], 8443)),
            webhook_secret: None,
        }
    }
}

impl Config {
    /// Builds the config from environment-style variables (`std::env::vars()`
    /// in the binary, a map in tests). Unset or empty variables take defaults.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        let get = |name: &str| vars.get(name).map(|v| v.trim().to_string());
        let mut c = Config::default();
        if let Some(v) = get("DATABASE_PATH") {
            c.database_path = PathBuf::from(v);
        }
        if let Some(v) = get("DATA_DIR") {
            if !Path::new(&v).is_dir() {
                return Err(ConfigError {
                    var: "DATA_DIR",
                    message: format!(
                        "{v} is not a folder; point it at a copy of data/ or unset it to use the built-in data"
                    ),
                });
            }
            c.data_dir = PathBuf::from(v);
        }
        c.telegram_token = get("TELOXIDE_TOKEN").map(Secret::new);
        if let Some(v) = get("TELOXIDE_API_URL") {
            let url = url::Url::parse(&v).map_err(|e| ConfigError {
                var: "TELOXIDE_API_URL",
                message: format!("{e}; expected a URL such as http://127.0.0.1:8081"),
            })?;
            c.telegram_api_url = Some(url);
        }
        if let Some(v) = get("MODERATOR_IDS") {
            c.moderator_ids = parse_ids(&v)?;
        }
        if let Some(v) = get("POLL_INTERVAL_SECS") {
            c.poll_interval = Duration::from_secs(parse_num("POLL_INTERVAL_SECS", &v, 1, 86_400)?);
        }
        if let Some(v) = get("ALLOW_PRIVATE_SOURCES") {
            c.allow_private_sources = parse_bool("ALLOW_PRIVATE_SOURCES", &v)?;
        }
        if let Some(v) = get("METRICS_ADDR") {
            c.metrics_addr = Some(v.parse().map_err(|_| ConfigError {
                var: "METRICS_ADDR",
                message: format!(
                    "{v:?} is not an address; expected HOST:PORT such as 127.0.0.1:9464"
                ),
            })?);
        }
        if let Some(v) = get("FETCH_TIMEOUT_SECS") {
            c.fetch_timeout = Duration::from_secs(parse_num("FETCH_TIMEOUT_SECS", &v, 1, 600)?);
        }
        if let Some(v) = get("MAX_BODY_BYTES") {
            c.max_body_bytes = parse_num("MAX_BODY_BYTES", &v, 1024, 1 << 30)? as usize;
        }
        if let Some(v) = get("HOST_DELAY_MS") {
            c.host_delay = Duration::from_millis(parse_num("HOST_DELAY_MS", &v, 0, 60_000)?);
        }
        if let Some(v) = get("MAX_SOURCE_FAILURES") {
            c.max_source_failures = parse_num("MAX_SOURCE_FAILURES", &v, 1, 1000)? as u32;
        }
        if let Some(v) = get("MAX_ARTICLES_PER_POLL") {
            c.max_articles_per_poll = parse_num("MAX_ARTICLES_PER_POLL", &v, 1, 1000)? as usize;
        }
        if let Some(v) = get("PARSE_TIMEOUT_SECS") {
            c.parse_timeout = Duration::from_secs(parse_num("PARSE_TIMEOUT_SECS", &v, 1, 600)?);
        }
        if let Some(v) = get("MAX_ARTICLE_AGE_HOURS") {
            c.max_article_age =
                Duration::from_secs(parse_num("MAX_ARTICLE_AGE_HOURS", &v, 1, 24 * 366)? * 3600);
        }
        if let Some(v) = get("RETENTION_DAYS") {
            c.retention_days = parse_num("RETENTION_DAYS", &v, 1, 3650)? as u32;
        }
        if let Some(v) = get("WEBHOOK_URL") {
            c.webhook_url = Some(url::Url::parse(&v).map_err(|e| ConfigError {
                var: "WEBHOOK_URL",
                message: format!("{e}; expected the public HTTPS address of the bot, e.g. https://bot.example.kz/telegram"),
            })?);
        }
        if let Some(v) = get("WEBHOOK_ADDR") {
            c.webhook_addr = v.parse().map_err(|_| ConfigError {
                var: "WEBHOOK_ADDR",
                message: format!(
                    "{v:?} is not an address; expected HOST:PORT such as 0.0.0.0:8443"
                ),
            })?;
        }
        if let Some(v) = get("WEBHOOK_SECRET") {
            if v.len() > 256
                || !v
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
            {
                return Err(ConfigError {
                    var: "WEBHOOK_SECRET",
                    message: "1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
                        .into(),
                });
            }
            c.webhook_secret = Some(Secret::new(v));
        }
        Ok(c)
    }
}

fn parse_num(var: &'static str, value: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
    let n: u64 = value.parse().map_err(|_| ConfigError {
        var,
        message: format!("{value:?} is not a whole number"),
    })?;
    if n < min || n > max {
        return Err(ConfigError {
            var,
            message: format!("{n} is out of range; expected {min} to {max}"),
        });
    }
    Ok(n)
}

fn parse_bool(var: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError {
            var,
            message: format!("{value:?} is not a boolean; expected true or false"),
        }),
    }
}

fn parse_ids(value: &str) -> Result<Vec<u64>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| ConfigError {
                var: "MODERATOR_IDS",
                message: format!(
                    "{s:?} is not a Telegram user id; expected numbers separated by commas"
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_nothing_is_set() {
        let c = Config::from_vars(Vec::<(String, String)>::new()).unwrap();
        assert_eq!(c.poll_interval, Duration::from_secs(600));
        assert!(!c.allow_private_sources);
        assert!(c.telegram_token.is_none());
        assert!(c.metrics_addr.is_none());
        assert_eq!(c.max_article_age, Duration::from_secs(48 * 3600));
        assert_eq!(c.parse_timeout, Duration::from_secs(10));
    }

    #[test]
    fn article_age_and_parse_timeout_are_validated() {
        let c = Config::from_vars([("MAX_ARTICLE_AGE_HOURS", "72"), ("PARSE_TIMEOUT_SECS", "3")])
            .unwrap();
        assert_eq!(c.max_article_age, Duration::from_secs(72 * 3600));
        assert_eq!(c.parse_timeout, Duration::from_secs(3));
        for (var, bad) in [
            ("MAX_ARTICLE_AGE_HOURS", "0"),
            ("MAX_ARTICLE_AGE_HOURS", "two days"),
            ("PARSE_TIMEOUT_SECS", "0"),
        ] {
            let err = Config::from_vars([(var, bad)]).unwrap_err();
            assert!(err.to_string().contains(var), "{err}");
        }
    }

    #[test]
    fn reads_and_validates_values() {
        let c = Config::from_vars([
            ("MODERATOR_IDS", "12, 34"),
            ("ALLOW_PRIVATE_SOURCES", "true"),
            ("POLL_INTERVAL_SECS", "30"),
            ("METRICS_ADDR", "127.0.0.1:9464"),
        ])
        .unwrap();
        assert_eq!(c.moderator_ids, vec![12, 34]);
        assert!(c.allow_private_sources);
        assert_eq!(c.poll_interval, Duration::from_secs(30));

        let err = Config::from_vars([("POLL_INTERVAL_SECS", "soon")]).unwrap_err();
        assert!(err.to_string().contains("POLL_INTERVAL_SECS"), "{err}");
        let err = Config::from_vars([("MODERATOR_IDS", "12,abc")]).unwrap_err();
        assert!(err.to_string().contains("\"abc\""), "{err}");
        assert!(Config::from_vars([("ALLOW_PRIVATE_SOURCES", "maybe")]).is_err());
        assert!(Config::from_vars([("METRICS_ADDR", "nowhere")]).is_err());
    }

    #[test]
    fn tokens_are_redacted_from_messages() {
        let msg = "error sending request for url (https://api.telegram.org/bot123456789:AAE-abcdefghijklmnopqrstuvwxyz012/SendMessage)";
        let clean = redact_tokens(msg);
        assert!(!clean.contains("AAE-abc"), "{clean}");
        assert!(clean.contains("/bot***/SendMessage"), "{clean}");
    }

    #[test]
    fn token_never_shows() {
        let c = Config::from_vars([("TELOXIDE_TOKEN", "123:SECRET")]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(c.telegram_token.unwrap().expose(), "123:SECRET");
    }
}
