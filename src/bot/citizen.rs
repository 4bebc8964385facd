//! Everyone's commands: subscribing, topics, regions, follows, schedule,
//! digests on demand, search, quotes, `/why`, settings, pause and erase.

use teloxide::payloads::{EditMessageReplyMarkupSetters, EditMessageTextSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ParseMode};

use super::callback::Callback;
use super::commands::{Access, Cmd, Invocation, SPECS, clean_phrase, resolve_list};
use super::ctx::Ctx;
use super::names::{Lookup, Names};
use super::views::{self, ScheduleError, esc};
use super::{BotError, DIGEST_CAP, HandlerResult, keyboards, now};
use crate::digest::Digester;
use crate::digest::select::Reasons;
use crate::store::{Role, SubStatus};
use crate::text::Lang;

/// Stories `/latest` and `/search` show.
const LIST_LEN: usize = 5;
/// The shortest phrase `/follow` accepts, in characters.
const MIN_FOLLOW_CHARS: usize = 3;

pub(crate) async fn run(ctx: &Ctx, inv: Invocation) -> HandlerResult {
    let args = inv.args.as_str();
    match inv.cmd {
        Cmd::Start => start(ctx).await,
        Cmd::Help => help(ctx).await,
        Cmd::Language => language(ctx, args).await,
        Cmd::Topics => topics(ctx).await,
        Cmd::Subscribe => subscribe(ctx, args).await,
        Cmd::Unsubscribe => unsubscribe(ctx, args).await,
        Cmd::Regions => regions(ctx, args).await,
        Cmd::Follow => follow(ctx, args).await,
        Cmd::Unfollow => unfollow(ctx, args).await,
        Cmd::Schedule => schedule(ctx, args).await,
        Cmd::Digest => digest(ctx).await,
        Cmd::Latest => latest(ctx, args).await,
        Cmd::Search => search(ctx, args).await,
        Cmd::Quotes => quotes(ctx, args).await,
        Cmd::Why => why(ctx, args).await,
        Cmd::Settings => settings(ctx).await,
        Cmd::Mute | Cmd::Unmute | Cmd::Exclude | Cmd::Include | Cmd::Quiet => {
            super::preferences::run(ctx, inv.cmd, args).await
        }
        Cmd::Stop => stop(ctx).await,
        Cmd::DeleteMe => {
            ctx.say_kb(
                ctx.t("bot.delete.ask"),
                keyboards::delete_me(&ctx.deps.texts, ctx.lang),
            )
            .await?;
            Ok(())
        }
        other => {
            log::error!("bot: {} reached the citizens' handler", other.name());
            Ok(())
        }
    }
}

fn topic_keyboard(ctx: &Ctx, selected: &[String]) -> InlineKeyboardMarkup {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    keyboards::topics(&kb, ctx.lang, selected)
}

fn region_keyboard(ctx: &Ctx, selected: &[String]) -> InlineKeyboardMarkup {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    keyboards::regions(&kb, &ctx.deps.texts, ctx.lang, selected)
}

async fn start(ctx: &Ctx) -> HandlerResult {
    let sub = ctx.subscriber()?;
    let resumed = sub.status != SubStatus::Active;
    if resumed {
        ctx.deps
            .store
            .call(|db| db.set_subscriber_status(ctx.chat_id, SubStatus::Active, now()))?;
    }
    let mut greeting = ctx.t("bot.start.greeting");
    if resumed {
        greeting = format!("{}\n\n{greeting}", ctx.t("bot.start.resumed"));
    }
    ctx.say(greeting).await?;
    ctx.say_kb(
        ctx.t("bot.language.prompt"),
        keyboards::languages(&ctx.deps.texts, ctx.lang),
    )
    .await?;
    ctx.say_kb(ctx.t("bot.topics.prompt"), topic_keyboard(ctx, &sub.topics))
        .await?;
    Ok(())
}

