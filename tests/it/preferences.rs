//! Issue 12, items 7 and 13, through the real dispatcher on the sandbox
//! Telegram and the real sender: a digest that fits a phone (compact
//! layout, pages behind a "more" button), muted sources, excluded words,
//! quiet hours and a channel a moderator binds; and the same filters in
//! the CLI `digest`.

use std::sync::Arc;
use std::time::Duration;

use civic_digest::Digester;
use civic_digest::Filters;
use civic_digest::Lang;
use civic_digest::{ChatKind, NewArticle, NewSource, SourceKind, Store};
use civic_digest::{EntryLayout, Style};
use civic_digest::{Knowledge, Quote, Summary, TopicScore};
use civic_digest::{Pace, Sender};
use civic_digest_sandbox::{FakeChat, SentMessage};
use tokio::sync::Notify;

use crate::support::Harness;
use crate::support::bot::{BotHarness, Options, user};

/// Sends what the outbox holds through the sandbox, as `run` does.
async fn deliver(h: &BotHarness) {
    let sender = Sender::new(h.bot.clone(), h.store.clone(), Arc::new(Notify::new()))
        .with_pace(Pace::unpaced());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        sender.drain_once().await.expect("drain");
        let (pending, sending, ..) = h.store.outbox_counts().unwrap();
        if pending + sending == 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "outbox not drained");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn source(store: &Store, name: &str, url: &str) -> i64 {
    store
        .add_source(
            &NewSource {
                name: name.into(),
                url: url.into(),
                kind: SourceKind::Feed,
                language: Some("ru".into()),
                region: None,
                official: false,
                link_selector: None,
            },
            0,
        )
        .unwrap()
}

/// An article of a source, with a quote, on one topic.
fn article(store: &Store, source_id: Option<i64>, url: &str, title: &str, topic: &str) -> i64 {
    let summary = Summary {
        title: title.into(),
        text: format!("{title}. Подробности в материале."),
        topics: vec![TopicScore {
            id: topic.into(),
            score: 1.0,
            primary: true,
        }],
        regions: vec!["abai".into()],
        quotes: vec![Quote {
            text: "Мы продолжим эту работу в каждом районе области".into(),
            speaker: Some("Ерлан Кошанов".into()),
            speaker_role: None,
            via: None,
            score: 1.0,
        }],
        ..Default::default()
    };
    store
        .insert_article(
            &NewArticle {
                source_id,
                url: url.into(),
                canonical_url: None,
                title: title.into(),
                text: summary.text.clone(),
                published_at: Some(chrono::Utc::now().fixed_offset()),
                language: "ru".into(),
                content_hash: format!("hash-{url}"),
                minhash: url.bytes().chain(std::iter::repeat(0)).take(8).collect(),
                story_id: None,
                summary: Some(summary),
            },
            chrono::Utc::now().timestamp(),
        )
        .unwrap()
        .unwrap()
}

/// `/digest` in a private chat; returns the article ids it held.
async fn digest_ids(
    h: &BotHarness,
    chat: &FakeChat,
    who: &civic_digest_sandbox::FakeUser,
) -> Vec<i64> {
    let before = h.store.last_digest_entries(chat.id()).unwrap();
    h.tg.push_message(chat, who, "/digest");
    h.settle(chat).await;
    let after = h.store.last_digest_entries(chat.id()).unwrap();
    assert!(
        !after.is_empty() && after != before,
        "no new digest; transcript:\n{}",
        h.tg.transcript()
    );
    h.store
        .last_digest_entries(chat.id())
        .unwrap()
        .iter()
        .map(|e| e.article_id)
        .collect()
}

/// The digest messages of a chat (they link their stories), in order.
fn digests(h: &BotHarness, chat: &FakeChat) -> Vec<SentMessage> {
    h.tg.sent(chat.id())
        .into_iter()
        .filter(|m| m.text.contains("<a href="))
        .collect()
}

fn more_button(m: &SentMessage) -> Option<String> {
    m.button_rows()
        .into_iter()
        .flatten()
        .map(|(_, data)| data)
        .find(|d| d.starts_with("pg:"))
}

