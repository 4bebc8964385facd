//! The texts the bot composes from store rows: settings, schedules, story
//! lists, `/why`, statistics, sources. Pure: rows and texts in, escaped
//! Telegram HTML out.

use crate::digest::render::{escape, pack, shorten};
use crate::digest::schedule;
use crate::digest::select::Reasons;
use crate::i18n::Texts;
use crate::store::{
    Article, AuditEntry, QuoteRow, Schedule, Source, SourceKind, Stats, SubStatus, Subscriber,
};
use crate::summarize::Knowledge;
use crate::text::Lang;

/// Escapes text for HTML parse mode.
pub fn esc(s: &str) -> String {
    escape(s)
}

/// Why `/schedule` arguments were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    Missing,
    UnknownKind(String),
    BadTime(String),
    BadDay(String),
    Extra(String),
}

/// `instant` | `daily [HH:MM]` | `weekly DAY [HH:MM]` (also in Russian and
/// Kazakh: `мгновенно`, `ежедневно 08:30`, `апта сайын жұма 10:00`).
pub fn parse_schedule(args: &str) -> Result<Schedule, ScheduleError> {
    let lower = args.trim().to_lowercase();
    let lower = lower
        .replace("апта сайын", "weekly")
        .replace("каждую неделю", "weekly")
        .replace("каждый день", "daily");
    let mut words = lower.split_whitespace();
    let Some(kind) = words.next() else {
        return Err(ScheduleError::Missing);
    };
    let rest: Vec<&str> = words.collect();
    let time = |s: Option<&&str>| -> Result<u16, ScheduleError> {
        match s {
            None => Ok(9 * 60),
            Some(t) => parse_time(t).ok_or_else(|| ScheduleError::BadTime(t.to_string())),
        }
    };
    // A time alone is a daily digest at that time: `/schedule 8:00`.
    if let Some(minute) = parse_time(kind) {
        if let Some(x) = rest.first() {
            return Err(ScheduleError::Extra(x.to_string()));
        }
        return Ok(Schedule::Daily { minute });
    }
    let schedule = match kind {
        "instant" | "мгновенно" | "сразу" | "лезде" | "бірден" => {
            if let Some(x) = rest.first() {
                return Err(ScheduleError::Extra(x.to_string()));
            }
            Schedule::Instant
        }
        "daily" | "ежедневно" | "күнделікті" | "күн_сайын" => {
            if let Some(x) = rest.get(1) {
                return Err(ScheduleError::Extra(x.to_string()));
            }
            Schedule::Daily {
                minute: time(rest.first())?,
            }
        }
        "weekly" | "еженедельно" | "апталық" => {
            let Some(day) = rest.first() else {
                return Err(ScheduleError::BadDay(String::new()));
            };
            let weekday = schedule::parse_weekday(day)
                .ok_or_else(|| ScheduleError::BadDay(day.to_string()))?;
            if let Some(x) = rest.get(2) {
                return Err(ScheduleError::Extra(x.to_string()));
            }
            Schedule::Weekly {
                weekday,
                minute: time(rest.get(1))?,
            }
        }
        other => return Err(ScheduleError::UnknownKind(other.to_string())),
    };
    Ok(schedule)
}

/// `8:00`, `08:30`, `8.00`, `08.00`.
fn parse_time(s: &str) -> Option<u16> {
    schedule::parse_hhmm(&s.replace('.', ":"))
}

fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// "daily at 09:00", in the language.
pub fn schedule_text(texts: &Texts, lang: Lang, s: Schedule) -> String {
    match s {
        Schedule::Instant => texts.t(lang, "bot.schedule.instant").to_string(),
        Schedule::Daily { minute } => {
            texts.fmt(lang, "bot.schedule.daily", &[("time", &hhmm(minute))])
        }
        Schedule::Weekly { weekday, minute } => {
            let key = format!("bot.weekdays.{}", weekday.saturating_sub(1));
            let day = texts.t(lang, &key);
            texts.fmt(
                lang,
                "bot.schedule.weekly",
                &[("day", day), ("time", &hhmm(minute))],
            )
        }
    }
}

