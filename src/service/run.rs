//! `run`: poller, digest scheduler, delivery, the dispatcher and metrics in
//! one tokio process, stopped gracefully on SIGTERM or Ctrl-C: polling
//! stops, sends in flight finish, the update offset is committed and
//! SQLite is closed cleanly. `demo` runs the same wiring against the
//! sandbox.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use teloxide::update_listeners::UpdateListener;
use tokio::sync::{Notify, watch};

use super::metrics::{self, Counters, MetricsState};
use super::poller::{PollError, SourceEvent};
use crate::bot::{self, BotDeps, BotError, BotT};
use crate::config::{Config, redact_tokens, register_secret};
use crate::deliver::{Pace, Sender};
use crate::digest::Digester;
use crate::i18n::Texts;
use crate::store::{NewMessage, OutKind, Store, StoreError};
use crate::summarize::Knowledge;
use crate::text::Lang;

/// How often the scheduler looks for due digests (instant ones arrive
/// within a minute).
pub const SCHEDULER_TICK: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(
        "run: TELOXIDE_TOKEN is not set. Get a token from @BotFather in Telegram (/newbot), \
         then `TELOXIDE_TOKEN=123:ABC civic-digest run`; or try `civic-digest demo`, which needs no token"
    )]
    NoToken,
    #[error(
        "run: Telegram refused the token (401 Unauthorized); check TELOXIDE_TOKEN with @BotFather"
    )]
    BadToken,
    #[error("run: {0}")]
    Store(#[from] StoreError),
    /// Another process polls and sends from this database.
    #[error("run: {0}")]
    AlreadyRunning(String),
    #[error(transparent)]
    Poll(#[from] PollError),
    #[error(transparent)]
    Bot(#[from] BotError),
    #[error("run: metrics: cannot listen on {addr}: {message}")]
    Metrics { addr: String, message: String },
}

/// The shared pieces of a running bot.
pub struct Service {
    pub config: Arc<Config>,
    pub store: Arc<Store>,
    pub kb: Arc<RwLock<Knowledge>>,
    pub texts: Arc<Texts>,
    pub wake_sender: Arc<Notify>,
    pub counters: Arc<Counters>,
    /// How often due digests are looked for.
    pub scheduler_tick: Duration,
    /// The sender's pace (tests that need not wait out Telegram's limits
    /// set a faster one).
    pub send_pace: Pace,
}

impl Service {
    /// Opens the database and loads the data files.
    pub fn open(config: Config) -> Result<Service, ServiceError> {
        if let Some(token) = &config.telegram_token {
            // From here on the token's value is redacted wherever it shows.
            register_secret(token);
        }
        let store = Arc::new(Store::open(&config.database_path)?);
        // One process polls and sends; a second `run` would send twice.
        store.call(|db| db.claim_writer()).map_err(|e| match e {
            StoreError::Locked(held) => ServiceError::AlreadyRunning(held.to_string()),
            other => ServiceError::Store(other),
        })?;
        let kb = Arc::new(RwLock::new(super::load_knowledge(&config, &store)));
        let texts = Arc::new(super::load_texts(&config));
        Ok(Service {
            config: Arc::new(config),
            store,
            kb,
            texts,
            wake_sender: Arc::new(Notify::new()),
            counters: Arc::new(Counters::default()),
            scheduler_tick: SCHEDULER_TICK,
            send_pace: Pace::default(),
        })
    }

    /// A Bot API client for the configured token and API URL.
    pub fn telegram(&self) -> Result<BotT, ServiceError> {
        let token = self
            .config
            .telegram_token
            .as_ref()
            .ok_or(ServiceError::NoToken)?;
        register_secret(token);
        let mut bot = teloxide::Bot::new(token.expose());
        if let Some(url) = &self.config.telegram_api_url {
            bot = bot.set_api_url(url.clone());
        }
        Ok(bot::throttled(bot, bot::telegram_limits()))
    }

    /// Queues a notice to every owner and moderator.
    fn notify_staff(&self, key: &str, args: &[(&str, &str)]) {
        let staff = match self.store.call(|db| db.staff()) {
            Ok(s) => s,
            Err(e) => return log::error!("run: cannot list moderators: {e}"),
        };
        let now = chrono::Utc::now().timestamp();
        let messages: Vec<NewMessage> = staff
            .iter()
            .filter(|u| !u.banned)
            .map(|u| {
                let lang = u
                    .language
                    .as_deref()
                    .and_then(Lang::from_code)
                    .unwrap_or_default();
                NewMessage {
                    chat_id: u.user_id,
                    kind: OutKind::Notice,
                    batch: format!("notice-{key}-{now}-{}", args.first().map_or("", |a| a.1)),
                    part: 0,
                    text: self.texts.fmt(lang, key, args).into(),
                    disable_preview: true,
                }
            })
            .collect();
        match self.store.call(|db| db.enqueue(&messages, now)) {
            Ok(_) => self.wake_sender.notify_one(),
            Err(e) => log::error!("run: cannot queue a notice for moderators: {e}"),
        }
    }

    /// Runs everything until `shutdown` turns true.
    pub async fn run(
        self: Arc<Self>,
        bot: BotT,
        shutdown: watch::Receiver<bool>,
    ) -> Result<(), ServiceError> {
        if !wait_for_telegram(&bot, shutdown.clone()).await? {
            return Ok(());
        }
        let store = self.store.clone();
        let deps = BotDeps::new(
            store.clone(),
            self.kb.clone(),
            self.texts.clone(),
            self.config.clone(),
            self.wake_sender.clone(),
        )?;

        // Poller: moderators hear when a source is paused and when it recovers.
        let events_service = self.clone();
        let poller = Arc::new(
            super::poller(store.clone(), &self.config, self.kb.clone())?.with_events(Box::new(
                move |event| {
                    let esc = |s: &str| crate::digest::render::escape(s);
                    match event {
                        SourceEvent::Paused {
                            source_id,
                            name,
                            failures,
                            reason,
                        } => events_service.notify_staff(
                            "notice.source_paused",
                            &[
                                ("id", &source_id.to_string()),
                                ("name", &esc(&name)),
                                ("failures", &failures.to_string()),
                                ("reason", &esc(&reason)),
                            ],
                        ),
                        SourceEvent::Recovered {
                            source_id,
                            name,
                            failures,
                        } => events_service.notify_staff(
                            "notice.source_recovered",
                            &[
                                ("id", &source_id.to_string()),
                                ("name", &esc(&name)),
                                ("failures", &failures.to_string()),
                            ],
                        ),
                    }
                },
            )),
        );

        // The sender paces itself; Throttle's bursts would trip Telegram.
        let sender = Arc::new(
            Sender::new(bot.inner().clone(), store.clone(), self.wake_sender.clone())
                .with_pace(self.send_pace),
        );
        let mut tasks = tokio::task::JoinSet::new();

        if let Some(addr) = self.config.metrics_addr {
            let listener =
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|e| ServiceError::Metrics {
                        addr: addr.to_string(),
                        message: e.to_string(),
                    })?;
            let ingest_poller = poller.clone();
            let state = MetricsState {
                store: store.clone(),
                counters: self.counters.clone(),
                send: sender.stats.clone(),
                ingest: Arc::new(move || ingest_poller.totals()),
            };
            log::info!("run: metrics on http://{addr}/metrics, health on /healthz");
            tasks.spawn(metrics::serve(listener, state, shutdown.clone()));
        }

        // Command menus in the background: polling does not wait for them,
        // and one that fails does not keep the others unset.
        let menu_bot = bot.clone();
        let menu_deps = deps.clone();
        let mut menu_rx = shutdown.clone();
        tasks.spawn(async move {
            tokio::select! {
                failed = bot::set_commands(&menu_bot, &menu_deps) => match failed {
                    0 => log::info!("run: command menus set"),
                    n => log::warn!("run: {n} command menus could not be set (see above)"),
                },
                _ = menu_rx.wait_for(|stop| *stop) => {}
            }
        });

        let poll_rx = shutdown.clone();
        let poll = poller.clone();
        tasks.spawn(async move { poll.run(poll_rx).await });

        let scheduler = self.clone();
        let sched_rx = shutdown.clone();
        tasks.spawn(async move { scheduler.schedule_digests(sched_rx).await });

        let send_rx = shutdown.clone();
        let send = sender.clone();
        tasks.spawn(async move { send.run(send_rx).await });

        // The dispatcher: long polling; stopped through its shutdown token,
        // which lets it confirm the last updates it handled. A signal that
        // comes before the dispatcher has started is held until it has (the
        // token refuses an idle dispatcher), or the dispatcher never stops.
        let dispatcher_bot = bot.clone();
        let mut dispatcher = bot::dispatcher(bot, deps);
        let token = dispatcher.shutdown_token();
        let dispatching_over = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let over = dispatching_over.clone();
        // The update listener's own stop, set once it exists: teloxide's
        // dispatcher can miss its shutdown token's wake-up (one that comes
        // while it handles an update, or before it first listens), so the
        // listener is stopped too; its stream then ends and the dispatcher
        // finishes the updates in hand and returns.
        let listener_stop: Arc<std::sync::Mutex<Option<teloxide::stop::StopToken>>> =
            Arc::default();
        let stop_slot = listener_stop.clone();
        let mut stop_rx = shutdown.clone();
        tasks.spawn(async move {
            use std::sync::atomic::Ordering::SeqCst;
            let _ = stop_rx.wait_for(|stop| *stop).await;
            log::info!("run: shutting down");
            while !over.load(SeqCst) {
                let stop = stop_slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(stop) = stop {
                    // Idle (not dispatching yet) is fine: the stopped
                    // listener ends the dispatching as soon as it starts.
                    let _ = token.shutdown();
                    stop.stop();
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        if *shutdown.borrow() {
            log::info!("run: stopped before the bot started");
        } else {
            match &self.config.webhook_url {
                None => {
                    let mut listener = bot::polling(dispatcher_bot).await;
                    *listener_stop.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(listener.stop_token());
                    log::info!("run: bot started (long polling)");
                    dispatcher
                        .dispatch_with_listener(listener, bot::listener_errors("getting updates"))
                        .await;
                }
                Some(url) => {
                    let mut options = teloxide::update_listeners::webhooks::Options::new(
                        self.config.webhook_addr,
                        url.clone(),
                    );
                    if let Some(secret) = &self.config.webhook_secret {
                        options = options.secret_token(secret.expose().to_string());
                    }
                    let mut listener =
                        teloxide::update_listeners::webhooks::axum(dispatcher_bot, options)
                            .await
                            .map_err(BotError::Telegram)?;
                    *listener_stop.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(listener.stop_token());
                    log::info!(
                        "run: bot started (webhook on {}, Telegram posts to {url})",
                        self.config.webhook_addr
                    );
                    dispatcher
                        .dispatch_with_listener(
                            listener,
                            // The webhook listener's errors are `Infallible`.
                            teloxide::error_handlers::IgnoringErrorHandlerSafe::new(),
                        )
                        .await;
                }
            }
        }
        dispatching_over.store(true, std::sync::atomic::Ordering::SeqCst);
        while let Some(result) = tasks.join_next().await {
            if let Err(e) = result {
                log::error!("run: a task failed: {}", redact_tokens(&e.to_string()));
            }
        }
        log::info!("run: stopped cleanly");
        Ok(())
    }

    /// Every tick: queue the digests that are due, wake the sender. One log
    /// line per run that queued anything.
    async fn schedule_digests(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        use std::sync::atomic::Ordering::Relaxed;
        // Hourly: delivered messages older than RETENTION_DAYS are forgotten.
        let mut last_prune = 0i64;
        loop {
            let now = chrono::Utc::now().timestamp();
            // A run over many subscribers is CPU and SQLite work: off the
            // async workers, so the dispatcher keeps answering.
            let service = self.clone();
            let prune = now - last_prune >= 3600;
            if prune {
                last_prune = now;
            }
            let result = tokio::task::spawn_blocking(move || {
                if prune {
                    let before = now - i64::from(service.config.retention_days) * 86_400;
                    match service.store.call(|db| db.prune_delivered(before)) {
                        Ok(n) if n > 0 => {
                            log::info!("digest: retention: forgot {n} delivered messages")
                        }
                        Ok(_) => {}
                        Err(e) => log::error!("digest: retention: {e}"),
                    }
                }
                let kb = service.kb.read().unwrap_or_else(|e| e.into_inner());
                let digester = Digester {
                    store: &service.store,
                    texts: &service.texts,
                    names: &*kb,
                    cap: 5,
                    max_age: service.config.max_article_age,
                };
                digester.run_due(now)
            })
            .await;
            match result
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()))
            {
                Ok(r) => {
                    self.counters.digest_runs.fetch_add(1, Relaxed);
                    if r.digests > 0 {
                        self.counters
                            .digests_queued
                            .fetch_add(r.digests as u64, Relaxed);
                        self.counters
                            .digest_messages_queued
                            .fetch_add(r.messages as u64, Relaxed);
                        log::info!(
                            "digest: run: {} due, {} digests, {} messages, {} empty",
                            r.due,
                            r.digests,
                            r.messages,
                            r.empty
                        );
                        self.wake_sender.notify_one();
                    }
                }
                Err(e) => log::error!("digest: run failed: {e}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.scheduler_tick) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                log::info!("digest: scheduler stopped");
                return;
            }
        }
    }
}

/// Waits until Telegram answers `getMe`, retrying with back-off while it is
/// unreachable. False when shutdown came first.
async fn wait_for_telegram(
    bot: &BotT,
    mut shutdown: watch::Receiver<bool>,
) -> Result<bool, ServiceError> {
    use teloxide::prelude::Requester;
    let mut wait = Duration::from_secs(1);
    loop {
        // A signal during the request itself stops the wait too.
        let answer = tokio::select! {
            answer = bot.get_me() => answer,
            _ = shutdown.wait_for(|stop| *stop) => return Ok(false),
        };
        match answer {
            Ok(me) => {
                log::info!("run: connected to Telegram as @{}", me.username());
                return Ok(true);
            }
            Err(teloxide::RequestError::Api(teloxide::ApiError::InvalidToken)) => {
                return Err(ServiceError::BadToken);
            }
            Err(e) => {
                let what = match &e {
                    teloxide::RequestError::Api(_) => {
                        format!(
                            "Telegram refused getMe: {}",
                            bot::describe_telegram_error(&e)
                        )
                    }
                    _ => bot::describe_telegram_error(&e),
                };
                log::warn!("run: {what}; trying again in {}s", wait.as_secs());
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return Ok(false);
        }
        wait = (wait * 2).min(Duration::from_secs(60));
    }
}

/// A shutdown signal that turns true on SIGTERM or Ctrl-C.
pub fn shutdown_on_signals() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(s) => s,
                    Err(e) => {
                        log::error!("run: cannot listen for SIGTERM: {e}");
                        let _ = tokio::signal::ctrl_c().await;
                        let _ = tx.send(true);
                        return;
                    }
                };
            tokio::select! {
                _ = term.recv() => log::info!("run: SIGTERM"),
                _ = tokio::signal::ctrl_c() => log::info!("run: Ctrl-C"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        let _ = tx.send(true);
    });
    rx
}