/// Item 7: twelve stories come as a first page of five under «ещё»; the
/// button sends the next page once (a second press says so), pages wait
/// in the database, and an unknown or expired page says it has expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_digest_pages_behind_a_more_button_that_sends_each_page_once() {
    let h = BotHarness::start(Options::default()).await;
    let u = user(7001, "Айгерим", "ru");
    let chat = FakeChat::private(&u);
    h.say(&u, "/subscribe образование, здравоохранение, бюджет", 1)
        .await;
    for (i, topic) in ["education", "healthcare", "budget_taxes"]
        .iter()
        .cycle()
        .take(12)
        .enumerate()
    {
        article(
            &h.store,
            None,
            &format!("https://liter.kz/news/{i}"),
            &format!("Сюжет номер {i} о реформе"),
            topic,
        );
    }
    let ids = digest_ids(&h, &chat, &u).await;
    assert_eq!(ids.len(), 12, "twelve stories in the digest");
    deliver(&h).await;
    let sent = digests(&h, &chat);
    assert_eq!(sent.len(), 1, "one message, not a wall of text");
    let first = sent.last().unwrap().clone();
    assert!(first.plain_text.contains("5. "), "{}", first.plain_text);
    assert!(
        !first.plain_text.contains("6. "),
        "five a page: {}",
        first.plain_text
    );
    let data = more_button(&first).expect("a «ещё» button");
    assert!(
        first.buttons[0][0].text.contains("ещё"),
        "{:?}",
        first.buttons
    );
    assert_eq!(h.store.waiting_pages(chat.id()).unwrap(), 2);

    // The pages wait in the database file, whatever the process.
    let reopened = Store::open(&h.config.database_path).unwrap();
    assert_eq!(reopened.waiting_pages(chat.id()).unwrap(), 2);
    drop(reopened);

    let answer = h.tap(&u, first.message_id, &data).await;
    assert_eq!(answer, None, "no toast: the page itself is the answer");
    deliver(&h).await;
    let after = digests(&h, &chat);
    assert_eq!(after.len(), sent.len() + 1, "one page more");
    let second = after.last().unwrap();
    assert!(second.plain_text.contains("6. ") && second.plain_text.contains("10. "));
    assert!(!second.plain_text.contains("11. "), "{}", second.plain_text);
    let next = more_button(second).expect("the second page leads to the third");
    assert_ne!(next, data);
    assert!(
        h.message(chat.id(), first.message_id).buttons.is_empty(),
        "the pressed button leaves the first page"
    );

    let again = h.tap(&u, first.message_id, &data).await;
    assert!(again.unwrap_or_default().contains("уже отправлена"));
    deliver(&h).await;
    assert_eq!(digests(&h, &chat).len(), after.len(), "no page twice");

    let expired = h.tap(&u, second.message_id, "pg:999999").await;
    assert!(expired.unwrap_or_default().contains("устарела"));
    h.tap(&u, second.message_id, &next).await;
    deliver(&h).await;
    let third = digests(&h, &chat).last().unwrap().clone();
    assert!(third.plain_text.contains("12. "), "{}", third.plain_text);
    assert!(more_button(&third).is_none(), "the last page has no button");
    assert!(
        third.plain_text.contains("/settings"),
        "the footer ends the digest"
    );
    assert_eq!(h.store.waiting_pages(chat.id()).unwrap(), 0);
    h.stop().await;
}

/// Item 7: groups get the compact layout by default; anyone picks full or
/// compact under /settings, and the digest follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compact_is_the_group_default_and_a_settings_choice() {
    let h = BotHarness::start(Options::default()).await;
    let admin = user(7101, "Аким", "ru");
    let group = FakeChat::group(7100, "Акимы района");
    h.tg.make_admin(group.id(), &admin);
    h.say_in(&group, &admin, "/subscribe образование", 1).await;
    assert_eq!(
        h.store.subscriber(group.id()).unwrap().unwrap().layout,
        civic_digest::Layout::Compact
    );

    let u = user(7102, "Dana", "en");
    let chat = FakeChat::private(&u);
    h.say(&u, "/subscribe education", 1).await;
    article(
        &h.store,
        None,
        "https://liter.kz/a",
        "Новые школы в Абайской области",
        "education",
    );
    digest_ids(&h, &chat, &u).await;
    deliver(&h).await;
    let full = digests(&h, &chat).last().unwrap().plain_text.clone();
    assert!(full.contains("📍"), "full shows regions: {full}");

    let r = h.say(&u, "/settings", 1).await;
    assert!(
        r[0].plain_text.contains("Digest layout: Full"),
        "{}",
        r[0].plain_text
    );
    let rows = r[0].button_rows();
    assert_eq!(rows[0][1].1, "lay:compact", "{rows:?}");
    let answer = h.tap(&u, r[0].message_id, "lay:compact").await;
    assert!(answer.unwrap_or_default().contains("Compact"));
    assert!(
        h.message(chat.id(), r[0].message_id).button_rows()[0][1]
            .0
            .starts_with('✅')
    );
    article(
        &h.store,
        None,
        "https://liter.kz/b",
        "Ещё одна школа открылась в Семее",
        "education",
    );
    digest_ids(&h, &chat, &u).await;
    deliver(&h).await;
    let compact = digests(&h, &chat).last().unwrap().plain_text.clone();
    assert!(
        compact.contains("Семее") && !compact.contains("📍"),
        "{compact}"
    );
    assert!(compact.contains("— Кошанов"), "one short quote: {compact}");
    h.stop().await;
}

