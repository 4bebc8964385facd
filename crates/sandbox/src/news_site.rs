//! A local news site on 127.0.0.1: the routes are set by the caller (the
//! tests, or `demo` from `data/demo/`). Besides pages and feeds it can
//! misbehave on purpose: slow answers, 304s, 429s with Retry-After, a gzip
//! bomb, a body that stalls, a stream that never ends.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header};
use bytes::Bytes;
use tokio::net::TcpListener;

/// What one path answers.
#[derive(Clone, Debug)]
pub enum Route {
    /// A body with a status; with an ETag, a matching `If-None-Match` gets 304.
    Page {
        status: u16,
        content_type: String,
        body: Bytes,
        etag: Option<String>,
        headers: Vec<(String, String)>,
    },
    /// A redirect to another path or URL.
    Redirect { to: String },
    /// Waits, then answers as the inner route.
    Slow { delay: Duration, then: Box<Route> },
    /// A gzip body that inflates to `inflated` bytes of zeros.
    GzipBomb { inflated: usize },
    /// Sends the first bytes of a body, then never sends the rest.
    Stall { first: Bytes },
    /// A chunked body that never ends.
    Endless,
}

impl Route {
    pub fn html(body: impl Into<String>) -> Route {
        Route::page(200, "text/html; charset=utf-8", body.into())
    }
    pub fn rss(body: impl Into<String>) -> Route {
        Route::page(200, "application/rss+xml; charset=utf-8", body.into())
    }
    pub fn page(status: u16, content_type: &str, body: impl Into<Bytes>) -> Route {
        Route::Page {
            status,
            content_type: content_type.into(),
            body: body.into(),
            etag: None,
            headers: Vec::new(),
        }
    }
    /// The same route with an ETag (so conditional GETs get 304).
    pub fn with_etag(self, etag: &str) -> Route {
        match self {
            Route::Page {
                status,
                content_type,
                body,
                headers,
                ..
            } => Route::Page {
                status,
                content_type,
                body,
                etag: Some(etag.into()),
                headers,
            },
            other => other,
        }
    }
    /// The same route with one more response header.
    pub fn with_header(self, name: &str, value: &str) -> Route {
        match self {
            Route::Page {
                status,
                content_type,
                body,
                etag,
                mut headers,
            } => {
                headers.push((name.into(), value.into()));
                Route::Page {
                    status,
                    content_type,
                    body,
                    etag,
                    headers,
                }
            }
            other => other,
        }
    }
}

#[derive(Default)]
struct SiteState {
    routes: Mutex<HashMap<String, Route>>,
    hits: Mutex<HashMap<String, usize>>,
    bombs: Mutex<HashMap<usize, Bytes>>,
}

/// A running local news site. Dropping it stops the server.
pub struct NewsSite {
    addr: SocketAddr,
    state: Arc<SiteState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for NewsSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl NewsSite {
    /// Starts the site on `127.0.0.1:0`.
    pub async fn start() -> std::io::Result<NewsSite> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(SiteState::default());
        let app_state = state.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let state = app_state.clone();
            async move { answer(&state, &uri, &headers).await }
        });
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                log::error!("sandbox: news site stopped: {e}");
            }
        });
        Ok(NewsSite { addr, state, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of a path on this site.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sets what `path` (with its query, if any) answers.
    pub fn set(&self, path: &str, route: Route) {
        if let Route::GzipBomb { inflated } = route {
            // Compressed now, not while a client's timeout runs.
            gzip_zeros(&self.state, inflated);
        }
        self.state
            .routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), route);
    }

    /// How many requests `path` has had.
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

