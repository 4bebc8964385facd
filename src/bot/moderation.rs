//! Moderators' commands: sources, corrections, broadcasts, statistics,
//! bans, moderators and the audit trail. The gate has checked the role
//! (against the store) and audited the command before these run.

use teloxide::payloads::{EditMessageReplyMarkupSetters, EditMessageTextSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, MessageId, ParseMode};

use super::callback::Callback;
use super::commands::{Cmd, Invocation, resolve_list};
use super::ctx::Ctx;
use super::views::{self, esc};
use super::{BotError, HandlerResult, keyboards, now};
use crate::ingest::fetch::FetchError;
use crate::ingest::probe::{ProbeError, probe};
use crate::store::{NewMessage, OutKind, Role, StoreError, SubStatus};
use crate::text::Lang;

/// Audit lines `/audit` shows by default and at most.
const AUDIT_DEFAULT: usize = 20;
const AUDIT_MAX: usize = 100;

pub(crate) async fn run(ctx: &Ctx, inv: Invocation) -> HandlerResult {
    let args = inv.args.as_str();
    match inv.cmd {
        Cmd::Sources => {
            let list = ctx.deps.store.call(|db| db.list_sources())?;
            if list.is_empty() {
                ctx.say(ctx.t("bot.sources.empty")).await?;
                return Ok(());
            }
            ctx.say_all(views::sources(&ctx.deps.texts, ctx.lang, &list))
                .await
        }
        Cmd::AddSource => add_source(ctx, args).await,
        Cmd::Channel => super::preferences::channel(ctx, args).await,
        Cmd::PauseSource | Cmd::ResumeSource | Cmd::RemoveSource => {
            source_action(ctx, inv.cmd, args).await
        }
        Cmd::Hide | Cmd::Unhide => hide(ctx, inv.cmd == Cmd::Hide, args).await,
        Cmd::Retopic => retopic(ctx, args).await,
        Cmd::AddKeywords => add_keywords(ctx, args).await,
        Cmd::Broadcast => broadcast(ctx, args).await,
        Cmd::Stats => {
            let now = now();
            let stats = ctx
                .deps
                .store
                .call(|db| db.stats(views::local_midnight(now)))?;
            let parts = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                views::stats(&ctx.deps.texts, &kb, ctx.lang, &stats)
            };
            ctx.say_all(parts).await
        }
        Cmd::Ban | Cmd::Unban => ban(ctx, inv.cmd == Cmd::Ban, args).await,
        Cmd::Mods => {
            let staff = ctx.deps.store.call(|db| db.staff())?;
            let lines: Vec<String> = staff
                .iter()
                .map(|u| {
                    format!(
                        "<code>{}</code> {} — {}",
                        u.user_id,
                        esc(u.name.as_deref().unwrap_or("")),
                        ctx.t(if u.role == Role::Owner {
                            "bot.mods.owner"
                        } else {
                            "bot.mods.moderator"
                        })
                    )
                })
                .collect();
            ctx.say(format!(
                "{}\n{}",
                ctx.t("bot.mods.header"),
                lines.join("\n")
            ))
            .await?;
            Ok(())
        }
        Cmd::AddMod | Cmd::RemoveMod => set_moderator(ctx, inv.cmd == Cmd::AddMod, args).await,
        Cmd::Audit => {
            let n = if args.is_empty() {
                AUDIT_DEFAULT
            } else {
                match args.parse::<usize>() {
                    Ok(n) if (1..=AUDIT_MAX).contains(&n) => n,
                    _ => {
                        ctx.refuse("bot.audit.usage", &[("max", &AUDIT_MAX.to_string())])
                            .await?;
                        return Ok(());
                    }
                }
            };
            let entries = ctx.deps.store.call(|db| db.recent_audit(n))?;
            ctx.say_all(views::audit(&ctx.deps.texts, ctx.lang, &entries))
                .await
        }
        other => {
            log::error!("bot: {} reached the moderators' handler", other.name());
            Ok(())
        }
    }
}

