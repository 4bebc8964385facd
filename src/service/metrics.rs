//! `/healthz` and Prometheus `/metrics`, served by `run` where
//! `METRICS_ADDR` says. The entry point takes a listener and a shutdown
//! signal, so tests bind `127.0.0.1:0`.

use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use tokio::net::TcpListener;

use super::poller::IngestReport;
use crate::deliver::SendStats;
use crate::store::Store;

/// Counters the loops of `run` keep.
#[derive(Debug, Default)]
pub struct Counters {
    pub digests_queued: AtomicU64,
    pub digest_messages_queued: AtomicU64,
    pub digest_runs: AtomicU64,
}

/// What `/metrics` reads.
#[derive(Clone)]
pub struct MetricsState {
    pub store: Arc<Store>,
    pub counters: Arc<Counters>,
    pub send: Arc<SendStats>,
    pub ingest: Arc<dyn Fn() -> (IngestReport, Option<i64>) + Send + Sync>,
}

/// Serves until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    state: MetricsState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let health_store = state.store.clone();
    let app = axum::Router::new()
        .route(
            "/healthz",
            axum::routing::get(move || {
                let store = health_store.clone();
                async move {
                    match store.call(|db| db.schema_version()) {
                        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
                        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}\n"))
                            .into_response(),
                    }
                }
            }),
        )
        .route(
            "/metrics",
            axum::routing::get(move || {
                let state = state.clone();
                async move {
                    match render(&state) {
                        Ok(body) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
                            .into_response(),
                        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("metrics: {e}\n"))
                            .into_response(),
                    }
                }
            }),
        );
    let stop = async move {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                break;
            }
        }
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
    {
        log::error!("metrics: server stopped: {e}");
    }
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(&str, f64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

/// The Prometheus text exposition.
pub fn render(state: &MetricsState) -> Result<String, crate::store::StoreError> {
    let sources = state.store.call(|db| db.list_sources())?;
    let paused = sources.iter().filter(|s| s.paused).count() as f64;
    let failing = sources
        .iter()
        .filter(|s| !s.paused && s.error_count > 0)
        .count() as f64;
    let up = sources.len() as f64 - paused - failing;
    let (pending, sending, sent, failed, dropped) = state.store.call(|db| db.outbox_counts())?;
    let (ingest, last_poll) = (state.ingest)();
    let c = &state.counters;
    let mut out = String::new();
    metric(
        &mut out,
        "civic_sources",
        "gauge",
        "Sources by health.",
        &[
            ("state=\"up\"", up),
            ("state=\"failing\"", failing),
            ("state=\"paused\"", paused),
        ],
    );
    metric(
        &mut out,
        "civic_articles_stored",
        "gauge",
        "Articles in the database.",
        &[("", state.store.call(|db| db.count_articles())? as f64)],
    );
    metric(
        &mut out,
        "civic_articles_ingested_total",
        "counter",
        "Articles stored since start.",
        &[
            ("kind=\"new\"", ingest.new_articles as f64),
            ("kind=\"syndicated\"", ingest.syndicated as f64),
        ],
    );
    metric(
        &mut out,
        "civic_ingest_duplicates_total",
        "counter",
        "Items dropped as duplicates since start.",
        &[("", ingest.duplicates as f64)],
    );
    metric(
        &mut out,
        "civic_ingest_errors_total",
        "counter",
        "Poll and article errors since start.",
        &[("", ingest.errors as f64)],
    );
    metric(
        &mut out,
        "civic_last_successful_poll_timestamp_seconds",
        "gauge",
        "When a source was last polled successfully.",
        &[("", last_poll.unwrap_or(0) as f64)],
    );
    metric(
        &mut out,
        "civic_digests_queued_total",
        "counter",
        "Digests queued since start.",
        &[("", c.digests_queued.load(Ordering::Relaxed) as f64)],
    );
    metric(
        &mut out,
        "civic_messages_sent_total",
        "counter",
        "Messages Telegram accepted since start.",
        &[("", state.send.sent.load(Ordering::Relaxed) as f64)],
    );
    metric(
        &mut out,
        "civic_telegram_429_total",
        "counter",
        "429 Too Many Requests answers since start.",
        &[("", state.send.rate_limited.load(Ordering::Relaxed) as f64)],
    );
    metric(
        &mut out,
        "civic_send_failures_total",
        "counter",
        "Messages given up since start.",
        &[("", state.send.failed.load(Ordering::Relaxed) as f64)],
    );
    metric(
        &mut out,
        "civic_outbox",
        "gauge",
        "Outbox messages by status.",
        &[
            ("status=\"pending\"", pending as f64),
            ("status=\"sending\"", sending as f64),
            ("status=\"sent\"", sent as f64),
            ("status=\"failed\"", failed as f64),
            ("status=\"dropped\"", dropped as f64),
        ],
    );
    metric(
        &mut out,
        "civic_outbox_depth",
        "gauge",
        "Messages waiting to be sent.",
        &[("", (pending + sending) as f64)],
    );
    Ok(out)
}