/// Item 13: a muted source's copies and stories with an excluded word (any
/// form, any script) leave the digest; /unmute and /include bring them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn muted_sources_and_excluded_words_leave_the_digest() {
    let h = BotHarness::start(Options::default()).await;
    let u = user(7201, "Ержан", "kk");
    let chat = FakeChat::private(&u);
    let liter = source(&h.store, "Liter.kz", "https://liter.kz/feed/");
    let zakon = source(&h.store, "Zakon.kz", "https://www.zakon.kz/rss/");
    let a = article(
        &h.store,
        Some(liter),
        "https://liter.kz/1",
        "Аким рассказал о дорогах",
        "local_government",
    );
    let b = article(
        &h.store,
        Some(zakon),
        "https://zakon.kz/2",
        "Токаев подписал закон о местном самоуправлении",
        "local_government",
    );
    let c = article(
        &h.store,
        Some(zakon),
        "https://zakon.kz/3",
        "Итоги выборов акимов сельских округов",
        "local_government",
    );
    h.say(&u, "/subscribe local_government", 1).await;

    let r = h.say(&u, "/mute литер", 1).await;
    assert!(
        r[0].plain_text.contains("«Liter.kz»"),
        "{}",
        r[0].plain_text
    );
    let r = h.say(&u, "/exclude Tokayev", 1).await;
    assert!(r[0].plain_text.contains("Tokayev"), "{}", r[0].plain_text);
    let r = h.say(&u, "/exclude выборы", 1).await;
    assert!(r[0].plain_text.contains("выборы"), "{}", r[0].plain_text);
    let r = h.say(&u, "/mute nosuchsite", 1).await;
    assert!(
        r[0].plain_text.contains("nosuchsite") && !r[0].plain_text.contains("🔇"),
        "an unknown name mutes nothing: {}",
        r[0].plain_text
    );
    let r = h.say(&u, "/settings", 1).await;
    assert!(r[0].plain_text.contains("Liter.kz") && r[0].plain_text.contains("Tokayev"));

    // Everything else is excluded: nothing new, nothing sent.
    h.tg.push_message(&chat, &u, "/digest");
    h.settle(&chat).await;
    assert!(
        h.store.last_digest_entries(chat.id()).unwrap().is_empty(),
        "a, b and c are all left out"
    );

    let r = h.say(&u, "/include выборы", 1).await;
    assert!(r[0].plain_text.contains("выборы"), "{}", r[0].plain_text);
    // A new story brings the digest (the watermark moved past a, b, c).
    let d = article(
        &h.store,
        Some(zakon),
        "https://zakon.kz/4",
        "Выборов акимов районов станет больше",
        "local_government",
    );
    let e = article(
        &h.store,
        Some(liter),
        "https://liter.kz/5",
        "Маслихат утвердил бюджет района",
        "local_government",
    );
    let ids = digest_ids(&h, &chat, &u).await;
    assert_eq!(ids, vec![d], "e muted, d no longer excluded");
    let r = h.say(&u, "/unmute Liter", 1).await;
    assert!(r[0].plain_text.contains("Liter.kz"), "{}", r[0].plain_text);
    let r = h.say(&u, "/include all", 1).await;
    assert!(!r[0].plain_text.is_empty());
    let sub = h.store.subscriber(chat.id()).unwrap().unwrap();
    assert!(sub.muted.is_empty() && sub.excludes.is_empty());
    let _ = (a, b, c, e);
    h.stop().await;
}