async fn help(ctx: &Ctx) -> HandlerResult {
    let texts = &ctx.deps.texts;
    let line = |name: &str| {
        let about = esc(texts.t(ctx.lang, &format!("cmd.{name}")));
        let example = texts.t(ctx.lang, &format!("example.{name}")).to_string();
        if example == format!("/{name}") {
            format!("/{name} — {about}")
        } else {
            format!("/{name} — {about}\n    <i>{}</i>", esc(&example))
        }
    };
    let mut blocks: Vec<String> = SPECS
        .iter()
        .filter(|s| matches!(s.access, Access::Everyone | Access::Settings))
        .map(|s| line(s.name))
        .collect();
    if ctx.role >= Role::Moderator {
        blocks.push(format!("<b>{}</b>", ctx.t("bot.help.moderators")));
        blocks.extend(
            SPECS
                .iter()
                .filter(|s| match s.access {
                    Access::Moderator => true,
                    Access::Owner => ctx.role >= Role::Owner,
                    _ => false,
                })
                .map(|s| line(s.name)),
        );
    }
    let parts = crate::digest::render::pack(&ctx.t("bot.help.header"), blocks, "");
    ctx.say_all(parts).await
}

/// Sets the language of this chat (and of the user, in a private chat).
fn set_language(ctx: &Ctx, lang: Lang) -> Result<(), BotError> {
    let now = now();
    if ctx.private {
        ctx.deps
            .store
            .call(|db| db.set_user_language(ctx.user_id, lang.code(), now))?;
        if ctx.existing_subscriber()?.is_some() {
            ctx.deps
                .store
                .call(|db| db.set_subscriber_language(ctx.chat_id, lang.code(), now))?;
        }
    } else {
        ctx.subscriber()?;
        ctx.deps
            .store
            .call(|db| db.set_subscriber_language(ctx.chat_id, lang.code(), now))?;
    }
    Ok(())
}

async fn after_language_change(ctx: &Ctx, lang: Lang) -> HandlerResult {
    if ctx.private
        && ctx.role >= Role::Moderator
        && let Err(e) = super::set_staff_commands(&ctx.bot, &ctx.deps, ctx.user_id).await
    {
        log::warn!("bot: menu of {}: {e}", ctx.user_id);
    }
    super::send_html(
        &ctx.bot,
        ctx.chat_id,
        ctx.deps.texts.t(lang, "bot.language.set"),
        None,
    )
    .await?;
    Ok(())
}

fn parse_language(s: &str) -> Option<Lang> {
    Lang::from_code(s).or(match s.trim().to_lowercase().as_str() {
        "русский" | "орысша" | "рус" => Some(Lang::Ru),
        "қазақша" | "казахский" | "қазақ" | "казакша" => Some(Lang::Kk),
        "английский" | "ағылшынша" => Some(Lang::En),
        _ => None,
    })
}

async fn language(ctx: &Ctx, args: &str) -> HandlerResult {
    if args.is_empty() {
        if !ctx.private {
            // A group's language is a setting of its subscription: the
            // buttons act on one (see the gate's erased-chat check).
            ctx.subscriber()?;
        }
        ctx.say_kb(
            ctx.t("bot.language.prompt"),
            keyboards::languages(&ctx.deps.texts, ctx.lang),
        )
        .await?;
        return Ok(());
    }
    let Some(lang) = parse_language(args) else {
        ctx.say(ctx.fmt("bot.language.unknown", &[("value", &esc(args))]))
            .await?;
        return Ok(());
    };
    set_language(ctx, lang)?;
    after_language_change(ctx, lang).await
}

async fn topics(ctx: &Ctx) -> HandlerResult {
    let sub = ctx.subscriber()?;
    ctx.say_kb(ctx.t("bot.topics.prompt"), topic_keyboard(ctx, &sub.topics))
        .await?;
    Ok(())
}

/// Names typed in a list: the ids they name, the words that named
/// nothing, and the ids close to those words ("did you mean …").
#[derive(Default)]
struct Resolved {
    ids: Vec<String>,
    unknown: Vec<String>,
    suggest: Vec<String>,
}

