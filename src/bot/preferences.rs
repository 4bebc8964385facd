//! What users of other news bots expect: muted sources (`/mute`,
//! `/unmute`), excluded words (`/exclude`, `/include`), quiet hours
//! (`/quiet 22-07`), the digest layout (a `/settings` button), the "more"
//! button of a long digest, and channels a moderator binds (`/channel`).
//! The filters themselves live in `digest::select`, so every digest and
//! the CLI obey them.

use teloxide::RequestError;
use teloxide::payloads::EditMessageReplyMarkupSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, Recipient};

use super::callback::Callback;
use super::commands::{Cmd, clean_phrase, resolve_list};
use super::ctx::Ctx;
use super::names::{Lookup, Names};
use super::views::{self, esc};
use super::{BotError, HandlerResult, keyboards, now};
use crate::store::{ChatKind, PageTake, Quiet, Source, SubStatus};

/// Excluded words one chat may have.
const EXCLUDE_CAP: usize = 20;
/// The shortest excluded word, in characters.
const MIN_EXCLUDE_CHARS: usize = 3;

pub(crate) async fn run(ctx: &Ctx, cmd: Cmd, args: &str) -> HandlerResult {
    match cmd {
        Cmd::Mute => mute(ctx, args).await,
        Cmd::Unmute => unmute(ctx, args).await,
        Cmd::Exclude => exclude(ctx, args).await,
        Cmd::Include => include(ctx, args).await,
        Cmd::Quiet => quiet(ctx, args).await,
        other => {
            log::error!("bot: {} reached the preferences handler", other.name());
            Ok(())
        }
    }
}

fn is_all(args: &str) -> bool {
    matches!(
        args.trim().to_lowercase().as_str(),
        "all" | "все" | "всё" | "барлығы" | "бәрі" | "*"
    )
}

fn is_off(args: &str) -> bool {
    matches!(
        args.trim().to_lowercase().as_str(),
        "off" | "выкл" | "нет" | "өшіру" | "жоқ" | "none"
    )
}

/// The source a person named: its row, or the names to suggest. Names
/// match as topics do (any case, a start of a word), and then across
/// scripts («литер» is Liter.kz).
fn find_source<'s>(sources: &'s [Source], typed: &str) -> Result<&'s Source, Vec<String>> {
    let rows = Names::source_rows(sources);
    let names = Names::sources(&rows);
    let by_id = |id: &str| sources.iter().find(|s| s.id.to_string() == id);
    let suggest = match names.lookup(typed) {
        Lookup::Found(id) => return by_id(id).ok_or_else(Vec::new),
        Lookup::Suggest(ids) => ids,
    };
    let skeleton = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .map(crate::text::cross_script::name_skeleton)
            .filter(|w| !w.is_empty())
            .collect()
    };
    let wanted = skeleton(typed).concat();
    if wanted.chars().count() >= 3 {
        let hits: Vec<&Source> = sources
            .iter()
            .filter(|s| skeleton(&s.name).iter().any(|w| w.starts_with(&wanted)))
            .collect();
        if let [one] = hits[..] {
            return Ok(one);
        }
    }
    Err(suggest
        .into_iter()
        .filter_map(by_id)
        .map(|s| s.name.clone())
        .collect())
}

fn names_list(names: &[String]) -> String {
    names.iter().map(|n| esc(n)).collect::<Vec<_>>().join(", ")
}

async fn mute(ctx: &Ctx, args: &str) -> HandlerResult {
    let typed = clean_phrase(args);
    if typed.is_empty() {
        let muted = ctx
            .existing_subscriber()?
            .map(|s| s.muted.into_iter().map(|m| m.name).collect::<Vec<_>>())
            .unwrap_or_default();
        let mut text = ctx.t("bot.mute.usage");
        if !muted.is_empty() {
            text = format!(
                "{}\n\n{text}",
                ctx.fmt("bot.mute.list", &[("sources", &names_list(&muted))])
            );
        }
        ctx.say(text).await?;
        return Ok(());
    }
    let sources = ctx.deps.store.call(|db| db.list_sources())?;
    match find_source(&sources, &typed) {
        Ok(source) => {
            ctx.subscriber()?;
            ctx.deps
                .store
                .call(|db| db.mute_source(ctx.chat_id, source.id))?;
            ctx.say(ctx.fmt("bot.mute.done", &[("source", &esc(&source.name))]))
                .await?;
        }
        Err(suggest) => {
            let known: Vec<String> = if suggest.is_empty() {
                sources.iter().map(|s| s.name.clone()).take(12).collect()
            } else {
                suggest
            };
            ctx.say(ctx.fmt(
                "bot.mute.unknown",
                &[("typed", &esc(&typed)), ("sources", &names_list(&known))],
            ))
            .await?;
        }
    }
    Ok(())
}