/// Item 13: in quiet hours (the subscriber's time zone, Astana time by
/// default) digests come with `disable_notification`; outside them, with
/// a sound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_send_digests_silently() {
    let h = BotHarness::start(Options::default()).await;
    let u = user(7301, "Марат", "ru");
    let chat = FakeChat::private(&u);
    h.say(&u, "/subscribe образование", 1).await;
    let r = h.say(&u, "/quiet поздно", 1).await;
    assert!(
        r[0].plain_text.contains("/quiet 22-07"),
        "{}",
        r[0].plain_text
    );
    // Quiet from an hour ago to two hours on, Astana time.
    let almaty = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Almaty);
    use chrono::Timelike;
    let hour = almaty.hour();
    let range = format!("{}-{}", (hour + 23) % 24, (hour + 2) % 24);
    let r = h.say(&u, &format!("/quiet {range}"), 1).await;
    assert!(
        r[0].plain_text.contains("по времени Астаны"),
        "{}",
        r[0].plain_text
    );
    article(
        &h.store,
        None,
        "https://liter.kz/q1",
        "Школы перешли на новый стандарт",
        "education",
    );
    digest_ids(&h, &chat, &u).await;
    deliver(&h).await;
    let m = digests(&h, &chat).last().unwrap().clone();
    assert!(
        m.plain_text.contains("стандарт") && m.silent,
        "sent silently"
    );

    let r = h.say(&u, "/quiet off", 1).await;
    assert!(r[0].plain_text.contains("🔔"), "{}", r[0].plain_text);
    assert!(!r[0].silent, "a reply is never silent");
    article(
        &h.store,
        None,
        "https://liter.kz/q2",
        "Учителям подняли зарплаты",
        "education",
    );
    digest_ids(&h, &chat, &u).await;
    deliver(&h).await;
    let m = digests(&h, &chat).last().unwrap().clone();
    assert!(
        m.plain_text.contains("зарплаты") && !m.silent,
        "with a sound"
    );
    h.stop().await;
}

/// Item 13: a moderator binds a channel where the bot is an administrator
/// (getChat + getChatMember), sets what it gets, and it receives digests
/// whole, with no "more" button; a channel without the bot is refused
/// with a clear message; every step is audited; `/channel off` unbinds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_binds_a_channel_where_the_bot_is_an_admin() {
    let owner = 7401;
    let h = BotHarness::start(Options {
        owners: vec![owner],
        ..Options::default()
    })
    .await;
    let m = user(owner, "Модератор", "ru");
    let citizen = user(7402, "Гражданин", "ru");
    let channel = FakeChat::channel(1_007_400, "Акимат Абая", "akimat_abai");

    let r = h.say(&citizen, "/channel @akimat_abai", 1).await;
    assert!(r[0].plain_text.contains("модератор"), "{}", r[0].plain_text);

    let r = h.say(&m, "/channel @akimat_abai", 1).await;
    assert!(
        r[0].plain_text.contains("не найден"),
        "unknown: {}",
        r[0].plain_text
    );
    h.tg.add_channel(&channel, false);
    let r = h.say(&m, "/channel @akimat_abai", 1).await;
    assert!(
        r[0].plain_text.contains("не администратор"),
        "{}",
        r[0].plain_text
    );
    assert!(h.store.subscriber(channel.id()).unwrap().is_none());

    h.tg.add_channel(&channel, true);
    let r = h.say(&m, "/channel @akimat_abai", 1).await;
    assert!(r[0].plain_text.contains("подключён"), "{}", r[0].plain_text);
    let sub = h.store.subscriber(channel.id()).unwrap().unwrap();
    assert_eq!(
        (sub.chat_kind, sub.bound_by),
        (ChatKind::Channel, Some(owner as i64))
    );
    let r = h
        .say(&m, "/channel @akimat_abai topics образование", 1)
        .await;
    assert!(
        r[0].plain_text.contains("Образование"),
        "{}",
        r[0].plain_text
    );
    h.say(&m, "/channel @akimat_abai schedule instant", 1).await;
    let r = h.say(&m, "/channel @akimat_abai topics нечто", 1).await;
    assert!(r[0].plain_text.contains("нечто"), "{}", r[0].plain_text);

    for i in 0..7 {
        article(
            &h.store,
            None,
            &format!("https://liter.kz/ch{i}"),
            &format!("Школа {i} открылась"),
            "education",
        );
    }
    article(
        &h.store,
        None,
        "https://liter.kz/other",
        "Больницу отремонтировали",
        "healthcare",
    );
    let kb = Knowledge::embedded();
    let digester = Digester {
        store: &h.store,
        texts: &h.texts,
        names: &kb,
        cap: 10,
        max_age: civic_digest::DEFAULT_MAX_AGE,
    };
    let report = digester.run_due(chrono::Utc::now().timestamp()).unwrap();
    assert_eq!(report.digests, 1, "{report:?}");
    deliver(&h).await;
    let posts = h.tg.sent(channel.id());
    let all: String = posts.iter().map(|p| p.plain_text.clone()).collect();
    assert!(
        all.contains("Школа 6") && !all.contains("Больницу"),
        "{all}"
    );
    assert!(
        posts.iter().all(|p| more_button(p).is_none()),
        "a channel is not paged"
    );

    let audit = h.store.recent_audit(50).unwrap();
    let channel_lines: Vec<_> = audit.iter().filter(|a| a.action == "channel").collect();
    assert!(channel_lines.len() >= 5, "{audit:?}");
    assert!(
        channel_lines.iter().any(|a| !a.allowed),
        "refusals marked: {audit:?}"
    );

    let r = h.say(&m, "/channel", 1).await;
    assert!(
        r[0].plain_text.contains("Акимат Абая"),
        "{}",
        r[0].plain_text
    );
    let r = h.say(&m, "/channel off @akimat_abai", 1).await;
    assert!(r[0].plain_text.contains("отключён"), "{}", r[0].plain_text);
    assert!(h.store.subscriber(channel.id()).unwrap().is_none());
    h.stop().await;
}