fn resolve_with(names: &Names<'_>, args: &str) -> Resolved {
    let (ids, words) = resolve_list(args, |q| names.resolve(q));
    let mut suggest: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for word in words {
        let close = match names.lookup(&word) {
            Lookup::Suggest(close) => close,
            Lookup::Found(id) => vec![id],
        };
        // a misspelt word of a name found anyway ("соцальная поддержка")
        if !close.is_empty() && close.iter().all(|id| ids.contains(id)) {
            continue;
        }
        for id in close {
            if !ids.contains(&id) && !suggest.iter().any(|s| s == id) {
                suggest.push(id.to_string());
            }
        }
        unknown.push(word);
    }
    Resolved {
        ids: ids.into_iter().map(str::to_string).collect(),
        unknown,
        suggest,
    }
}

/// Topic ids, unknown words and suggestions from a list of names.
fn resolve_topics(ctx: &Ctx, args: &str) -> Resolved {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    resolve_with(&Names::topics(&kb), args)
}

fn resolve_regions(ctx: &Ctx, args: &str) -> Resolved {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    resolve_with(&Names::regions(&kb), args)
}

/// Buttons for the suggested topics (or regions), each marked on or off
/// as in the pickers; a tap toggles it.
fn suggestion_keyboard(
    ctx: &Ctx,
    suggest: &[String],
    selected: &[String],
    regions: bool,
) -> InlineKeyboardMarkup {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    keyboards::choices(
        suggest
            .iter()
            .map(|id| {
                let on = selected.contains(id);
                if regions {
                    let name = kb.region_name(id, ctx.lang).unwrap_or(id);
                    (keyboards::marked(name, on), Callback::Region(id.clone()))
                } else {
                    let name = kb.topic_name(id, ctx.lang).unwrap_or(id);
                    (keyboards::marked(name, on), Callback::Topic(id.clone()))
                }
            })
            .collect(),
    )
}

/// The reply's lines, with the unknown words and, for a typo, a question
/// with buttons.
async fn say_resolved(
    ctx: &Ctx,
    mut lines: Vec<String>,
    r: &Resolved,
    unknown_key: &str,
    keyboard: impl FnOnce() -> InlineKeyboardMarkup,
) -> HandlerResult {
    if !r.unknown.is_empty() {
        lines.push(unknown_line(ctx, unknown_key, &r.unknown));
    }
    if r.suggest.is_empty() {
        ctx.say(lines.join("\n")).await?;
    } else {
        lines.push(ctx.t("bot.did_you_mean"));
        ctx.say_kb(lines.join("\n"), keyboard()).await?;
    }
    Ok(())
}