async fn unmute(ctx: &Ctx, args: &str) -> HandlerResult {
    let typed = clean_phrase(args);
    let Some(sub) = ctx.existing_subscriber()? else {
        ctx.say(ctx.t("bot.unmute.none")).await?;
        return Ok(());
    };
    if is_all(&typed) {
        ctx.deps
            .store
            .call(|db| db.unmute_source(ctx.chat_id, None))?;
        ctx.say(ctx.t("bot.unmute.all")).await?;
        return Ok(());
    }
    if sub.muted.is_empty() {
        ctx.say(ctx.t("bot.unmute.none")).await?;
        return Ok(());
    }
    let muted: Vec<String> = sub.muted.iter().map(|m| m.name.clone()).collect();
    if typed.is_empty() {
        ctx.say(ctx.fmt("bot.unmute.usage", &[("sources", &names_list(&muted))]))
            .await?;
        return Ok(());
    }
    // Among the muted sources only: "liter" names the one muted.
    let sources: Vec<Source> = ctx
        .deps
        .store
        .call(|db| db.list_sources())?
        .into_iter()
        .filter(|s| sub.muted.iter().any(|m| m.source_id == s.id))
        .collect();
    match find_source(&sources, &typed) {
        Ok(source) => {
            ctx.deps
                .store
                .call(|db| db.unmute_source(ctx.chat_id, Some(source.id)))?;
            ctx.say(ctx.fmt("bot.unmute.done", &[("source", &esc(&source.name))]))
                .await?;
        }
        Err(_) => {
            ctx.say(ctx.fmt(
                "bot.unmute.unknown",
                &[("typed", &esc(&typed)), ("sources", &names_list(&muted))],
            ))
            .await?;
        }
    }
    Ok(())
}

async fn exclude(ctx: &Ctx, args: &str) -> HandlerResult {
    let phrase = clean_phrase(args);
    if phrase.is_empty() {
        let list = ctx
            .existing_subscriber()?
            .map(|s| s.excludes)
            .unwrap_or_default();
        let mut text = ctx.t("bot.exclude.usage");
        if !list.is_empty() {
            text = format!(
                "{}\n\n{text}",
                ctx.fmt("bot.exclude.list", &[("words", &names_list(&list))])
            );
        }
        ctx.say(text).await?;
        return Ok(());
    }
    if phrase.chars().filter(|c| c.is_alphanumeric()).count() < MIN_EXCLUDE_CHARS {
        ctx.say(ctx.t("bot.exclude.too_short")).await?;
        return Ok(());
    }
    ctx.subscriber()?;
    if !ctx
        .deps
        .store
        .call(|db| db.add_exclude(ctx.chat_id, &phrase, EXCLUDE_CAP))?
    {
        ctx.say(ctx.fmt("bot.exclude.cap", &[("max", &EXCLUDE_CAP.to_string())]))
            .await?;
        return Ok(());
    }
    ctx.say(ctx.fmt("bot.exclude.done", &[("word", &esc(&phrase))]))
        .await?;
    Ok(())
}

async fn include(ctx: &Ctx, args: &str) -> HandlerResult {
    let phrase = clean_phrase(args);
    if phrase.is_empty() {
        ctx.say(ctx.t("bot.include.usage")).await?;
        return Ok(());
    }
    if ctx.existing_subscriber()?.is_none() {
        ctx.say(ctx.fmt("bot.include.missing", &[("word", &esc(&phrase))]))
            .await?;
        return Ok(());
    }
    if is_all(&phrase) {
        ctx.deps
            .store
            .call(|db| db.remove_exclude(ctx.chat_id, None))?;
        ctx.say(ctx.t("bot.include.all")).await?;
        return Ok(());
    }
    let key = if ctx
        .deps
        .store
        .call(|db| db.remove_exclude(ctx.chat_id, Some(&phrase)))?
        > 0
    {
        "bot.include.done"
    } else {
        "bot.include.missing"
    };
    ctx.say(ctx.fmt(key, &[("word", &esc(&phrase))])).await?;
    Ok(())
}