async fn add_source(ctx: &Ctx, args: &str) -> HandlerResult {
    let mut words = args.splitn(2, char::is_whitespace);
    let url = words.next().unwrap_or("").trim();
    let name = words.next().map(str::trim).filter(|n| !n.is_empty());
    let valid = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    let Some(valid) = valid else {
        ctx.refuse("bot.addsource.usage", &[]).await?;
        return Ok(());
    };
    if ctx
        .deps
        .store
        .call(|db| db.find_source_by_url(valid.as_str()))?
        .is_some()
    {
        ctx.refuse("bot.addsource.exists", &[("url", &esc(valid.as_str()))])
            .await?;
        return Ok(());
    }
    let found = match probe(&ctx.deps.fetcher, valid.as_str(), name, None).await {
        Ok(s) => s,
        Err(ProbeError::Article { hint, .. }) => {
            ctx.refuse("bot.addsource.article", &[("hint", &esc(&hint))])
                .await?;
            return Ok(());
        }
        Err(e) => {
            log::info!("bot: /addsource {valid}: {e}");
            let error = probe_error_text(ctx, &e);
            ctx.refuse("bot.addsource.failed", &[("error", &error)])
                .await?;
            return Ok(());
        }
    };
    match ctx.deps.store.call(|db| db.add_source(&found, now())) {
        Ok(id) => {
            ctx.audit(
                "source_added",
                Some(&format!("source {id}")),
                Some(&found.url),
                true,
            );
            ctx.say(ctx.fmt(
                "bot.addsource.done",
                &[
                    ("id", &id.to_string()),
                    ("name", &esc(&found.name)),
                    ("kind", found.kind.as_str()),
                    ("url", &esc(&found.url)),
                ],
            ))
            .await?;
        }
        Err(StoreError::DuplicateSource(url)) => {
            ctx.refuse("bot.addsource.exists", &[("url", &esc(&url))])
                .await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// Why a URL could not be added, in the moderator's words ("the site does
/// not answer"), never the library's.
fn probe_error_text(ctx: &Ctx, e: &ProbeError) -> String {
    let fetch = match e {
        ProbeError::Fetch(f) => f,
        ProbeError::NotASource { .. } | ProbeError::Article { .. } => {
            return ctx.t("bot.fetch_error.not_source");
        }
    };
    match fetch {
        FetchError::Status { status, .. } => {
            ctx.fmt("bot.fetch_error.status", &[("status", &status.to_string())])
        }
        FetchError::Blocked { .. } => ctx.t("bot.fetch_error.blocked"),
        FetchError::TooLarge { .. } => ctx.t("bot.fetch_error.too_large"),
        FetchError::Timeout { .. } => ctx.t("bot.fetch_error.timeout"),
        FetchError::Redirect { .. } => ctx.t("bot.fetch_error.redirect"),
        FetchError::Network { .. } | FetchError::InvalidUrl { .. } => {
            ctx.t("bot.fetch_error.unreachable")
        }
    }
}

async fn source_action(ctx: &Ctx, cmd: Cmd, args: &str) -> HandlerResult {
    let Some(id) = args.trim_start_matches('#').parse::<i64>().ok() else {
        ctx.refuse("bot.source.usage", &[("command", cmd.name())])
            .await?;
        return Ok(());
    };
    let result = match cmd {
        Cmd::PauseSource => ctx
            .deps
            .store
            .call(|db| db.set_source_paused(id, true, Some("paused by a moderator"))),
        Cmd::ResumeSource => ctx
            .deps
            .store
            .call(|db| db.set_source_paused(id, false, None)),
        _ => ctx.deps.store.call(|db| db.remove_source(id)),
    };
    let key = match (result, cmd) {
        (Err(StoreError::NotFound { .. }), _) => "bot.source.not_found",
        (Err(e), _) => return Err(e.into()),
        (Ok(()), Cmd::PauseSource) => "bot.source.paused",
        (Ok(()), Cmd::ResumeSource) => "bot.source.resumed",
        (Ok(()), _) => "bot.source.removed",
    };
    if key == "bot.source.not_found" {
        ctx.refuse(key, &[("id", &id.to_string())]).await?;
        return Ok(());
    }
    ctx.say(ctx.fmt(key, &[("id", &id.to_string())])).await?;
    Ok(())
}

async fn hide(ctx: &Ctx, hidden: bool, args: &str) -> HandlerResult {
    if args.is_empty() {
        ctx.refuse("bot.hide.usage", &[]).await?;
        return Ok(());
    }
    let Some(id) = ctx.deps.store.call(|db| db.find_article(args))? else {
        ctx.refuse("bot.article.not_found", &[("article", &esc(args))])
            .await?;
        return Ok(());
    };
    ctx.deps
        .store
        .call(|db| db.set_article_hidden(id, hidden))?;
    let key = if hidden {
        "bot.hide.done"
    } else {
        "bot.hide.undone"
    };
    ctx.say(ctx.fmt(key, &[("id", &id.to_string())])).await?;
    Ok(())
}

async fn retopic(ctx: &Ctx, args: &str) -> HandlerResult {
    let mut words = args.splitn(2, char::is_whitespace);
    let reference = words.next().unwrap_or("");
    let rest = words.next().unwrap_or("").trim();
    if reference.is_empty() || rest.is_empty() {
        ctx.refuse("bot.retopic.usage", &[]).await?;
        return Ok(());
    }
    let Some(id) = ctx.deps.store.call(|db| db.find_article(reference))? else {
        ctx.refuse("bot.article.not_found", &[("article", &esc(reference))])
            .await?;
        return Ok(());
    };
    let (topics, unknown, names) = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        let names = super::names::Names::topics(&kb);
        let (ids, unknown) = resolve_list(rest, |q| names.resolve(q));
        let names: Vec<String> = ids
            .iter()
            .map(|id| esc(kb.topic_name(id, ctx.lang).unwrap_or(id)))
            .collect();
        let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
        (ids, unknown, names)
    };
    if !unknown.is_empty() || topics.is_empty() {
        let words = unknown
            .iter()
            .map(|w| esc(w))
            .collect::<Vec<_>>()
            .join(", ");
        ctx.refuse("bot.topics.unknown", &[("words", &words)])
            .await?;
        return Ok(());
    }
    ctx.deps.store.call(|db| db.correct_topics(id, &topics))?;
    ctx.say(ctx.fmt(
        "bot.retopic.done",
        &[("id", &id.to_string()), ("topics", &names.join(", "))],
    ))
    .await?;
    Ok(())
}

/// Keywords one `/addkeywords` may add, and their longest length.
const MAX_KEYWORDS: usize = 20;
const MAX_KEYWORD_CHARS: usize = 40;

/// A keyword in the data files' syntax: words, `*` for "any ending",
/// `=` for "this form only".
fn valid_keyword(k: &str) -> bool {
    let n = k.chars().count();
    (2..=MAX_KEYWORD_CHARS).contains(&n)
        && k.chars().any(char::is_alphabetic)
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '*' | '='))
}