fn topic_names(ctx: &Ctx, ids: &[String]) -> String {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    ids.iter()
        .map(|id| esc(kb.topic_name(id, ctx.lang).unwrap_or(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn region_names(ctx: &Ctx, ids: &[String]) -> String {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    ids.iter()
        .map(|id| esc(kb.region_name(id, ctx.lang).unwrap_or(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_line(ctx: &Ctx, key: &str, unknown: &[String]) -> String {
    let words = unknown
        .iter()
        .map(|w| esc(w))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.fmt(key, &[("words", &words)])
}

async fn subscribe(ctx: &Ctx, args: &str) -> HandlerResult {
    if args.is_empty() {
        ctx.say(ctx.t("bot.subscribe.usage")).await?;
        return Ok(());
    }
    let r = resolve_topics(ctx, args);
    let mut lines = Vec::new();
    let sub = ctx.subscriber()?;
    if !r.ids.is_empty() {
        ctx.deps
            .store
            .call(|db| db.add_topics(ctx.chat_id, &r.ids))?;
        lines.push(ctx.fmt(
            "bot.subscribe.done",
            &[("topics", &topic_names(ctx, &r.ids))],
        ));
    }
    let on: Vec<String> = sub.topics.into_iter().chain(r.ids.clone()).collect();
    say_resolved(ctx, lines, &r, "bot.topics.unknown", || {
        suggestion_keyboard(ctx, &r.suggest, &on, false)
    })
    .await
}

fn is_all(args: &str) -> bool {
    matches!(
        args.trim().to_lowercase().as_str(),
        "all" | "все" | "всё" | "барлығы" | "бәрі" | "*"
    )
}

async fn unsubscribe(ctx: &Ctx, args: &str) -> HandlerResult {
    if args.is_empty() {
        ctx.say(ctx.t("bot.unsubscribe.usage")).await?;
        return Ok(());
    }
    if is_all(args) {
        if ctx.existing_subscriber()?.is_some() {
            ctx.deps
                .store
                .call(|db| db.remove_topics(ctx.chat_id, None))?;
        }
        ctx.say(ctx.t("bot.unsubscribe.all")).await?;
        return Ok(());
    }
    let r = resolve_topics(ctx, args);
    let mut lines = Vec::new();
    let sub = ctx.existing_subscriber()?;
    if !r.ids.is_empty() {
        if sub.is_some() {
            ctx.deps
                .store
                .call(|db| db.remove_topics(ctx.chat_id, Some(&r.ids)))?;
        }
        lines.push(ctx.fmt(
            "bot.unsubscribe.done",
            &[("topics", &topic_names(ctx, &r.ids))],
        ));
    }
    let on: Vec<String> = sub
        .map(|s| s.topics)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !r.ids.contains(t))
        .collect();
    say_resolved(ctx, lines, &r, "bot.topics.unknown", || {
        suggestion_keyboard(ctx, &r.suggest, &on, false)
    })
    .await
}

async fn regions(ctx: &Ctx, args: &str) -> HandlerResult {
    let sub = ctx.subscriber()?;
    if args.is_empty() {
        ctx.say_kb(
            ctx.t("bot.regions.prompt"),
            region_keyboard(ctx, &sub.regions),
        )
        .await?;
        return Ok(());
    }
    if is_all(args) {
        ctx.deps
            .store
            .call(|db| db.remove_regions(ctx.chat_id, None))?;
        ctx.say(ctx.t("bot.regions.cleared")).await?;
        return Ok(());
    }
    let r = resolve_regions(ctx, args);
    let mut lines = Vec::new();
    if !r.ids.is_empty() {
        ctx.deps
            .store
            .call(|db| db.add_regions(ctx.chat_id, &r.ids))?;
        lines.push(ctx.fmt(
            "bot.regions.done",
            &[("regions", &region_names(ctx, &r.ids))],
        ));
    }
    let on: Vec<String> = sub.regions.into_iter().chain(r.ids.clone()).collect();
    say_resolved(ctx, lines, &r, "bot.regions.unknown", || {
        suggestion_keyboard(ctx, &r.suggest, &on, true)
    })
    .await
}

async fn follow(ctx: &Ctx, args: &str) -> HandlerResult {
    let phrase = clean_phrase(args);
    if phrase.is_empty() {
        ctx.say(ctx.t("bot.follow.usage")).await?;
        return Ok(());
    }
    if phrase.chars().count() < MIN_FOLLOW_CHARS || !phrase.chars().any(char::is_alphanumeric) {
        ctx.say(ctx.fmt(
            "bot.follow.too_short",
            &[("min", &MIN_FOLLOW_CHARS.to_string())],
        ))
        .await?;
        return Ok(());
    }
    ctx.subscriber()?;
    let cap = ctx.deps.follow_cap;
    if ctx
        .deps
        .store
        .call(|db| db.add_follow(ctx.chat_id, &phrase, cap))?
    {
        ctx.say(ctx.fmt("bot.follow.done", &[("phrase", &esc(&phrase))]))
            .await?;
    } else {
        ctx.say(ctx.fmt("bot.follow.cap", &[("cap", &cap.to_string())]))
            .await?;
    }
    Ok(())
}

async fn unfollow(ctx: &Ctx, args: &str) -> HandlerResult {
    let phrase = clean_phrase(args);
    if phrase.is_empty() {
        ctx.say(ctx.t("bot.unfollow.usage")).await?;
        return Ok(());
    }
    // SQLite's lower() knows only ASCII: match Cyrillic case here.
    let wanted = phrase.to_lowercase();
    let stored = ctx
        .existing_subscriber()?
        .and_then(|s| s.follows.into_iter().find(|f| f.to_lowercase() == wanted))
        .unwrap_or_else(|| phrase.clone());
    let key = if ctx
        .deps
        .store
        .call(|db| db.remove_follow(ctx.chat_id, &stored))?
    {
        "bot.unfollow.done"
    } else {
        "bot.unfollow.missing"
    };
    ctx.say(ctx.fmt(key, &[("phrase", &esc(&phrase))])).await?;
    Ok(())
}

async fn schedule(ctx: &Ctx, args: &str) -> HandlerResult {
    let sub = ctx.subscriber()?;
    let parsed = views::parse_schedule(args);
    let s = match parsed {
        Ok(s) => s,
        Err(e) => {
            let error = match &e {
                ScheduleError::Missing => ctx.fmt(
                    "bot.schedule.current",
                    &[(
                        "schedule",
                        &views::schedule_text(&ctx.deps.texts, ctx.lang, sub.schedule),
                    )],
                ),
                ScheduleError::UnknownKind(w) | ScheduleError::Extra(w) => {
                    ctx.fmt("bot.schedule.bad_kind", &[("value", &esc(w))])
                }
                ScheduleError::BadTime(w) => {
                    ctx.fmt("bot.schedule.bad_time", &[("value", &esc(w))])
                }
                ScheduleError::BadDay(w) => ctx.fmt("bot.schedule.bad_day", &[("value", &esc(w))]),
            };
            ctx.say(format!("{error}\n\n{}", ctx.t("bot.schedule.usage")))
                .await?;
            return Ok(());
        }
    };
    ctx.deps
        .store
        .call(|db| db.set_schedule(ctx.chat_id, s, now()))?;
    ctx.say(ctx.fmt(
        "bot.schedule.done",
        &[
            (
                "schedule",
                &views::schedule_text(&ctx.deps.texts, ctx.lang, s),
            ),
            (
                "timezone",
                &esc(&views::timezone_name(
                    &ctx.deps.texts,
                    ctx.lang,
                    &sub.timezone,
                )),
            ),
        ],
    ))
    .await?;
    Ok(())
}

async fn digest(ctx: &Ctx) -> HandlerResult {
    let sub = ctx.subscriber()?;
    let stories = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        let digester = Digester {
            store: &ctx.deps.store,
            texts: &ctx.deps.texts,
            names: &*kb,
            cap: DIGEST_CAP,
            max_age: ctx.deps.config.max_article_age,
        };
        digester.digest_now(&sub, now())?
    };
    if stories == 0 {
        ctx.say(ctx.t("bot.digest.nothing")).await?;
    } else {
        ctx.deps.wake_sender.notify_one();
    }
    articles_language_notice(ctx).await
}

/// Buttons that show the latest stories on one topic, by its name.
fn latest_keyboard(ctx: &Ctx, ids: &[String]) -> InlineKeyboardMarkup {
    let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
    let all: Vec<String>;
    let ids = if ids.is_empty() {
        all = kb.topic_ids().into_iter().map(str::to_string).collect();
        &all
    } else {
        ids
    };
    keyboards::choices(
        ids.iter()
            .map(|id| {
                let key = format!("emoji.{id}");
                let emoji = ctx.deps.texts.t(ctx.lang, &key);
                let name = kb.topic_name(id, ctx.lang).unwrap_or(id);
                (format!("{emoji} {name}"), Callback::Latest(id.clone()))
            })
            .collect(),
    )
}

async fn latest(ctx: &Ctx, args: &str) -> HandlerResult {
    if !args.is_empty() {
        let lookup = {
            let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
            match Names::topics(&kb).lookup(args) {
                Lookup::Found(id) => Ok(id.to_string()),
                Lookup::Suggest(ids) => {
                    Err(ids.into_iter().map(str::to_string).collect::<Vec<_>>())
                }
            }
        };
        return match lookup {
            Ok(id) => latest_on(ctx, &id).await,
            Err(suggest) => {
                let mut text = unknown_line(ctx, "bot.topics.unknown", &[args.to_string()]);
                text.push('\n');
                text.push_str(&ctx.t(if suggest.is_empty() {
                    "bot.latest.pick"
                } else {
                    "bot.did_you_mean"
                }));
                ctx.say_kb(text, latest_keyboard(ctx, &suggest)).await?;
                Ok(())
            }
        };
    }
    let (topics, regions) = match ctx.existing_subscriber()? {
        Some(sub) => (sub.topics, sub.regions),
        None => (Vec::new(), Vec::new()),
    };
    let articles = ctx
        .deps
        .store
        .call(|db| db.latest_stories(&topics, &regions, LIST_LEN))?;
    let mut parts = if articles.is_empty() {
        vec![ctx.t("bot.latest.none")]
    } else {
        views::article_list(&ctx.t("bot.latest.header"), &articles)
    };
    // The last part offers each topic by its name.
    if let Some(last) = parts.pop() {
        ctx.say_all(parts).await?;
        let text = format!("{last}\n\n{}", ctx.t("bot.latest.pick"));
        ctx.say_kb(text, latest_keyboard(ctx, &topics)).await?;
    }
    articles_language_notice(ctx).await
}

/// The latest stories on one topic (`/latest education`, its button).
async fn latest_on(ctx: &Ctx, topic: &str) -> HandlerResult {
    let articles = ctx
        .deps
        .store
        .call(|db| db.latest_stories(&[topic.to_string()], &[], LIST_LEN))?;
    let name = topic_names(ctx, &[topic.to_string()]);
    if articles.is_empty() {
        ctx.say(ctx.fmt("bot.latest.none_on", &[("topic", &name)]))
            .await?;
        return Ok(());
    }
    let header = ctx.fmt("bot.latest.header_on", &[("topic", &name)]);
    send_list(ctx, &header, &articles).await?;
    articles_language_notice(ctx).await
}

/// A story list; a moderator's has buttons under it to hide or retopic
/// each story.
async fn send_list(ctx: &Ctx, header: &str, articles: &[crate::store::Article]) -> HandlerResult {
    let mut parts = views::article_list(header, articles);
    let last = parts.pop();
    ctx.say_all(parts).await?;
    let Some(last) = last else { return Ok(()) };
    if ctx.role >= Role::Moderator && ctx.private {
        let ids: Vec<(usize, i64)> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (i + 1, a.id))
            .collect();
        ctx.say_kb(
            last,
            keyboards::article_actions(&ctx.deps.texts, ctx.lang, &ids),
        )
        .await?;
    } else {
        ctx.say(last).await?;
    }
    Ok(())
}

/// English speakers are told once that the articles themselves are in
/// Russian and Kazakh.
async fn articles_language_notice(ctx: &Ctx) -> HandlerResult {
    if ctx.lang != Lang::En {
        return Ok(());
    }
    let key = format!("notice.articles_language.{}", ctx.chat_id);
    if ctx.deps.store.call(|db| db.kv_get(&key))?.is_some() {
        return Ok(());
    }
    ctx.deps.store.call(|db| db.kv_set(&key, "1"))?;
    ctx.say(ctx.t("bot.articles_language")).await?;
    Ok(())
}

async fn search(ctx: &Ctx, args: &str) -> HandlerResult {
    if args.is_empty() {
        ctx.say(ctx.t("bot.search.usage")).await?;
        return Ok(());
    }
    // English words that name topics ("rural elections") search by
    // topic: the articles are in Russian and Kazakh.
    let topics: Option<Vec<String>> = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        Names::english_topics(&kb)
            .named_by_every_word(args)
            .map(|ids| ids.into_iter().map(str::to_string).collect())
    };
    let hits = match &topics {
        Some(topics) => {
            let on_all = ctx
                .deps
                .store
                .call(|db| db.latest_stories_on_all(topics, LIST_LEN))?;
            if on_all.is_empty() {
                ctx.deps
                    .store
                    .call(|db| db.latest_stories(topics, &[], LIST_LEN))?
            } else {
                on_all
            }
        }
        None => ctx
            .deps
            .store
            .call(|db| db.search_articles(args, LIST_LEN))?,
    };
    if hits.is_empty() {
        ctx.say(ctx.fmt("bot.search.none", &[("query", &esc(args))]))
            .await?;
        return articles_language_notice(ctx).await;
    }
    let mut header = ctx.fmt("bot.search.header", &[("query", &esc(args))]);
    if let Some(topics) = &topics {
        header.push_str(&format!("\n<i>{}</i>", topic_names(ctx, topics)));
    }
    send_list(ctx, &header, &hits).await?;
    articles_language_notice(ctx).await
}

async fn quotes(ctx: &Ctx, args: &str) -> HandlerResult {
    let person = clean_phrase(args);
    if person.chars().count() < MIN_FOLLOW_CHARS {
        ctx.say(ctx.t("bot.quotes.usage")).await?;
        return Ok(());
    }
    // Any case and inflection of the name matches ("кошанова" → Кошанов).
    let rows = ctx.deps.store.call(|db| db.quotes_by(&person, LIST_LEN))?;
    if rows.is_empty() {
        ctx.say(ctx.fmt("bot.quotes.none", &[("person", &esc(&person))]))
            .await?;
        return Ok(());
    }
    let header = ctx.fmt("bot.quotes.header", &[("person", &esc(&person))]);
    ctx.say_all(views::quote_list(&header, &rows)).await?;
    articles_language_notice(ctx).await
}

async fn why(ctx: &Ctx, args: &str) -> HandlerResult {
    let Some(n) = args.parse::<i64>().ok().filter(|n| (1..=1000).contains(n)) else {
        ctx.say(ctx.t("bot.why.usage")).await?;
        return Ok(());
    };
    let entries = ctx
        .deps
        .store
        .call(|db| db.last_digest_entries(ctx.chat_id))?;
    if entries.is_empty() {
        ctx.say(ctx.t("bot.why.no_digest")).await?;
        return Ok(());
    }
    let Some(entry) = entries.iter().find(|e| e.position == n) else {
        ctx.say(ctx.fmt(
            "bot.why.out_of_range",
            &[("count", &entries.len().to_string())],
        ))
        .await?;
        return Ok(());
    };
    let article = ctx.deps.store.call(|db| db.get_article(entry.article_id))?;
    let reasons: Reasons = serde_json::from_str(&entry.reasons).unwrap_or_default();
    let text = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        views::why(&ctx.deps.texts, &kb, ctx.lang, n, &article, &reasons)
    };
    ctx.say(text).await?;
    Ok(())
}

async fn settings(ctx: &Ctx) -> HandlerResult {
    let Some(sub) = ctx.existing_subscriber()? else {
        ctx.say(ctx.t("bot.settings.none_yet")).await?;
        return Ok(());
    };
    let text = {
        let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
        views::settings(&ctx.deps.texts, &kb, ctx.lang, &sub)
    };
    let text = format!(
        "{text}\n\n{}",
        views::preferences(&ctx.deps.texts, ctx.lang, &sub)
    );
    ctx.say_kb(
        text,
        keyboards::layout(&ctx.deps.texts, ctx.lang, sub.layout),
    )
    .await?;
    Ok(())
}

async fn stop(ctx: &Ctx) -> HandlerResult {
    if ctx.existing_subscriber()?.is_some() {
        ctx.deps
            .store
            .call(|db| db.set_subscriber_status(ctx.chat_id, SubStatus::Paused, now()))?;
    }
    ctx.say(ctx.t("bot.stop.done")).await?;
    Ok(())
}

/// Edits a keyboard in place; a failure (the message is too old, or
/// unchanged) is only logged.
async fn edit_keyboard(ctx: &Ctx, message: MessageId, markup: InlineKeyboardMarkup) {
    if let Err(e) = ctx
        .bot
        .edit_message_reply_markup(ChatId(ctx.chat_id), message)
        .reply_markup(markup)
        .await
    {
        log::warn!("bot: editing a keyboard: {}", BotError::from(e));
    }
}

async fn edit_text(ctx: &Ctx, message: MessageId, html: String) {
    if let Err(e) = ctx
        .bot
        .edit_message_text(ChatId(ctx.chat_id), message, html)
        .parse_mode(ParseMode::Html)
        .await
    {
        log::warn!("bot: editing a message: {}", BotError::from(e));
    }
}

/// A citizen's button; returns the short answer shown on the button press.
pub(crate) async fn on_button(
    ctx: &Ctx,
    message: MessageId,
    cb: &Callback,
) -> Result<Option<String>, BotError> {
    match cb {
        Callback::Topic(id) => {
            let name = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                kb.topic_name(id, ctx.lang).map(str::to_string)
            };
            let Some(name) = name else {
                return Ok(Some(ctx.t("bot.callback_invalid")));
            };
            ctx.subscriber()?;
            let on = ctx.deps.store.call(|db| db.toggle_topic(ctx.chat_id, id))?;
            let sub = ctx.subscriber()?;
            edit_keyboard(ctx, message, topic_keyboard(ctx, &sub.topics)).await;
            Ok(Some(format!("{} {name}", if on { "✅" } else { "▫️" })))
        }
        Callback::Region(id) => {
            let name = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                kb.region_name(id, ctx.lang).map(str::to_string)
            };
            let Some(name) = name else {
                return Ok(Some(ctx.t("bot.callback_invalid")));
            };
            ctx.subscriber()?;
            let on = ctx
                .deps
                .store
                .call(|db| db.toggle_region(ctx.chat_id, id))?;
            let sub = ctx.subscriber()?;
            edit_keyboard(ctx, message, region_keyboard(ctx, &sub.regions)).await;
            Ok(Some(format!("{} {name}", if on { "✅" } else { "▫️" })))
        }
        Callback::AllRegions => {
            ctx.subscriber()?;
            ctx.deps
                .store
                .call(|db| db.remove_regions(ctx.chat_id, None))?;
            edit_keyboard(ctx, message, region_keyboard(ctx, &[])).await;
            Ok(Some(ctx.t("bot.regions.cleared")))
        }
        Callback::Language(lang) => {
            set_language(ctx, *lang)?;
            after_language_change(ctx, *lang).await?;
            Ok(Some(
                ctx.deps.texts.t(*lang, "bot.language.name").to_string(),
            ))
        }
        Callback::DeleteMe { confirm: true } => {
            ctx.deps
                .store
                .call(|db| db.delete_subscriber(ctx.chat_id))?;
            if ctx.private {
                ctx.deps.store.call(|db| db.erase_user(ctx.user_id))?;
            }
            log::info!("bot: chat {} erased its data", ctx.chat_id);
            edit_text(ctx, message, ctx.t("bot.delete.done")).await;
            Ok(None)
        }
        Callback::DeleteMe { confirm: false } => {
            edit_text(ctx, message, ctx.t("bot.delete.kept")).await;
            Ok(None)
        }
        Callback::Latest(id) => {
            let name = {
                let kb = ctx.deps.kb.read().unwrap_or_else(|e| e.into_inner());
                kb.topic_name(id, ctx.lang).map(str::to_string)
            };
            let Some(name) = name else {
                return Ok(Some(ctx.t("bot.callback_invalid")));
            };
            latest_on(ctx, id).await?;
            Ok(Some(name))
        }
        Callback::Layout(_) | Callback::MorePage(_) => {
            super::preferences::on_button(ctx, message, cb).await
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_cleaned_and_languages_named() {
        assert_eq!(clean_phrase("  «Ауыл   аманаты» "), "Ауыл аманаты");
        assert_eq!(parse_language("Қазақша"), Some(Lang::Kk));
        assert_eq!(parse_language("de"), None);
    }
}