/// `22`, `22:30`, `7.00` as minutes after midnight.
fn parse_clock(s: &str) -> Option<u16> {
    let s = s.trim();
    let (h, m) = match s.split_once([':', '.']) {
        Some((h, m)) => (h, m),
        None => (s, "0"),
    };
    let h: u16 = h.trim().parse().ok().filter(|h| *h < 24)?;
    let m: u16 = m.trim().parse().ok().filter(|m| *m < 60)?;
    Some(h * 60 + m)
}

/// `22-07`, `22:30–7:00`: the quiet hours.
pub fn parse_quiet(args: &str) -> Option<Quiet> {
    let (from, to) = args.split_once(['-', '–', '—'])?;
    let (from, to) = (parse_clock(from)?, parse_clock(to)?);
    (from != to).then_some(Quiet { from, to })
}

async fn quiet(ctx: &Ctx, args: &str) -> HandlerResult {
    let args = args.trim();
    if args.is_empty() {
        let sub = ctx.existing_subscriber()?;
        let text = match sub.as_ref().and_then(|s| s.quiet.map(|q| (s, q))) {
            Some((s, q)) => format!(
                "{}\n\n{}",
                quiet_range(ctx, q, &s.timezone),
                ctx.t("bot.quiet.usage")
            ),
            None => ctx.t("bot.quiet.usage"),
        };
        ctx.say(text).await?;
        return Ok(());
    }
    if is_off(args) {
        if ctx.existing_subscriber()?.is_some() {
            ctx.deps
                .store
                .call(|db| db.set_quiet(ctx.chat_id, None, now()))?;
        }
        ctx.say(ctx.t("bot.quiet.off")).await?;
        return Ok(());
    }
    let Some(q) = parse_quiet(args) else {
        ctx.say(ctx.fmt("bot.quiet.bad", &[("value", &esc(args))]))
            .await?;
        return Ok(());
    };
    let sub = ctx.subscriber()?;
    ctx.deps
        .store
        .call(|db| db.set_quiet(ctx.chat_id, Some(q), now()))?;
    ctx.say(ctx.fmt(
        "bot.quiet.done",
        &[("range", &quiet_range(ctx, q, &sub.timezone))],
    ))
    .await?;
    Ok(())
}

fn quiet_range(ctx: &Ctx, q: Quiet, tz: &str) -> String {
    ctx.fmt(
        "bot.quiet.range",
        &[
            ("from", &views::clock(q.from)),
            ("to", &views::clock(q.to)),
            (
                "timezone",
                &esc(&views::timezone_name(&ctx.deps.texts, ctx.lang, tz)),
            ),
        ],
    )
}

/// The layout buttons and the "more" button of a digest.
pub(crate) async fn on_button(
    ctx: &Ctx,
    message: MessageId,
    cb: &Callback,
) -> Result<Option<String>, BotError> {
    match cb {
        Callback::Layout(layout) => {
            ctx.subscriber()?;
            ctx.deps
                .store
                .call(|db| db.set_layout(ctx.chat_id, *layout, now()))?;
            set_keyboard(
                ctx,
                message,
                keyboards::layout(&ctx.deps.texts, ctx.lang, *layout),
            )
            .await;
            Ok(Some(ctx.t(&format!("bot.layout.set_{}", layout.as_str()))))
        }
        Callback::MorePage(id) => {
            match ctx
                .deps
                .store
                .call(|db| db.take_digest_page(ctx.chat_id, *id, now()))?
            {
                PageTake::Queued => {
                    ctx.deps.wake_sender.notify_one();
                    // The button has done its work: it leaves the message.
                    set_keyboard(ctx, message, InlineKeyboardMarkup::default()).await;
                    Ok(None)
                }
                PageTake::AlreadySent => Ok(Some(ctx.t("bot.more.already"))),
                PageTake::Expired => Ok(Some(ctx.t("bot.more.expired"))),
            }
        }
        _ => Ok(None),
    }
}

async fn set_keyboard(ctx: &Ctx, message: MessageId, markup: InlineKeyboardMarkup) {
    if let Err(e) = ctx
        .bot
        .edit_message_reply_markup(ChatId(ctx.chat_id), message)
        .reply_markup(markup)
        .await
    {
        log::warn!("bot: editing a keyboard: {}", BotError::from(e));
    }
}