/// `/addkeywords TOPIC ru|kk WORD, WORD…`: extends a topic without a
/// rebuild, in the store (kept across restarts) and in the running
/// summarizer.
async fn add_keywords(ctx: &Ctx, args: &str) -> HandlerResult {
    let mut words = args.splitn(3, char::is_whitespace);
    let (topic, lang, rest) = (
        words.next().unwrap_or(""),
        words.next().unwrap_or(""),
        words.next().unwrap_or("").trim(),
    );
    let topic = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        kb.resolve_topic(topic).map(str::to_string)
    };
    let lang = match lang.to_ascii_lowercase().as_str() {
        "ru" => Some(Lang::Ru),
        "kk" => Some(Lang::Kk),
        _ => None,
    };
    let keywords: Vec<String> = rest
        .split([',', ';', '\n'])
        .map(|k| {
            k.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|k| !k.is_empty())
        .collect();
    let (Some(topic), Some(lang)) = (topic, lang) else {
        ctx.refuse("bot.keywords.usage", &[]).await?;
        return Ok(());
    };
    if keywords.is_empty() || keywords.len() > MAX_KEYWORDS {
        ctx.refuse("bot.keywords.usage", &[]).await?;
        return Ok(());
    }
    if let Some(bad) = keywords.iter().find(|k| !valid_keyword(k)) {
        ctx.refuse("bot.keywords.bad", &[("word", &esc(bad))])
            .await?;
        return Ok(());
    }
    let added = ctx
        .deps
        .store
        .call(|db| db.add_topic_keywords(&topic, lang.code(), &keywords, ctx.user_id, now()))?;
    {
        let mut kb = ctx.deps.kb.write().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = kb.add_topic_keywords(&topic, lang, &keywords) {
            log::error!("bot: keywords for {topic}: {e}");
        }
    }
    let name = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        kb.topic_name(&topic, ctx.lang)
            .unwrap_or(&topic)
            .to_string()
    };
    ctx.say(ctx.fmt(
        "bot.keywords.done",
        &[("count", &added.to_string()), ("topic", &esc(&name))],
    ))
    .await?;
    Ok(())
}