async fn answer(state: &SiteState, uri: &Uri, headers: &HeaderMap) -> Response<Body> {
    let key = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string());
    let route = {
        let routes = state.routes.lock().unwrap_or_else(|e| e.into_inner());
        routes.get(&key).or_else(|| routes.get(uri.path())).cloned()
    };
    *state
        .hits
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(uri.path().to_string())
        .or_default() += 1;
    let Some(mut route) = route else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    loop {
        match route {
            Route::Slow { delay, then } => {
                tokio::time::sleep(delay).await;
                route = *then;
            }
            Route::Page {
                status,
                content_type,
                body,
                etag,
                headers: extra,
            } => {
                let not_modified = etag.as_deref().is_some_and(|e| {
                    headers
                        .get(header::IF_NONE_MATCH)
                        .and_then(|v| v.to_str().ok())
                        == Some(e)
                });
                let mut resp = if not_modified {
                    let mut r = Response::new(Body::empty());
                    *r.status_mut() = StatusCode::NOT_MODIFIED;
                    r
                } else {
                    let mut r = Response::new(Body::from(body));
                    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                    if let Ok(v) = HeaderValue::from_str(&content_type) {
                        r.headers_mut().insert(header::CONTENT_TYPE, v);
                    }
                    r
                };
                if let Some(v) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
                    resp.headers_mut().insert(header::ETAG, v);
                }
                for (k, v) in extra {
                    if let (Ok(k), Ok(v)) = (
                        header::HeaderName::from_bytes(k.as_bytes()),
                        HeaderValue::from_str(&v),
                    ) {
                        resp.headers_mut().insert(k, v);
                    }
                }
                return resp;
            }
            Route::Redirect { to } => {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::FOUND;
                if let Ok(v) = HeaderValue::from_str(&to) {
                    r.headers_mut().insert(header::LOCATION, v);
                }
                return r;
            }
            Route::GzipBomb { inflated } => {
                let body = gzip_zeros(state, inflated);
                let mut r = Response::new(Body::from(body));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                return r;
            }
            Route::Stall { first } => {
                let stream =
                    futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
                        .chain(futures_util::stream::pending());
                return stream_response(Body::from_stream(stream));
            }
            Route::Endless => {
                let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
                let stream = futures_util::stream::repeat_with(move || {
                    Ok::<_, std::io::Error>(chunk.clone())
                });
                return stream_response(Body::from_stream(stream));
            }
        }
    }
}

use futures_util::StreamExt;

fn stream_response(body: Body) -> Response<Body> {
    let mut r = Response::new(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r
}

fn gzip_zeros(state: &SiteState, inflated: usize) -> Bytes {
    let mut bombs = state.bombs.lock().unwrap_or_else(|e| e.into_inner());
    bombs
        .entry(inflated)
        .or_insert_with(|| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let zeros = vec![0u8; 1 << 20];
            let mut left = inflated;
            while left > 0 {
                let n = left.min(zeros.len());
                if enc.write_all(&zeros[..n]).is_err() {
                    break;
                }
                left -= n;
            }
            Bytes::from(enc.finish().unwrap_or_default())
        })
        .clone()
}

/// A site described by a `site.toml` (see `data/demo/site.toml`): its
/// routes are files in the same directory, its sources name `{base}`.
#[derive(serde::Deserialize)]
struct SiteFile {
    #[serde(default)]
    route: Vec<RouteEntry>,
}

#[derive(serde::Deserialize)]
struct RouteEntry {
    path: String,
    file: String,
    content_type: String,
}

impl NewsSite {
    /// Starts a site serving `dir/site.toml`'s routes, and returns it with
    /// the text of that `site.toml`, `{base}` replaced by the site's URL (its
    /// `[[source]]` tables are for the caller to read).
    pub async fn serve_dir(dir: &std::path::Path) -> Result<(NewsSite, String), String> {
        NewsSite::serve_files(|name| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| format!("sandbox: {}: {e}", path.display()))
        })
        .await
    }

    /// [`NewsSite::serve_dir`] over any file reader (`read("site.toml")`,
    /// then each route's file).
    pub async fn serve_files(
        read: impl Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<(NewsSite, String), String> {
        let text = String::from_utf8(read("site.toml")?)
            .map_err(|_| "sandbox: site.toml is not UTF-8".to_string())?;
        let file: SiteFile =
            toml::from_str(&text).map_err(|e| format!("sandbox: site.toml: {e}"))?;
        let site = NewsSite::start()
            .await
            .map_err(|e| format!("sandbox: cannot start the news site: {e}"))?;
        for r in file.route {
            site.set(&r.path, Route::page(200, &r.content_type, read(&r.file)?));
        }
        let base = format!("http://{}", site.addr());
        Ok((site, text.replace("{base}", &base)))
    }
}