/// `@name`, `t.me/name` or `https://t.me/name` as `@name`.
fn channel_name(s: &str) -> Option<String> {
    let s = s.trim();
    let name = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let name = name.strip_prefix("t.me/").unwrap_or(name);
    let name = name.strip_prefix('@').unwrap_or(name);
    let ok = (4..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    ok.then(|| format!("@{name}"))
}

/// A channel's id and title, if the bot may post there; else the refusal
/// key.
async fn check_channel(
    ctx: &Ctx,
    name: &str,
) -> Result<Result<(i64, String), &'static str>, BotError> {
    let chat = match ctx
        .bot
        .get_chat(Recipient::ChannelUsername(name.to_string()))
        .await
    {
        Ok(chat) => chat,
        Err(RequestError::Api(_)) => return Ok(Err("bot.channel.not_found")),
        Err(e) => return Err(e.into()),
    };
    if !chat.is_channel() {
        return Ok(Err("bot.channel.not_channel"));
    }
    let me = ctx.bot.get_me().await?;
    let may_post = match ctx.bot.get_chat_member(chat.id, me.id).await {
        Ok(member) => member.kind.can_post_messages(),
        Err(RequestError::Api(_)) => false,
        Err(e) => return Err(e.into()),
    };
    if !may_post {
        return Ok(Err("bot.channel.not_admin"));
    }
    let title = chat.title().unwrap_or(name).to_string();
    Ok(Ok((chat.id.0, title)))
}

/// `/channel`: bind a channel, set what it gets, list or unbind.
pub(crate) async fn channel(ctx: &Ctx, args: &str) -> HandlerResult {
    let words: Vec<&str> = args.split_whitespace().collect();
    let (off, name_at) = match words.first().map(|w| w.to_lowercase()) {
        None => return list_channels(ctx).await,
        Some(w) if is_off(&w) => (true, 1),
        Some(_) => (false, 0),
    };
    let Some(name) = words.get(name_at).and_then(|w| channel_name(w)) else {
        ctx.refuse("bot.channel.usage", &[]).await?;
        return Ok(());
    };
    if off {
        return unbind(ctx, &name).await;
    }
    let (chat_id, title) = match check_channel(ctx, &name).await? {
        Ok(found) => found,
        Err(key) => {
            ctx.refuse(key, &[("channel", &esc(&name))]).await?;
            return Ok(());
        }
    };
    let rest: Vec<&str> = words.iter().skip(1).copied().collect();
    if rest.is_empty() {
        let sub = ctx.deps.store.call(|db| {
            db.bind_channel(chat_id, Some(&title), ctx.lang.code(), ctx.user_id, now())
        })?;
        log::info!(
            "bot: moderator {} bound channel {name} ({chat_id})",
            ctx.user_id
        );
        ctx.say(ctx.fmt(
            "bot.channel.bound",
            &[
                ("channel", &esc(&name)),
                ("title", &esc(&title)),
                (
                    "schedule",
                    &views::schedule_text(&ctx.deps.texts, ctx.lang, sub.schedule),
                ),
            ],
        ))
        .await?;
        return Ok(());
    }
    let Some(sub) = ctx
        .deps
        .store
        .call(|db| db.subscriber(chat_id))?
        .filter(|s| s.chat_kind == ChatKind::Channel)
    else {
        ctx.refuse("bot.channel.not_bound", &[("channel", &esc(&name))])
            .await?;
        return Ok(());
    };
    let value = rest[1..].join(" ");
    let now = now();
    let store = &ctx.deps.store;
    let done = match rest[0].to_lowercase().as_str() {
        field @ ("topics" | "темы" | "тақырыптар" | "regions" | "регионы" | "өңірлер") =>
        {
            let topics = matches!(field, "topics" | "темы" | "тақырыптар");
            let (ids, unknown) = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                let names = if topics {
                    Names::topics(&kb)
                } else {
                    Names::regions(&kb)
                };
                let (ids, unknown) = resolve_list(&value, |w| names.resolve(w));
                let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
                (ids, unknown)
            };
            if !unknown.is_empty() && !is_all(&value) {
                ctx.refuse(
                    "bot.channel.unknown",
                    &[("value", &esc(&unknown.join(", ")))],
                )
                .await?;
                return Ok(());
            }
            if topics {
                store.call(|db| db.remove_topics(chat_id, None))?;
                store.call(|db| db.add_topics(chat_id, &ids))?;
            } else {
                store.call(|db| db.remove_regions(chat_id, None))?;
                store.call(|db| db.add_regions(chat_id, &ids))?;
            }
            true
        }
        "schedule" | "расписание" | "кесте" => match views::parse_schedule(&value) {
            Ok(s) => {
                store.call(|db| db.set_schedule(chat_id, s, now))?;
                true
            }
            Err(_) => false,
        },
        "layout" | "вид" | "түрі" => {
            match crate::store::Layout::parse(&value.to_lowercase()) {
                Some(l) => {
                    store.call(|db| db.set_layout(chat_id, l, now))?;
                    true
                }
                None => false,
            }
        }
        "language" | "язык" | "тіл" => {
            match crate::text::Lang::from_code(&value.to_lowercase()) {
                Some(l) => {
                    store.call(|db| db.set_subscriber_language(chat_id, l.code(), now))?;
                    true
                }
                None => false,
            }
        }
        _ => false,
    };
    if !done {
        ctx.refuse("bot.channel.usage", &[]).await?;
        return Ok(());
    }
    let sub = store.call(|db| db.subscriber(chat_id))?.unwrap_or(sub);
    let text = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        views::settings(&ctx.deps.texts, &kb, ctx.lang, &sub)
    };
    ctx.say(format!(
        "{}\n\n{text}",
        ctx.fmt("bot.channel.updated", &[("channel", &esc(&name))])
    ))
    .await?;
    Ok(())
}