/// Active subscribers a broadcast goes to: banned users' chats left out.
fn recipients(ctx: &Ctx) -> Result<Vec<i64>, BotError> {
    let banned = ctx.deps.store.call(|db| db.banned_user_ids())?;
    Ok(ctx
        .deps
        .store
        .call(|db| db.subscribers_with_status(SubStatus::Active))?
        .into_iter()
        .map(|s| s.chat_id)
        .filter(|c| !banned.contains(c))
        .collect())
}

/// The longest broadcast, in UTF-16 code units as Telegram counts a
/// message's length (an emoji is 2, a flag 4): what is left of Telegram's
/// 4096 for the preview's header and the 📢.
pub const MAX_BROADCAST_UNITS: usize = 3500;

async fn broadcast(ctx: &Ctx, text: &str) -> HandlerResult {
    if text.is_empty() {
        ctx.refuse("bot.broadcast.usage", &[]).await?;
        return Ok(());
    }
    let length = text.encode_utf16().count();
    if length > MAX_BROADCAST_UNITS {
        ctx.say(ctx.fmt(
            "bot.broadcast.too_long",
            &[
                ("length", &length.to_string()),
                ("max", &MAX_BROADCAST_UNITS.to_string()),
                ("over", &(length - MAX_BROADCAST_UNITS).to_string()),
            ],
        ))
        .await?;
        return Ok(());
    }
    let id = ctx
        .deps
        .store
        .call(|db| db.create_broadcast(ctx.user_id, text, now()))?;
    let count = recipients(ctx)?.len();
    let preview = format!(
        "{}\n\n{}",
        ctx.fmt("bot.broadcast.preview", &[("count", &count.to_string())]),
        broadcast_html(text)
    );
    ctx.say_kb(preview, keyboards::broadcast(&ctx.deps.texts, ctx.lang, id))
        .await?;
    Ok(())
}

fn broadcast_html(text: &str) -> String {
    format!("📢 {}", esc(text))
}