/// /help and the command menus name the new commands in every language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_and_menus_list_the_new_commands() {
    let owner = 7501;
    let h = BotHarness::start(Options {
        owners: vec![owner],
        ..Options::default()
    })
    .await;
    for (id, lang) in [(7502, "ru"), (7503, "kk"), (7504, "en")] {
        let u = user(id, "U", lang);
        let all: String = h
            .say(&u, "/help", 1)
            .await
            .iter()
            .map(|m| m.plain_text.clone())
            .collect();
        for cmd in ["/mute", "/unmute", "/exclude", "/include", "/quiet 22-07"] {
            assert!(all.contains(cmd), "{lang}: {cmd} in {all}");
        }
        assert!(!all.contains("/channel"), "not for citizens");
        let menu = civic_digest::menu(
            &h.texts,
            Lang::from_code(lang).unwrap(),
            civic_digest::Role::Moderator,
        );
        assert!(
            menu.iter()
                .any(|c| c.command == "channel" && !c.description.starts_with("cmd."))
        );
        assert!(menu.iter().any(|c| c.command == "quiet"));
    }
    let m = user(owner, "M", "kk");
    let all: String = h
        .say(&m, "/help", 1)
        .await
        .iter()
        .map(|m| m.plain_text.clone())
        .collect();
    assert!(all.contains("/channel @akimat_abai"), "{all}");
    h.stop().await;
}