async fn unbind(ctx: &Ctx, name: &str) -> HandlerResult {
    let bound = ctx.deps.store.call(|db| db.channels())?;
    let id = match ctx
        .bot
        .get_chat(Recipient::ChannelUsername(name.to_string()))
        .await
    {
        Ok(chat) => bound
            .iter()
            .find(|c| c.chat_id == chat.id.0)
            .map(|c| c.chat_id),
        Err(RequestError::Api(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let Some(id) = id else {
        ctx.refuse("bot.channel.not_bound", &[("channel", &esc(name))])
            .await?;
        return Ok(());
    };
    ctx.deps.store.call(|db| db.delete_subscriber(id))?;
    log::info!(
        "bot: moderator {} unbound channel {name} ({id})",
        ctx.user_id
    );
    ctx.say(ctx.fmt("bot.channel.unbound", &[("channel", &esc(name))]))
        .await?;
    Ok(())
}

async fn list_channels(ctx: &Ctx) -> HandlerResult {
    let bound = ctx.deps.store.call(|db| db.channels())?;
    let mut text = ctx.t("bot.channel.usage");
    if !bound.is_empty() {
        let lines: Vec<String> = bound
            .iter()
            .map(|c| {
                let status = ctx.t(match c.status {
                    SubStatus::Active => "bot.settings.active",
                    SubStatus::Paused => "bot.settings.paused",
                    SubStatus::Blocked => "bot.settings.blocked",
                });
                format!(
                    "• {} — {}, {status}",
                    esc(c.title.as_deref().unwrap_or("?")),
                    views::schedule_text(&ctx.deps.texts, ctx.lang, c.schedule)
                )
            })
            .collect();
        text = format!(
            "{}\n{}\n\n{text}",
            ctx.t("bot.channel.list"),
            lines.join("\n")
        );
    }
    ctx.say(text).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_parse_across_midnight() {
        assert_eq!(
            parse_quiet("22-07"),
            Some(Quiet {
                from: 1320,
                to: 420
            })
        );
        assert_eq!(
            parse_quiet("22:30–7.15"),
            Some(Quiet {
                from: 1350,
                to: 435
            })
        );
        assert_eq!(parse_quiet("22-22"), None);
        assert_eq!(parse_quiet("25-07"), None);
        assert_eq!(parse_quiet("вечером"), None);
        let q = parse_quiet("22-07").unwrap();
        assert!(q.covers(23 * 60) && q.covers(3 * 60) && !q.covers(12 * 60));
        assert!(!q.covers(7 * 60), "the end is not quiet");
    }

    #[test]
    fn channel_names_are_read_in_any_form() {
        assert_eq!(
            channel_name("@akimat_abai").as_deref(),
            Some("@akimat_abai")
        );
        assert_eq!(
            channel_name("https://t.me/akimat_abai").as_deref(),
            Some("@akimat_abai")
        );
        assert_eq!(channel_name("@ab"), None);
        assert_eq!(channel_name("@bad name"), None);
        assert_eq!(channel_name("@1abc"), None);
    }
}
