//! What every update passes before a handler: who sent it, bans, the
//! flood limiter, the language, the role and (in groups) admin rights.
//! A handler that fails is logged and answered with an apology.

use std::time::Instant;

use teloxide::payloads::AnswerCallbackQuerySetters;
use teloxide::prelude::Requester;
use teloxide::types::{CallbackQuery, ChatMemberUpdated, Me, Message, User};

use super::callback::Callback;
use super::commands::{self, Access, Invocation, ParseError};
use super::ctx::Ctx;
use super::flood::Verdict;
use super::views::esc;
use super::{BotDeps, BotError, BotT, HandlerResult, citizen, moderation, now, resolve_lang};
use crate::store::{Role, SubStatus};
use crate::text::Lang;

/// Telegram's stand-in sender for anonymous group admins.
const GROUP_ANONYMOUS_BOT: u64 = 1_087_968_824;

fn user_id_of(user: &User) -> i64 {
    i64::try_from(user.id.0).unwrap_or(i64::MAX)
}

/// The language for this chat: a group's setting, else the user's.
fn chat_lang(
    deps: &BotDeps,
    chat_id: i64,
    private: bool,
    stored: Option<&str>,
    user: &User,
) -> Lang {
    let user_lang = resolve_lang(stored, user.language_code.as_deref());
    if private {
        return user_lang;
    }
    match deps.store.call(|db| db.subscriber(chat_id)) {
        Ok(Some(sub)) => Lang::from_code(&sub.language).unwrap_or(user_lang),
        _ => user_lang,
    }
}

/// Every message: commands, free text, anything else.
pub(crate) async fn on_message(bot: BotT, msg: Message, me: Me, deps: BotDeps) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let private = msg.chat.is_private();
    let parsed = match msg.text().or(msg.caption()) {
        Some(text) => commands::parse(text, me.username()),
        None => Err(ParseError::NotACommand),
    };
    // In groups the bot speaks only when spoken to.
    let silent = match &parsed {
        Err(ParseError::OtherBot) => true,
        Err(ParseError::NotACommand)
        | Err(ParseError::Unknown {
            addressed: false, ..
        }) => !private,
        _ => false,
    };
    let anonymous_admin = user.id.0 == GROUP_ANONYMOUS_BOT
        && msg
            .sender_chat
            .as_ref()
            .is_some_and(|c| c.id == msg.chat.id);
    if silent || (user.is_bot && !anonymous_admin) {
        return Ok(());
    }
    let user_id = user_id_of(user);
    let stored = deps
        .store
        .call(|db| db.touch_user(user_id, Some(&user.full_name()), None, now()))?;
    if stored.banned {
        log::debug!("bot: ignoring banned user {user_id}");
        return Ok(());
    }
    let chat_id = msg.chat.id.0;
    let lang = chat_lang(&deps, chat_id, private, stored.language.as_deref(), user);
    match deps.flood.check(user_id, Instant::now()) {
        Verdict::Allow => {}
        Verdict::Drop => return Ok(()),
        Verdict::Warn => {
            super::send_html(&bot, chat_id, deps.texts.t(lang, "bot.flood"), None).await?;
            return Ok(());
        }
    }
    let ctx = Ctx {
        role: deps.role_of(user_id)?,
        bot,
        chat_id,
        private,
        chat_title: msg.chat.title().map(str::to_string),
        user_id,
        lang,
        anonymous_admin,
        reply_user: msg
            .reply_to_message()
            .and_then(|m| m.from.as_ref())
            .map(user_id_of),
        refused: Default::default(),
        deps,
    };
    let result = match parsed {
        Ok(inv) => run(&ctx, inv).await,
        Err(ParseError::Unknown { name, .. }) => ctx
            .say(ctx.fmt("bot.unknown_command", &[("command", &esc(&name))]))
            .await
            .map(drop),
        Err(ParseError::TooLong { cmd, max }) => ctx
            .say(ctx.fmt(
                "bot.too_long",
                &[("command", cmd.name()), ("max", &max.to_string())],
            ))
            .await
            .map(drop),
        Err(ParseError::NotACommand) | Err(ParseError::OtherBot) => {
            ctx.say(ctx.t("bot.free_text")).await.map(drop)
        }
    };
    if let Err(e) = &result {
        log::error!("bot: chat {chat_id}: {e}");
        let _ = ctx.say(ctx.t("bot.apology")).await;
    }
    result
}