/// Confirm or cancel a broadcast draft (the gate has checked the role).
pub(crate) async fn on_broadcast_button(
    ctx: &Ctx,
    message: MessageId,
    id: i64,
    confirm: bool,
) -> Result<Option<String>, BotError> {
    let target = format!("broadcast {id}");
    let (_author, text, _status) = match ctx.deps.store.call(|db| db.broadcast(id)) {
        Ok(b) => b,
        Err(StoreError::NotFound { .. }) => {
            ctx.audit("broadcast", Some(&target), Some("no such broadcast"), false);
            return Ok(Some(ctx.t("bot.callback_invalid")));
        }
        Err(e) => return Err(e.into()),
    };
    if !confirm
        && !ctx
            .deps
            .store
            .call(|db| db.settle_broadcast(id, "cancelled"))?
    {
        return Ok(Some(ctx.t("bot.broadcast.already")));
    }
    let result_text = if confirm {
        let html: std::sync::Arc<str> = broadcast_html(&text).into();
        let batch = format!("broadcast-{id}");
        let messages: Vec<NewMessage> = recipients(ctx)?
            .into_iter()
            .map(|chat_id| NewMessage {
                chat_id,
                kind: OutKind::Broadcast,
                batch: batch.clone(),
                part: 0,
                text: html.clone(),
                disable_preview: true,
            })
            .collect();
        // Confirmed and queued at once: a crash cannot leave it confirmed
        // with no messages.
        let Some(queued) = ctx
            .deps
            .store
            .call(|db| db.queue_broadcast(id, &messages, now()))?
        else {
            return Ok(Some(ctx.t("bot.broadcast.already")));
        };
        ctx.deps.wake_sender.notify_one();
        ctx.audit(
            "broadcast_confirm",
            Some(&target),
            Some(&format!("{queued} recipients")),
            true,
        );
        log::info!("bot: broadcast {id} queued for {queued} chats");
        ctx.fmt("bot.broadcast.queued", &[("count", &queued.to_string())])
    } else {
        ctx.audit("broadcast_cancel", Some(&target), None, true);
        ctx.t("bot.broadcast.cancelled")
    };
    if let Err(e) = ctx
        .bot
        .edit_message_text(ChatId(ctx.chat_id), message, result_text.clone())
        .parse_mode(ParseMode::Html)
        .await
    {
        log::warn!("bot: editing a broadcast preview: {}", BotError::from(e));
    }
    Ok(Some(result_text))
}

/// A moderator's button under a story list: hide the story, open its
/// topics, toggle one of them (the gate has checked the role).
pub(crate) async fn on_article_button(
    ctx: &Ctx,
    message: MessageId,
    cb: &Callback,
) -> Result<Option<String>, BotError> {
    let (Callback::HideArticle(id)
    | Callback::ArticleTopics(id)
    | Callback::ArticleTopic { id, .. }) = cb
    else {
        return Ok(None);
    };
    let target = format!("article {id}");
    let article = match ctx.deps.store.call(|db| db.get_article(*id)) {
        Ok(a) => a,
        Err(StoreError::NotFound { .. }) => {
            ctx.audit(cb.action(), Some(&target), Some("no such article"), false);
            return Ok(Some(ctx.t("bot.moderate.gone")));
        }
        Err(e) => return Err(e.into()),
    };
    let title = esc(&crate::digest::render::shorten(&article.title, 120));
    match cb {
        Callback::HideArticle(_) => {
            ctx.deps.store.call(|db| db.set_article_hidden(*id, true))?;
            ctx.audit("hide", Some(&target), None, true);
            ctx.say(ctx.fmt("bot.moderate.hidden", &[("title", &title)]))
                .await?;
            Ok(Some(ctx.fmt("bot.hide.done", &[("id", &id.to_string())])))
        }
        Callback::ArticleTopics(_) => {
            let on = article_topic_ids(ctx, *id)?;
            let markup = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                keyboards::article_topics(&kb, ctx.lang, *id, &on)
            };
            ctx.say_kb(ctx.fmt("bot.moderate.topics", &[("title", &title)]), markup)
                .await?;
            Ok(None)
        }
        Callback::ArticleTopic { topic, .. } => {
            let known = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                kb.topic_name(topic, ctx.lang).map(str::to_string)
            };
            let Some(name) = known else {
                return Ok(Some(ctx.t("bot.callback_invalid")));
            };
            let mut on = article_topic_ids(ctx, *id)?;
            let now_on = if let Some(i) = on.iter().position(|t| t == topic) {
                if on.len() == 1 {
                    ctx.audit("retopic", Some(&target), Some("refused: last topic"), false);
                    return Ok(Some(ctx.t("bot.moderate.last_topic")));
                }
                on.remove(i);
                false
            } else {
                on.push(topic.clone());
                true
            };
            ctx.deps.store.call(|db| db.correct_topics(*id, &on))?;
            ctx.audit("retopic", Some(&target), Some(&on.join(",")), true);
            let markup = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                keyboards::article_topics(&kb, ctx.lang, *id, &on)
            };
            if let Err(e) = ctx
                .bot
                .edit_message_reply_markup(ChatId(ctx.chat_id), message)
                .reply_markup(markup)
                .await
            {
                log::warn!("bot: editing an article's topics: {}", BotError::from(e));
            }
            Ok(Some(keyboards::marked(&name, now_on)))
        }
        _ => Ok(None),
    }
}

