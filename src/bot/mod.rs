//! The teloxide dispatcher people talk to: citizens' commands (`citizen`),
//! moderators' commands (`moderation`), inline keyboards ([`keyboards`])
//! with compact callback data ([`callback`]), the flood limiter
//! ([`flood`]) and the texts shown ([`views`]).
//!
//! Interactive replies go straight to Telegram through the bot; digests
//! and broadcasts go through the outbox, which `deliver` drains. Every
//! text comes from `data/i18n`, in HTML parse mode with everything escaped.
//! State lives in our own SQLite tables ([`Store`]).

pub mod callback;
mod citizen;
pub mod commands;
mod ctx;
pub mod flood;
mod gate;
pub mod keyboards;
mod moderation;
pub mod names;
mod preferences;
pub mod views;

use std::sync::{Arc, RwLock};

use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{Dispatcher, UpdateFilterExt, UpdateHandler};
use teloxide::dptree;
use teloxide::payloads::{SendMessageSetters, SetMyCommandsSetters};
use teloxide::prelude::{Requester, RequesterExt};
use teloxide::types::{
    BotCommand, BotCommandScope, ChatId, InlineKeyboardMarkup, LinkPreviewOptions, Message,
    ParseMode, Recipient, Update,
};
use tokio::sync::Notify;

use crate::config::Config;
use crate::i18n::Texts;
use crate::ingest::fetch::{FetchError, FetchSettings, Fetcher};
use crate::store::{Role, Store, StoreError};
use crate::summarize::Knowledge;
pub use crate::telegram::describe_telegram_error;
use crate::text::Lang;
use commands::{Access, SPECS};
use flood::FloodLimiter;

/// The bot as production and tests use it: numeric chat ids through the
/// Throttle adaptor.
pub type BotT = Throttle<teloxide::Bot>;

/// What a handler returns.
pub type HandlerResult = Result<(), BotError>;

/// The dispatcher type [`dispatcher`] builds.
pub type BotDispatcher = Dispatcher<BotT, BotError, teloxide::dispatching::DefaultKey>;

