//! The fetcher owns politeness in one place: a User-Agent that names the
//! bot, one request at a time per host with a pause between, conditional
//! GET, timeouts, a body cap counted after decompression, Retry-After, and
//! the guard that keeps sources off loopback and private addresses (unless
//! allowed) and always off link-local and metadata addresses,
//! checked on every DNS answer and every redirect.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{StatusCode, redirect};
use tokio::time::Instant;
use url::Url;

use crate::config::Config;
pub use crate::model::Validators;

/// The User-Agent every request carries.
pub const USER_AGENT: &str = concat!(
    "civic-digest/",
    env!("CARGO_PKG_VERSION"),
    " (civic news digest bot for Kazakhstan; polite, one request at a time per host)"
);

const MAX_REDIRECTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("fetch: {url}: refused: {reason}")]
    Blocked { url: String, reason: String },
    #[error("fetch: {url}: HTTP {status}")]
    Status {
        url: String,
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("fetch: {url}: body larger than the {limit}-byte cap")]
    TooLarge { url: String, limit: usize },
    #[error("fetch: {url}: timed out")]
    Timeout { url: String },
    #[error("fetch: {url}: {message}")]
    Redirect { url: String, message: String },
    #[error("fetch: {url}: {message}")]
    Network { url: String, message: String },
    #[error("fetch: {url:?} is not an http(s) URL")]
    InvalidUrl { url: String },
}

impl FetchError {
    /// How long the server asked us to wait, for 429 and 503.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A fetched body.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where the body came from, after redirects.
    pub url: Url,
    pub content_type: Option<String>,
    pub validators: Validators,
    pub body: Vec<u8>,
}

impl Page {
    /// The body as text, in whatever charset it came in.
    pub fn text(&self) -> String {
        super::charset::decode(&self.body, self.content_type.as_deref()).0
    }
}

/// What a conditional fetch gives.
#[derive(Debug)]
pub enum Fetched {
    NotModified,
    Page(Page),
}

/// Politeness and safety settings, from [`Config`].
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub host_delay: Duration,
    pub allow_private: bool,
}

impl From<&Config> for FetchSettings {
    fn from(c: &Config) -> FetchSettings {
        FetchSettings {
            timeout: c.fetch_timeout,
            max_body_bytes: c.max_body_bytes,
            host_delay: c.host_delay,
            allow_private: c.allow_private_sources,
        }
    }
}

/// The HTTP client of the poller.
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Fetcher, FetchError> {
        let allow_private = settings.allow_private;
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            if attempt.previous().iter().any(|u| u == attempt.url()) {
                return attempt.error("redirect loop");
            }
            if let Err(reason) = check_url(attempt.url(), allow_private) {
                return attempt.error(reason);
            }
            attempt.follow()
        });
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(policy)
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .build()
            .map_err(|e| FetchError::Network {
                url: String::new(),
                message: e.to_string(),
            })?;
        Ok(Fetcher {
            client,
            settings,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// Fetches `url` unconditionally.
    pub async fn get(&self, url: &str) -> Result<Page, FetchError> {
        match self.get_conditional(url, &Validators::default()).await? {
            Fetched::Page(page) => Ok(page),
            Fetched::NotModified => Err(FetchError::Network {
                url: url.to_string(),
                message: "304 Not Modified to an unconditional request".into(),
            }),
        }
    }

    /// Fetches `url`, sending `If-None-Match`/`If-Modified-Since` from
    /// `validators`; a 304 comes back as [`Fetched::NotModified`].
    pub async fn get_conditional(
        &self,
        url: &str,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url).map_err(|_| FetchError::InvalidUrl {
            url: url.to_string(),
        })?;
        check_url(&parsed, self.settings.allow_private).map_err(|reason| FetchError::Blocked {
            url: url.to_string(),
            reason,
        })?;
        let host_slot = self.host_slot(parsed.host_str().unwrap_or_default());
        let mut last = host_slot.lock().await;
        if let Some(at) = *last {
            let ready = at + self.settings.host_delay;
            tokio::time::sleep_until(ready).await;
        }
        let result = self.send(parsed, validators).await;
        *last = Some(Instant::now());
        result
    }

    fn host_slot(&self, host: &str) -> Arc<tokio::sync::Mutex<Option<Instant>>> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts.entry(host.to_ascii_lowercase()).or_default().clone()
    }

    async fn send(&self, url: Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let shown = url.to_string();
        let mut request = self.client.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut response = request.send().await.map_err(|e| classify(&shown, e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: shown,
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(FetchError::TooLarge { url: shown, limit });
        }
        let final_url = response.url().clone();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        // Chunks come decompressed, so the cap holds against gzip bombs.
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(&shown, e))? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { url: shown, limit });
            }
            body.extend_from_slice(&chunk);
        }
        let header = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Fetched::Page(Page {
            url: final_url,
            content_type: header(CONTENT_TYPE),
            validators: Validators {
                etag: header(ETAG),
                last_modified: header(LAST_MODIFIED),
            },
            body,
        }))
    }
}