fn article_topic_ids(ctx: &Ctx, id: i64) -> Result<Vec<String>, BotError> {
    Ok(ctx
        .deps
        .store
        .call(|db| db.article_topics(id))?
        .into_iter()
        .map(|(t, _, _)| t)
        .collect())
}

/// The user a command is about: a numeric id, or the author of the
/// message it replies to.
fn target_user(ctx: &Ctx, args: &str) -> Option<i64> {
    let arg = args.split_whitespace().next().unwrap_or("");
    if arg.is_empty() {
        return ctx.reply_user;
    }
    arg.parse::<i64>().ok().filter(|id| *id > 0)
}

async fn ban(ctx: &Ctx, banned: bool, args: &str) -> HandlerResult {
    let Some(target) = target_user(ctx, args) else {
        ctx.refuse("bot.ban.usage", &[]).await?;
        return Ok(());
    };
    let now = now();
    let role = ctx.deps.role_of(target)?;
    if banned && (role >= Role::Moderator || target == ctx.user_id) {
        ctx.refuse("bot.ban.staff", &[]).await?;
        return Ok(());
    }
    // A banned user gets nothing: their digests stop too, and what was
    // waiting for them is dropped; unbanning resumes what the ban paused.
    ctx.deps
        .store
        .call(|db| db.set_user_ban(target, banned, now))?;
    let key = if banned {
        "bot.ban.done"
    } else {
        "bot.ban.undone"
    };
    ctx.say(ctx.fmt(key, &[("user", &target.to_string())]))
        .await?;
    Ok(())
}

async fn set_moderator(ctx: &Ctx, add: bool, args: &str) -> HandlerResult {
    let Some(target) = target_user(ctx, args) else {
        ctx.refuse("bot.mods.usage", &[]).await?;
        return Ok(());
    };
    let user = target.to_string();
    if ctx.deps.role_of(target)? == Role::Owner {
        ctx.refuse("bot.mods.is_owner", &[("user", &user)]).await?;
        return Ok(());
    }
    let role = if add { Role::Moderator } else { Role::User };
    ctx.deps.store.call(|db| db.set_role(target, role, now()))?;
    if let Err(e) = super::set_staff_commands(&ctx.bot, &ctx.deps, target).await {
        log::warn!("bot: menu of {target}: {e}");
    }
    let key = if add {
        "bot.mods.added"
    } else {
        "bot.mods.removed"
    };
    ctx.say(ctx.fmt(key, &[("user", &user)])).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_follow_the_data_file_syntax() {
        assert!(valid_keyword("квантори*"));
        assert!(valid_keyword("=семее"));
        assert!(valid_keyword("ауыл аманаты"));
        assert!(!valid_keyword("a"));
        assert!(!valid_keyword("<script>"));
        assert!(!valid_keyword("**"));
        assert!(!valid_keyword(&"я".repeat(41)));
    }
}