/// The CLI `digest` obeys the same filters: `--mute` by a source's name,
/// `--exclude` in any form; `--layout compact --page-stories 5` pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_digest_obeys_mute_and_exclude() {
    let h = Harness::new().await;
    let liter = source(&h.store, "Liter.kz", "https://liter.kz/feed/");
    let zakon = source(&h.store, "Zakon.kz", "https://www.zakon.kz/rss/");
    let kept = article(
        &h.store,
        Some(zakon),
        "https://zakon.kz/c1",
        "Маслихат утвердил бюджет",
        "budget_taxes",
    );
    let muted = article(
        &h.store,
        Some(liter),
        "https://liter.kz/c2",
        "Акимы отчитались перед жителями",
        "local_government",
    );
    let excluded = article(
        &h.store,
        Some(zakon),
        "https://zakon.kz/c3",
        "Тоқаев встретился с акимами",
        "local_government",
    );
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_civic-digest"))
            .args(["--db", h.config.database_path.to_str().unwrap()])
            .args(["digest", "--hours", "100", "--format", "json"])
            .args(args)
            .env_remove("TELOXIDE_TOKEN")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
    };
    let ids = |rows: &[serde_json::Value]| {
        let mut ids: Vec<i64> = rows
            .iter()
            .filter_map(|r| r["article_id"].as_i64())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(ids(&cli(&[])), vec![kept, muted, excluded]);
    // By the site's host, and a Latin spelling of a Kazakh name.
    assert_eq!(
        ids(&cli(&["--mute", "liter.kz", "--exclude", "Tokayev"])),
        vec![kept]
    );
    let pages = std::process::Command::new(env!("CARGO_BIN_EXE_civic-digest"))
        .args(["--db", h.config.database_path.to_str().unwrap()])
        .args([
            "digest",
            "--hours",
            "100",
            "--format",
            "html",
            "--layout",
            "compact",
            "--page-stories",
            "2",
        ])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&pages.stdout);
    assert_eq!(html.matches("next message").count(), 1, "two pages: {html}");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_civic-digest"))
        .args([
            "--db",
            h.config.database_path.to_str().unwrap(),
            "digest",
            "--mute",
            "nosuchoutlet",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--mute"));
}

/// Item 7's figures: the demo's stories as a private chat and a group get
/// them, before (full layout, every message at once) and after (a group's
/// compact default; five stories a message, the rest behind «ещё»).
/// `cargo test --test it digest_figures -- --nocapture` prints them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_figures_full_and_compact_in_a_group_and_a_private_chat() {
    let h = Harness::new().await;
    let _site = h.serve_demo_sources().await;
    let kb = Arc::new(std::sync::RwLock::new(Knowledge::embedded()));
    let poller = civic_digest::service::poller(h.store.clone(), &h.config, kb.clone()).unwrap();
    let now = chrono::Utc::now().timestamp();
    poller.poll_all(now).await.unwrap();
    let kb = kb.read().unwrap();
    let texts = civic_digest::Texts::embedded();
    // What a reader sees: the tags go, the links hide behind their titles.
    let visible = |m: &str| {
        let text = regex::Regex::new("<[^>]*>")
            .unwrap()
            .replace_all(m, "")
            .into_owned();
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .chars()
            .count()
    };
    let chars = |m: &[String]| m.iter().map(|s| visible(s)).sum::<usize>();
    let mut rows = Vec::new();
    for (who, low_bandwidth, cap) in [("private", false, 5), ("group", true, 3)] {
        let digester = Digester {
            store: &h.store,
            texts: &texts,
            names: &*kb,
            cap,
            max_age: std::time::Duration::from_secs(3650 * 86_400),
        };
        let style = Style {
            lang: Lang::Ru,
            low_bandwidth,
            instant: false,
        };
        let filters = Filters::default();
        for (name, layout) in [
            ("full, all at once (before)", EntryLayout::default()),
            (
                "full, paged",
                EntryLayout {
                    compact: false,
                    per_page: 5,
                },
            ),
            (
                "compact, paged",
                EntryLayout {
                    compact: true,
                    per_page: 5,
                },
            ),
        ] {
            let (messages, entries) = digester.preview_as(&filters, style, layout, now).unwrap();
            let first = visible(&messages[0]);
            // Paged, only the first message is sent; «ещё» brings the rest.
            let at_once = if layout.per_page == usize::MAX {
                messages.len()
            } else {
                1
            };
            println!(
                "{who:8} {name:28} stories {:2}  messages {} (sent at once {at_once})  characters {:5}  first message {:5}",
                entries.len(),
                messages.len(),
                chars(&messages),
                first
            );
            rows.push((
                who,
                name,
                entries.len(),
                messages.len(),
                chars(&messages),
                first,
            ));
        }
    }
    let get = |who: &str, name: &str| {
        rows.iter()
            .find(|r| r.0 == who && r.1.starts_with(name))
            .unwrap()
    };
    for who in ["private", "group"] {
        let (before, compact) = (get(who, "full, all"), get(who, "compact"));
        assert_eq!(before.2, compact.2, "the same stories");
        assert!(
            compact.4 * 10 < before.4 * 8,
            "{who}: compact is at least 20 % shorter: {compact:?} vs {before:?}"
        );
        assert!(
            compact.5 < 2000,
            "{who}: the first message fits a phone screen or two: {compact:?}"
        );
    }
    assert!(get("private", "full, all").2 >= 10, "{rows:?}");
}