/// Follows one chat may have.
pub const DEFAULT_FOLLOW_CAP: usize = 10;
/// Stories per topic in a `/digest`.
pub const DIGEST_CAP: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("bot: {0}")]
    Store(#[from] StoreError),
    #[error("bot: telegram: {}", describe_telegram_error(.0))]
    Telegram(#[from] teloxide::RequestError),
    #[error("bot: {0}")]
    Fetch(#[from] FetchError),
}

/// Everything the handlers need, cheap to clone.
#[derive(Clone)]
pub struct BotDeps {
    pub store: Arc<Store>,
    pub kb: Arc<RwLock<Knowledge>>,
    pub texts: Arc<Texts>,
    pub config: Arc<Config>,
    /// Woken after anything is queued in the outbox.
    pub wake_sender: Arc<Notify>,
    pub flood: Arc<FloodLimiter>,
    /// For `/addsource`: the poller's politeness and SSRF guard.
    pub fetcher: Arc<Fetcher>,
    pub follow_cap: usize,
}

impl BotDeps {
    /// Builds the dependencies and makes the configured owners
    /// (`MODERATOR_IDS`) owners in the store; owners no longer configured
    /// become plain users.
    pub fn new(
        store: Arc<Store>,
        kb: Arc<RwLock<Knowledge>>,
        texts: Arc<Texts>,
        config: Arc<Config>,
        wake_sender: Arc<Notify>,
    ) -> Result<BotDeps, BotError> {
        let fetcher = Arc::new(Fetcher::new(FetchSettings::from(config.as_ref()))?);
        let deps = BotDeps {
            store,
            kb,
            texts,
            config,
            wake_sender,
            flood: Arc::new(FloodLimiter::default()),
            fetcher,
            follow_cap: DEFAULT_FOLLOW_CAP,
        };
        deps.sync_owners()?;
        Ok(deps)
    }

    /// Replaces the flood limiter (tests use a small bucket).
    pub fn with_flood(mut self, flood: FloodLimiter) -> BotDeps {
        self.flood = Arc::new(flood);
        self
    }

    fn sync_owners(&self) -> Result<(), StoreError> {
        let now = now();
        let owners: Vec<i64> = self
            .config
            .moderator_ids
            .iter()
            .filter_map(|id| i64::try_from(*id).ok())
            .collect();
        for u in self.store.call(|db| db.staff())? {
            if u.role == Role::Owner && !owners.contains(&u.user_id) {
                log::warn!(
                    "bot: user {} is no longer in MODERATOR_IDS; no longer an owner",
                    u.user_id
                );
                self.store
                    .call(|db| db.set_role(u.user_id, Role::User, now))?;
            }
        }
        for id in owners {
            self.store.call(|db| db.set_role(id, Role::Owner, now))?;
        }
        Ok(())
    }

    /// The role the store gives a user (owners from the config always win).
    pub(crate) fn role_of(&self, user_id: i64) -> Result<Role, StoreError> {
        if self
            .config
            .moderator_ids
            .iter()
            .any(|id| i64::try_from(*id).ok() == Some(user_id))
        {
            return Ok(Role::Owner);
        }
        Ok(self
            .store
            .call(|db| db.user(user_id))?
            .map_or(Role::User, |u| u.role))
    }
}

/// Telegram's own limits for the Throttle adaptor: 1 message per second to
/// any chat, 30 per second in all. Telegram's 20 per minute holds for
/// groups only; teloxide counts supergroups apart (`…_or_supergroup`), but
/// its per-minute count for other chats would hold private chats to 20 a
/// minute too, so it is left at what 1 per second allows. (A basic group
/// past 20 a minute gets a 429 with `retry_after`, which Throttle waits out.)
pub fn telegram_limits() -> Limits {
    Limits {
        messages_per_sec_chat: 1,
        messages_per_min_chat: 60,
        messages_per_min_channel_or_supergroup: 20,
        messages_per_sec_overall: 30,
    }
}

/// The bot with the Throttle adaptor.
pub fn throttled(bot: teloxide::Bot, limits: Limits) -> BotT {
    bot.throttle(limits)
}

/// Long polling as teloxide's `polling_default` does it (a webhook left
/// set is deleted first, 10 s long polls), but with failures logged
/// through [`describe_telegram_error`], never raw.
pub async fn polling(
    bot: BotT,
) -> impl teloxide::update_listeners::UpdateListener<Err = teloxide::RequestError> {
    match bot.get_webhook_info().await {
        Ok(info) if info.url.is_some() => {
            if let Err(e) = bot.delete_webhook().await {
                log::error!(
                    "bot: cannot delete the webhook: {}",
                    describe_telegram_error(&e)
                );
            }
        }
        Ok(_) => {}
        Err(e) => log::error!(
            "bot: cannot read the webhook info: {}",
            describe_telegram_error(&e)
        ),
    }
    teloxide::update_listeners::Polling::builder(bot)
        .timeout(std::time::Duration::from_secs(10))
        .build()
}

/// The update listener's error handler: teloxide's own logs the raw error
/// (an answer that repeats the request path holds the token).
pub fn listener_errors(
    what: &'static str,
) -> Arc<impl teloxide::error_handlers::ErrorHandler<teloxide::RequestError> + Send + Sync> {
    Arc::new(move |e: teloxide::RequestError| async move {
        log::error!("bot: {what}: {}", describe_telegram_error(&e));
    })
}

/// The whole handler tree: messages (commands, free text) and button
/// presses. Each branch gates bans and floods before anything else.
pub fn schema() -> UpdateHandler<BotError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(gate::on_message))
        .branch(Update::filter_callback_query().endpoint(gate::on_callback))
        .branch(Update::filter_my_chat_member().endpoint(gate::on_my_chat_member))
}