/// Maps a reqwest error to ours, naming the URL we asked for (never one
/// reqwest built, which could carry secrets in other clients).
fn classify(url: &str, e: reqwest::Error) -> FetchError {
    let url = url.to_string();
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(err) = source {
        if let Some(blocked) = err.downcast_ref::<BlockedAddress>() {
            return FetchError::Blocked {
                url,
                reason: blocked.to_string(),
            };
        }
        source = err.source();
    }
    if e.is_timeout() {
        FetchError::Timeout { url }
    } else if e.is_redirect() {
        let message = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_else(|| "bad redirect".into());
        if message.contains("refused") || message.contains("address") {
            FetchError::Blocked {
                url,
                reason: message,
            }
        } else {
            FetchError::Redirect { url, message }
        }
    } else {
        let mut message = String::new();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            message = if message.is_empty() {
                s.to_string()
            } else {
                format!("{message}: {s}")
            };
            src = s.source();
        }
        if message.is_empty() {
            message = e.without_url().to_string();
        }
        FetchError::Network { url, message }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
    Some(Duration::from_secs(secs))
}

/// Checks the scheme, and a literal IP host against the refused ranges.
/// Host names are checked when they resolve (see [`GuardedResolver`]).
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), String> {
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!("scheme {:?} is not http or https", url.scheme()));
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(url::Host::Domain(_)) => return Ok(()),
        None => return Err("no host".into()),
    };
    check_ip(ip, allow_private)
}

/// Where an address points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrClass {
    Public,
    /// Loopback and private networks: refused unless `ALLOW_PRIVATE_SOURCES`.
    Private,
    /// Link-local (the cloud metadata service at 169.254.169.254),
    /// unspecified, multicast and reserved: never a news site, always refused.
    Forbidden,
}

fn check_ip(ip: IpAddr, allow_private: bool) -> Result<(), String> {
    match classify_ip(ip) {
        AddrClass::Public => Ok(()),
        AddrClass::Private if allow_private => Ok(()),
        AddrClass::Private => Err(format!(
            "address {ip} is loopback or private (set ALLOW_PRIVATE_SOURCES=true to allow)"
        )),
        AddrClass::Forbidden => Err(format!("address {ip} is link-local, metadata or reserved")),
    }
}

/// Classifies an address, looking through IPv4-mapped and NAT64 forms.
pub fn classify_ip(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return classify_v4(v4);
            }
            let seg = v6.segments();
            // NAT64 (64:ff9b::/96) and the old IPv4-compatible form carry an IPv4 address.
            let compatible = seg[..6].iter().all(|s| *s == 0) && !v6.is_loopback();
            if (seg[0] == 0x64 && seg[1] == 0xff9b) || compatible {
                let o = v6.octets();
                return classify_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            if v6.is_loopback() || (seg[0] & 0xfe00) == 0xfc00 {
                AddrClass::Private
            } else if v6.is_multicast()
                || (seg[0] & 0xffc0) == 0xfe80 // link local
                || (seg[0] & 0xffc0) == 0xfec0 // site local
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
            {
                AddrClass::Forbidden
            } else {
                AddrClass::Public
            }
        }
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let o = ip.octets();
    if ip.is_loopback() || ip.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
        AddrClass::Private
    } else if ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || o[0] == 0
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240
    {
        AddrClass::Forbidden
    } else {
        AddrClass::Public
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {reason}")]
struct BlockedAddress {
    host: String,
    reason: String,
}

/// Resolves host names and refuses any answer in a refused range, so a
/// DNS name cannot smuggle a request to loopback or the metadata service.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(reason) = addrs
                .iter()
                .find_map(|a| check_ip(a.ip(), allow_private).err())
            {
                let reason = reason.replacen("address ", "", 1);
                let err: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(BlockedAddress { host, reason });
                return Err(err);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_classified() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert_eq!(classify_ip(ip.parse().unwrap()), AddrClass::Private, "{ip}");
        }
        for ip in [
            "169.254.169.254",
            "0.0.0.0",
            "fe80::1",
            "64:ff9b::a9fe:a9fe",
            "::",
            "::ffff:169.254.169.254",
            "224.0.0.1",
            "255.255.255.255",
        ] {
            assert_eq!(
                classify_ip(ip.parse().unwrap()),
                AddrClass::Forbidden,
                "{ip}"
            );
        }
        for ip in ["95.56.1.1", "2a00:1450:4001::200e", "8.8.8.8"] {
            assert_eq!(classify_ip(ip.parse().unwrap()), AddrClass::Public, "{ip}");
        }
    }

    #[test]
    fn literal_private_urls_are_refused_unless_allowed() {
        let url = Url::parse("http://127.0.0.1:8080/rss").unwrap();
        assert!(
            check_url(&url, false)
                .unwrap_err()
                .contains("ALLOW_PRIVATE_SOURCES")
        );
        assert!(check_url(&url, true).is_ok());
        assert!(check_url(&Url::parse("http://[::1]/").unwrap(), false).is_err());
        assert!(check_url(&Url::parse("file:///etc/passwd").unwrap(), true).is_err());
        let metadata = Url::parse("http://169.254.169.254/latest/meta-data/").unwrap();
        assert!(
            check_url(&metadata, true).is_err(),
            "metadata is refused even when private is allowed"
        );
        assert!(
            check_url(
                &Url::parse("https://tengrinews.kz/news.rss").unwrap(),
                false
            )
            .is_ok()
        );
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
    }
}