/// Access checks, then the command.
async fn run(ctx: &Ctx, inv: Invocation) -> HandlerResult {
    let cmd = inv.cmd;
    match cmd.access() {
        Access::Moderator | Access::Owner => {
            let needed = if cmd.access() == Access::Owner {
                Role::Owner
            } else {
                Role::Moderator
            };
            if !ctx.allowed(needed, cmd.name(), None) {
                ctx.say(ctx.t(if needed == Role::Owner {
                    "bot.owners_only"
                } else {
                    "bot.moderators_only"
                }))
                .await?;
                return Ok(());
            }
            if !ctx.private {
                ctx.say(ctx.t("bot.private_only")).await?;
                return Ok(());
            }
            let args = short(&inv.args);
            let result = moderation::run(ctx, inv).await;
            // The outcome, not only the permission: refused and failed
            // commands are marked so.
            let refused = ctx.refused.lock().map(|r| r.clone()).unwrap_or_default();
            let (detail, ok) = match (&result, refused) {
                (Err(_), _) => (format!("{args} — failed"), false),
                (Ok(()), Some(key)) => (format!("{args} — refused: {key}"), false),
                (Ok(()), None) => (args, true),
            };
            ctx.audit(cmd.name(), None, Some(detail.trim_start()), ok);
            result
        }
        Access::Settings => {
            if !ctx.may_change_settings().await? {
                ctx.say(ctx.t("bot.admins_only")).await?;
                return Ok(());
            }
            citizen::run(ctx, inv).await
        }
        Access::Everyone => citizen::run(ctx, inv).await,
    }
}

/// At most 200 characters of arguments for the audit trail.
fn short(args: &str) -> String {
    args.chars().take(200).collect()
}