/// The dispatcher with our dependencies, a default handler and an error
/// handler that log and never crash.
pub fn dispatcher(bot: BotT, deps: BotDeps) -> BotDispatcher {
    Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![deps])
        .default_handler(|upd| async move {
            log::debug!("bot: update {} left unhandled", upd.id.0);
        })
        .error_handler(Arc::new(|e: BotError| async move {
            log::error!("bot: handler failed: {e}");
        }))
        .build()
}

/// The menu of commands for one role, in one language.
pub fn menu(texts: &Texts, lang: Lang, role: Role) -> Vec<BotCommand> {
    SPECS
        .iter()
        .filter(|s| match s.access {
            Access::Everyone | Access::Settings => true,
            Access::Moderator => role >= Role::Moderator,
            Access::Owner => role >= Role::Owner,
        })
        .map(|s| BotCommand::new(s.name, texts.t(lang, &format!("cmd.{}", s.name))))
        .collect()
}

/// setMyCommands: citizens' commands for each language (and by default in
/// Russian), and each moderator's own menu in a chat scope. Each scope is
/// set on its own: a failure (a moderator who never opened the bot: "chat
/// not found") is logged and the others are still set. Returns how many
/// failed.
pub async fn set_commands(bot: &BotT, deps: &BotDeps) -> usize {
    let mut failed = 0;
    let mut note = |what: &str, e: &BotError| {
        failed += 1;
        log::warn!("bot: could not set the command menu {what}: {e}");
    };
    if let Err(e) = bot
        .set_my_commands(menu(&deps.texts, Lang::Ru, Role::User))
        .await
    {
        note("by default", &e.into());
    }
    for lang in [Lang::Ru, Lang::Kk, Lang::En] {
        if let Err(e) = bot
            .set_my_commands(menu(&deps.texts, lang, Role::User))
            .language_code(lang.code())
            .await
        {
            note(&format!("in {}", lang.code()), &e.into());
        }
    }
    match deps.store.call(|db| db.staff()) {
        Ok(staff) => {
            for u in staff {
                if let Err(e) = set_staff_commands(bot, deps, u.user_id).await {
                    note(&format!("of user {}", u.user_id), &e);
                }
            }
        }
        Err(e) => note("of the moderators", &e.into()),
    }
    failed
}

/// A moderator's or owner's menu in a scope of their private chat: in
/// their chosen language, or (no choice yet) in each language so that
/// their Telegram language picks one. A plain user's scope is removed.
pub(crate) async fn set_staff_commands(bot: &BotT, deps: &BotDeps, user_id: i64) -> HandlerResult {
    use teloxide::payloads::DeleteMyCommandsSetters;
    let role = deps.role_of(user_id)?;
    let scope = BotCommandScope::Chat {
        chat_id: Recipient::Id(ChatId(user_id)),
    };
    let chosen = deps
        .store
        .call(|db| db.user(user_id))?
        .and_then(|u| u.language)
        .and_then(|l| Lang::from_code(&l));
    for lang in [Lang::Ru, Lang::Kk, Lang::En] {
        if role >= Role::Moderator && chosen.is_none() {
            bot.set_my_commands(menu(&deps.texts, lang, role))
                .scope(scope.clone())
                .language_code(lang.code())
                .await?;
        } else {
            bot.delete_my_commands()
                .scope(scope.clone())
                .language_code(lang.code())
                .await?;
        }
    }
    if role < Role::Moderator {
        bot.delete_my_commands().scope(scope).await?;
    } else {
        bot.set_my_commands(menu(&deps.texts, chosen.unwrap_or_default(), role))
            .scope(scope)
            .await?;
    }
    Ok(())
}