fn topic_names(kb: &Knowledge, lang: Lang, ids: &[String]) -> String {
    ids.iter()
        .map(|id| esc(kb.topic_name(id, lang).unwrap_or(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn region_names(kb: &Knowledge, lang: Lang, ids: &[String]) -> String {
    ids.iter()
        .map(|id| esc(kb.region_name(id, lang).unwrap_or(id)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything about a subscription on one screen.
pub fn settings(texts: &Texts, kb: &Knowledge, lang: Lang, sub: &Subscriber) -> String {
    let t = |k: &str| texts.t(lang, k).to_string();
    let topics = if sub.topics.is_empty() {
        t("bot.settings.all_topics")
    } else {
        topic_names(kb, lang, &sub.topics)
    };
    let regions = if sub.regions.is_empty() {
        t("bot.settings.all_regions")
    } else {
        region_names(kb, lang, &sub.regions)
    };
    let follows = if sub.follows.is_empty() {
        t("bot.settings.none")
    } else {
        sub.follows
            .iter()
            .map(|f| esc(f))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let status = t(match sub.status {
        SubStatus::Active => "bot.settings.active",
        SubStatus::Paused => "bot.settings.paused",
        SubStatus::Blocked => "bot.settings.blocked",
    });
    texts.fmt(
        lang,
        "bot.settings.text",
        &[
            ("status", &status),
            ("language", texts.t(lang, "bot.language.name")),
            ("schedule", &schedule_text(texts, lang, sub.schedule)),
            ("timezone", &esc(&timezone_name(texts, lang, &sub.timezone))),
            ("topics", &topics),
            ("regions", &regions),
            ("follows", &follows),
        ],
    )
}

/// Minutes after midnight as `22:00`.
pub fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Layout, quiet hours, muted sources and excluded words, for `/settings`.
pub fn preferences(texts: &Texts, lang: Lang, sub: &Subscriber) -> String {
    let none = texts.t(lang, "bot.settings.none").to_string();
    let list = |items: Vec<String>| {
        if items.is_empty() {
            none.clone()
        } else {
            items.iter().map(|i| esc(i)).collect::<Vec<_>>().join(", ")
        }
    };
    let quiet = match sub.quiet {
        Some(q) => texts.fmt(
            lang,
            "bot.quiet.range",
            &[
                ("from", &clock(q.from)),
                ("to", &clock(q.to)),
                ("timezone", &esc(&timezone_name(texts, lang, &sub.timezone))),
            ],
        ),
        None => none.clone(),
    };
    texts.fmt(
        lang,
        "bot.prefs.text",
        &[
            (
                "layout",
                texts.t(lang, &format!("bot.layout.{}", sub.layout.as_str())),
            ),
            ("quiet", &quiet),
            (
                "muted",
                &list(sub.muted.iter().map(|m| m.name.clone()).collect()),
            ),
            ("excluded", &list(sub.excludes.clone())),
        ],
    )
}

/// A time zone as people name it ("по времени Астаны", "Astana time"),
/// from `bot.timezone` in the texts; a zone not named there by its id.
pub fn timezone_name(texts: &Texts, lang: Lang, tz: &str) -> String {
    let key = format!("bot.timezone.{tz}");
    match texts.t(lang, &key) {
        name if name != key => name.to_string(),
        _ => tz.to_string(),
    }
}

/// Numbered stories with links: `/latest`, `/search`.
pub fn article_list(header: &str, articles: &[Article]) -> Vec<String> {
    let blocks = articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let source = a
                .source_name
                .as_deref()
                .map(|s| format!(" — <i>{}</i>", esc(s)))
                .unwrap_or_default();
            format!(
                "{}. <a href=\"{}\">{}</a>{source}",
                i + 1,
                esc(&a.url),
                esc(&shorten(&a.title, 200))
            )
        })
        .collect();
    pack(header, blocks, "")
}

/// `/quotes PERSON`.
pub fn quote_list(header: &str, quotes: &[QuoteRow]) -> Vec<String> {
    let blocks = quotes
        .iter()
        .map(|q| {
            let who = q.speaker.as_deref().unwrap_or("");
            format!(
                "«{}»\n— {}, <a href=\"{}\">{}</a>",
                esc(&shorten(&q.text, 400)),
                esc(who),
                esc(&q.url),
                esc(&shorten(&q.title, 120))
            )
        })
        .collect();
    pack(header, blocks, "")
}

/// `/why N`: the reasons one story was sent.
pub fn why(
    texts: &Texts,
    kb: &Knowledge,
    lang: Lang,
    n: i64,
    article: &Article,
    reasons: &Reasons,
) -> String {
    let mut lines = vec![texts.fmt(
        lang,
        "bot.why.header",
        &[
            ("n", &n.to_string()),
            ("title", &esc(&shorten(&article.title, 200))),
        ],
    )];
    if !reasons.topics.is_empty() {
        lines.push(texts.fmt(
            lang,
            "bot.why.topics",
            &[("topics", &topic_names(kb, lang, &reasons.topics))],
        ));
    }
    if !reasons.follows.is_empty() {
        let f = reasons
            .follows
            .iter()
            .map(|f| esc(f))
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(texts.fmt(lang, "bot.why.follows", &[("follows", &f)]));
    }
    if !reasons.regions.is_empty() {
        lines.push(texts.fmt(
            lang,
            "bot.why.regions",
            &[("regions", &region_names(kb, lang, &reasons.regions))],
        ));
    }
    if reasons.official {
        lines.push(texts.t(lang, "bot.why.official").to_string());
    }
    if reasons.quote {
        lines.push(texts.t(lang, "bot.why.quote").to_string());
    }
    if lines.len() == 1 {
        lines.push(texts.t(lang, "bot.why.everything").to_string());
    }
    lines.join("\n")
}

/// A Unix time as local date and time in Almaty.
pub fn when(at: i64) -> String {
    schedule::local(schedule::DEFAULT_TZ, at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The Unix time of today's local midnight (Asia/Almaty).
pub fn local_midnight(now: i64) -> i64 {
    use chrono::Timelike;
    let local = schedule::local(schedule::DEFAULT_TZ, now);
    now - i64::from(local.time().num_seconds_from_midnight())
}

/// `/stats`.
pub fn stats(texts: &Texts, kb: &Knowledge, lang: Lang, s: &Stats) -> Vec<String> {
    let header = texts.fmt(
        lang,
        "bot.stats.text",
        &[
            ("active", &s.active.to_string()),
            ("paused", &s.paused.to_string()),
            ("blocked", &s.blocked.to_string()),
            ("sent", &s.sent_since.to_string()),
            ("failed", &s.failed_since.to_string()),
            ("pending", &s.outbox_pending.to_string()),
            ("articles", &s.articles.to_string()),
        ],
    );
    let mut blocks = Vec::new();
    if !s.per_topic.is_empty() {
        let lines: Vec<String> = s
            .per_topic
            .iter()
            .map(|(id, n)| format!("{} — {n}", esc(kb.topic_name(id, lang).unwrap_or(id))))
            .collect();
        blocks.push(format!(
            "<b>{}</b>\n{}",
            texts.t(lang, "bot.stats.topics"),
            lines.join("\n")
        ));
    }
    if !s.per_region.is_empty() {
        let lines: Vec<String> = s
            .per_region
            .iter()
            .map(|(id, n)| format!("{} — {n}", esc(kb.region_name(id, lang).unwrap_or(id))))
            .collect();
        blocks.push(format!(
            "<b>{}</b>\n{}",
            texts.t(lang, "bot.stats.regions"),
            lines.join("\n")
        ));
    }
    pack(&header, blocks, "")
}

/// `/sources`: each source with its health.
pub fn sources(texts: &Texts, lang: Lang, list: &[Source]) -> Vec<String> {
    let never = texts.t(lang, "bot.sources.never");
    let blocks = list
        .iter()
        .map(|s| {
            let state = if s.paused {
                texts.fmt(
                    lang,
                    "bot.sources.paused",
                    &[("reason", &esc(s.pause_reason.as_deref().unwrap_or("")))],
                )
            } else {
                texts.t(lang, "bot.sources.active").to_string()
            };
            let mut error = s
                .last_error
                .as_deref()
                .map(|e| format!("\n  ⚠️ {}", esc(&shorten(e, 160))))
                .unwrap_or_default();
            // A listing polled fine that yields nothing is not working.
            if s.kind == SourceKind::Listing && s.articles == 0 && s.last_success_at.is_some() {
                error.push_str(&format!(
                    "\n  ⚠️ {}",
                    texts.t(lang, "bot.sources.listing_empty")
                ));
            }
            texts.fmt(
                lang,
                "bot.sources.line",
                &[
                    ("id", &s.id.to_string()),
                    ("name", &esc(&s.name)),
                    ("url", &esc(&s.url)),
                    ("kind", s.kind.as_str()),
                    ("state", &state),
                    ("articles", &s.articles.to_string()),
                    ("errors", &s.error_count.to_string()),
                    (
                        "success",
                        &s.last_success_at.map_or_else(|| never.to_string(), when),
                    ),
                ],
            ) + &error
        })
        .collect();
    pack(texts.t(lang, "bot.sources.header"), blocks, "")
}

/// `/audit [N]`.
pub fn audit(texts: &Texts, lang: Lang, entries: &[AuditEntry]) -> Vec<String> {
    let blocks = entries
        .iter()
        .map(|e| {
            format!(
                "{} {} <code>{}</code> {}{}{}",
                when(e.at),
                if e.allowed { "✅" } else { "❌" },
                e.actor_id,
                esc(&e.action),
                e.target
                    .as_deref()
                    .map(|t| format!(" → {}", esc(t)))
                    .unwrap_or_default(),
                e.detail
                    .as_deref()
                    .filter(|d| !d.is_empty())
                    .map(|d| format!(" ({})", esc(&shorten(d, 80))))
                    .unwrap_or_default(),
            )
        })
        .collect();
    pack(texts.t(lang, "bot.audit.header"), blocks, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_in_three_languages_with_clear_errors() {
        assert_eq!(parse_schedule("instant"), Ok(Schedule::Instant));
        assert_eq!(
            parse_schedule("daily 07:30"),
            Ok(Schedule::Daily { minute: 450 })
        );
        assert_eq!(parse_schedule("DAILY"), Ok(Schedule::Daily { minute: 540 }));
        for bare in [
            "8:00",
            "08:00",
            "08.00",
            "8.00",
            "daily 8.00",
            "ежедневно 08.00",
        ] {
            assert_eq!(
                parse_schedule(bare),
                Ok(Schedule::Daily { minute: 480 }),
                "{bare}"
            );
        }
        assert_eq!(
            parse_schedule("8:00 fri"),
            Err(ScheduleError::Extra("fri".into()))
        );
        assert_eq!(
            parse_schedule("weekly fri 10:00"),
            Ok(Schedule::Weekly {
                weekday: 5,
                minute: 600
            })
        );
        assert_eq!(
            parse_schedule("еженедельно пятница 18:05"),
            Ok(Schedule::Weekly {
                weekday: 5,
                minute: 1085
            })
        );
        assert_eq!(
            parse_schedule("апта сайын жұма"),
            Ok(Schedule::Weekly {
                weekday: 5,
                minute: 540
            })
        );
        assert_eq!(parse_schedule(""), Err(ScheduleError::Missing));
        assert_eq!(
            parse_schedule("daily 25:00"),
            Err(ScheduleError::BadTime("25:00".into()))
        );
        assert_eq!(
            parse_schedule("weekly someday 10:00"),
            Err(ScheduleError::BadDay("someday".into()))
        );
        assert_eq!(
            parse_schedule("hourly"),
            Err(ScheduleError::UnknownKind("hourly".into()))
        );
        assert_eq!(
            parse_schedule("instant now"),
            Err(ScheduleError::Extra("now".into()))
        );
    }

    #[test]
    fn schedule_text_is_localised() {
        let texts = Texts::embedded();
        let s = Schedule::Weekly {
            weekday: 5,
            minute: 600,
        };
        assert!(schedule_text(&texts, Lang::En, s).contains("Friday"));
        assert!(schedule_text(&texts, Lang::Ru, s).contains("10:00"));
        assert!(schedule_text(&texts, Lang::Kk, s).contains("жұма"));
    }

    #[test]
    fn why_lists_every_reason_escaped() {
        let texts = Texts::embedded();
        let kb = Knowledge::embedded();
        let article = Article {
            id: 1,
            source_id: None,
            source_name: None,
            url: "https://a.kz/1".into(),
            canonical_url: None,
            title: "Акимы <сел> & выборы".into(),
            text: String::new(),
            published_at: None,
            language: "ru".into(),
            story_id: 1,
            hidden: false,
            ingested_at: 0,
            summary_json: None,
        };
        let reasons = Reasons {
            topics: vec!["local_elections".into()],
            follows: vec!["Кошанов".into()],
            regions: vec!["akmola".into()],
            official: true,
            quote: true,
            score: 1.0,
        };
        let s = why(&texts, &kb, Lang::En, 2, &article, &reasons);
        assert!(s.contains("&lt;сел&gt; &amp;"), "{s}");
        assert!(
            s.contains("Local elections") && s.contains("Кошанов") && s.contains("Akmola"),
            "{s}"
        );
    }

    #[test]
    fn midnight_is_local() {
        // 2025-11-28 03:30 UTC = 08:30 in Almaty; midnight was 19:00 UTC the day before.
        let now = 1_764_300_600;
        assert_eq!(local_midnight(now), now - (8 * 3600 + 30 * 60));
    }
}