/// Every button press.
pub(crate) async fn on_callback(bot: BotT, q: CallbackQuery, deps: BotDeps) -> HandlerResult {
    let user_id = user_id_of(&q.from);
    // Read first, write nothing yet: a button of a chat that erased its
    // data must not bring any of it back.
    let known = deps.store.call(|db| db.user(user_id))?;
    if known.as_ref().is_some_and(|u| u.banned) {
        return Ok(());
    }
    let Some(msg) = q.regular_message() else {
        bot.answer_callback_query(q.id.clone()).await?;
        return Ok(());
    };
    let private = msg.chat.is_private();
    let chat_id = msg.chat.id.0;
    // In a private chat the user is the chat: checked before anything is
    // written. (In a group, after the admin check below: the group's data
    // is its subscription, the presser's own row is theirs.)
    if private
        && let Some(cb) = q.data.as_deref().and_then(Callback::decode)
        && cb.changes_settings()
        && erased(&deps, chat_id, private, known.is_some(), &cb)?
    {
        let lang = resolve_lang(None, q.from.language_code.as_deref());
        return answer_erased(&bot, &q, &deps, chat_id, lang).await;
    }
    let stored = deps
        .store
        .call(|db| db.touch_user(user_id, Some(&q.from.full_name()), None, now()))?;
    let lang = chat_lang(&deps, chat_id, private, stored.language.as_deref(), &q.from);
    match deps.flood.check(user_id, Instant::now()) {
        Verdict::Allow => {}
        Verdict::Drop => return Ok(()),
        Verdict::Warn => {
            bot.answer_callback_query(q.id.clone())
                .text(deps.texts.t(lang, "bot.flood"))
                .await?;
            return Ok(());
        }
    }
    let ctx = Ctx {
        role: deps.role_of(user_id)?,
        bot: bot.clone(),
        chat_id,
        private,
        chat_title: msg.chat.title().map(str::to_string),
        user_id,
        lang,
        anonymous_admin: false,
        reply_user: None,
        refused: Default::default(),
        deps,
    };
    let Some(cb) = q.data.as_deref().and_then(Callback::decode) else {
        log::warn!(
            "bot: malformed callback data from {user_id}: {:?}",
            q.data
                .as_deref()
                .map(|d| d.chars().take(80).collect::<String>())
        );
        bot.answer_callback_query(q.id.clone())
            .text(ctx.t("bot.callback_invalid"))
            .await?;
        return Ok(());
    };
    if cb.is_staff() {
        let target = match &cb {
            Callback::Broadcast { id, .. } => Some(format!("broadcast {id}")),
            Callback::HideArticle(id)
            | Callback::ArticleTopics(id)
            | Callback::ArticleTopic { id, .. } => Some(format!("article {id}")),
            _ => None,
        };
        if !ctx.allowed(Role::Moderator, cb.action(), target.as_deref()) {
            bot.answer_callback_query(q.id.clone())
                .text(ctx.t("bot.moderators_only"))
                .show_alert(true)
                .await?;
            return Ok(());
        }
    } else if cb.changes_settings() && !ctx.may_change_settings().await? {
        bot.answer_callback_query(q.id.clone())
            .text(ctx.t("bot.admins_only"))
            .await?;
        return Ok(());
    } else if !private && erased(&ctx.deps, chat_id, private, true, &cb)? {
        return answer_erased(&bot, &q, &ctx.deps, chat_id, ctx.lang).await;
    }
    let result = match &cb {
        Callback::Broadcast { id, confirm } => {
            moderation::on_broadcast_button(&ctx, msg.id, *id, *confirm).await
        }
        staff if staff.is_staff() => moderation::on_article_button(&ctx, msg.id, staff).await,
        other => citizen::on_button(&ctx, msg.id, other).await,
    };
    let answer = match &result {
        Ok(Some(text)) => bot.answer_callback_query(q.id.clone()).text(text.clone()),
        Ok(None) => bot.answer_callback_query(q.id.clone()),
        Err(e) => {
            log::error!("bot: callback in chat {chat_id}: {e}");
            bot.answer_callback_query(q.id.clone())
                .text(ctx.t("bot.apology"))
        }
    };
    if let Err(e) = answer.await {
        log::warn!("bot: answering a callback: {}", BotError::from(e));
    }
    result.map(drop)
}

/// "These buttons no longer work; send /start", as an alert.
async fn answer_erased(
    bot: &BotT,
    q: &CallbackQuery,
    deps: &BotDeps,
    chat_id: i64,
    lang: Lang,
) -> HandlerResult {
    log::debug!("bot: a button of chat {chat_id}, which has no subscription, was pressed");
    bot.answer_callback_query(q.id.clone())
        .text(deps.texts.t(lang, "bot.callback_start"))
        .show_alert(true)
        .await?;
    Ok(())
}

/// A settings button of a chat the bot keeps nothing about (it was erased
/// with `/delete_me`): every keyboard that changes settings is shown with
/// a subscription behind it, except the language one in a private chat,
/// which needs only the user known (they wrote to the bot).
fn erased(
    deps: &BotDeps,
    chat_id: i64,
    private: bool,
    user_known: bool,
    cb: &Callback,
) -> Result<bool, BotError> {
    if deps.store.call(|db| db.subscriber(chat_id))?.is_some() {
        return Ok(false);
    }
    Ok(!(private && user_known && matches!(cb, Callback::Language(_))))
}

/// The bot was blocked, kicked or let back in.
pub(crate) async fn on_my_chat_member(upd: ChatMemberUpdated, deps: BotDeps) -> HandlerResult {
    let chat_id = upd.chat.id.0;
    let Some(sub) = deps.store.call(|db| db.subscriber(chat_id))? else {
        return Ok(());
    };
    if !upd.new_chat_member.is_present() && sub.status != SubStatus::Blocked {
        log::info!("bot: chat {chat_id} removed or blocked the bot; subscription kept");
        deps.store
            .call(|db| db.set_subscriber_status(chat_id, SubStatus::Blocked, now()))?;
    }
    Ok(())
}