/// The bot's language for someone: their stored choice, else Telegram's
/// `language_code` (kk, ru, en; anything else is Russian).
pub fn resolve_lang(stored: Option<&str>, telegram: Option<&str>) -> Lang {
    if let Some(l) = stored.and_then(Lang::from_code) {
        return l;
    }
    match telegram
        .map(|c| {
            c.split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .as_deref()
    {
        Some("kk") => Lang::Kk,
        Some("en") => Lang::En,
        _ => Lang::Ru,
    }
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn no_preview() -> LinkPreviewOptions {
    crate::deliver::link_preview(true)
}

/// Sends HTML (already escaped) to a chat.
pub(crate) async fn send_html(
    bot: &BotT,
    chat_id: i64,
    html: impl Into<String>,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<Message, BotError> {
    let mut req = bot
        .send_message(ChatId(chat_id), html.into())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if let Some(k) = keyboard {
        req = req.reply_markup(k);
    }
    Ok(req.await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_owners_are_owners_and_former_ones_are_not() {
        let store = Arc::new(Store::open_in_memory().unwrap());
        store.set_role(5, Role::Owner, 0).unwrap();
        store.set_role(7, Role::Moderator, 0).unwrap();
        let config = Config {
            moderator_ids: vec![6],
            ..Config::default()
        };
        let deps = BotDeps::new(
            store.clone(),
            Arc::new(RwLock::new(Knowledge::embedded())),
            Arc::new(Texts::embedded()),
            Arc::new(config),
            Arc::new(Notify::new()),
        )
        .unwrap();
        assert_eq!(store.user(5).unwrap().unwrap().role, Role::User);
        assert_eq!(store.user(6).unwrap().unwrap().role, Role::Owner);
        assert_eq!(deps.role_of(7).unwrap(), Role::Moderator, "moderators stay");
        assert_eq!(deps.role_of(8).unwrap(), Role::User);
    }

    #[test]
    fn language_falls_back_from_choice_to_telegram_to_russian() {
        assert_eq!(resolve_lang(Some("en"), Some("kk")), Lang::En);
        assert_eq!(resolve_lang(None, Some("kk")), Lang::Kk);
        assert_eq!(resolve_lang(None, Some("en-US")), Lang::En);
        assert_eq!(resolve_lang(None, Some("de")), Lang::Ru);
        assert_eq!(resolve_lang(Some("xx"), None), Lang::Ru);
    }

    /// Every string of a TOML table, flattened.
    fn strings(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
            toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_text_is_valid_telegram_html() {
        let re = regex::Regex::new(r"<(/?)([a-z]+)[^>]*>").unwrap();
        for file in ["ru", "kk", "en"] {
            let path = format!("{}/data/i18n/{file}.toml", env!("CARGO_MANIFEST_DIR"));
            let doc: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let mut all = Vec::new();
            strings(&doc, &mut all);
            for s in all {
                let mut open = Vec::new();
                for c in re.captures_iter(&s) {
                    let tag = c[2].to_string();
                    assert!(
                        ["b", "i", "code", "a"].contains(&tag.as_str()),
                        "{file}: {s}"
                    );
                    if &c[1] == "/" {
                        assert_eq!(open.pop().as_deref(), Some(tag.as_str()), "{file}: {s}");
                    } else {
                        open.push(tag);
                    }
                }
                assert!(open.is_empty(), "{file}: unclosed in {s}");
                let bare = re.replace_all(&s, "");
                assert!(!bare.contains(['<', '>', '&']), "{file}: unescaped in {s}");
            }
        }
    }

    #[test]
    fn menus_differ_by_role_and_are_translated() {
        let texts = Texts::embedded();
        let user = menu(&texts, Lang::Kk, Role::User);
        let moder = menu(&texts, Lang::Kk, Role::Moderator);
        let owner = menu(&texts, Lang::Kk, Role::Owner);
        assert!(user.iter().all(|c| c.command != "stats"));
        assert!(moder.iter().any(|c| c.command == "stats"));
        assert!(moder.iter().all(|c| c.command != "addmod"));
        assert!(owner.iter().any(|c| c.command == "addmod"));
        for c in &owner {
            assert!(
                !c.description.starts_with("cmd.") && c.description.chars().count() <= 256,
                "{}: {}",
                c.command,
                c.description
            );
        }
        let ru = menu(&texts, Lang::Ru, Role::User);
        assert_ne!(ru[0].description, user[0].description);
    }
}
