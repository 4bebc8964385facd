//! Issue 12, a citizen's first week and a moderator's: names typed loosely,
//! replies in the person's words, English users, the audit trail's
//! outcomes, article pages offered as sources, and acting on a story from
//! a list. The real dispatcher on the fake Telegram Bot API.

use civic_digest::MAX_CALLBACK_BYTES;
use civic_digest::{NewSource, PollSuccess, Schedule, SourceKind};
use civic_digest_sandbox::{FakeChat, Route, SentMessage};

use crate::support::bot::{BotHarness, Options, user};

const OWNER: u64 = 900_077;

fn data_of(m: &SentMessage) -> Vec<String> {
    m.buttons
        .iter()
        .flatten()
        .filter_map(|b| b.callback_data.clone())
        .collect()
}

fn labels(m: &SentMessage) -> Vec<String> {
    m.buttons.iter().flatten().map(|b| b.text.clone()).collect()
}

#[tokio::test]
async fn names_or_their_starts_in_any_language_and_typos_get_buttons() {
    let h = BotHarness::start(Options::default()).await;
    let u = user(12_501, "Dana", "ru");
    let r = h.say(&u, "/subscribe бюджет", 1).await;
    assert!(
        r[0].plain_text.contains("Бюджет и налоги"),
        "{}",
        r[0].plain_text
    );
    let r = h.say(&u, "/subscribe білім, HEALTH", 1).await;
    assert!(r[0].buttons.is_empty(), "{}", r[0].plain_text);
    let mut topics = h.store.subscriber(12_501).unwrap().unwrap().topics;
    topics.sort();
    assert_eq!(topics, vec!["budget_taxes", "education", "healthcare"]);

    h.say(&u, "/regions Абай", 1).await;
    assert_eq!(
        h.store.subscriber(12_501).unwrap().unwrap().regions,
        vec!["abai"]
    );

    for (typed, minute) in [
        ("8:00", 480),
        ("08.00", 480),
        ("8.30", 510),
        ("daily 07.15", 435),
    ] {
        let r = h.say(&u, &format!("/schedule {typed}"), 1).await;
        assert_eq!(
            h.store.subscriber(12_501).unwrap().unwrap().schedule,
            Schedule::Daily { minute },
            "{typed}: {}",
            r[0].plain_text
        );
        // one name for the time zone
        assert!(
            r[0].plain_text.contains("по времени Астаны") && !r[0].plain_text.contains("Asia/"),
            "{}",
            r[0].plain_text
        );
    }

    // a typo: "did you mean" with a button that subscribes
    let r = h.say(&u, "/subscribe соцальная поддержка", 1).await;
    assert!(
        !r[0].plain_text.contains("соцальная"),
        "{}",
        r[0].plain_text
    );
    h.say(&u, "/unsubscribe social_support", 1).await;
    let r = h.say(&u, "/subscribe соцальная", 1).await;
    assert!(
        r[0].plain_text.contains("Возможно, вы имели в виду"),
        "{}",
        r[0].plain_text
    );
    assert_eq!(data_of(&r[0]), vec!["t:social_support"]);
    assert_eq!(labels(&r[0]), vec!["▫️ Социальная поддержка"]);
    let answer = h.tap(&u, r[0].message_id, "t:social_support").await;
    assert_eq!(answer.as_deref(), Some("✅ Социальная поддержка"));
    assert!(
        h.store
            .subscriber(12_501)
            .unwrap()
            .unwrap()
            .topics
            .contains(&"social_support".to_string())
    );
    let r = h.say(&u, "/regions Шымкнет", 1).await;
    assert_eq!(data_of(&r[0]), vec!["r:shymkent"], "{}", r[0].plain_text);
    // nothing close: no buttons, the unknown word named
    let r = h.say(&u, "/subscribe астрология", 1).await;
    assert!(r[0].buttons.is_empty() && r[0].plain_text.contains("астрология"));
    h.stop().await;
}

#[tokio::test]
async fn replies_name_topics_never_ids_and_say_what_went_wrong_in_words() {
    let h = BotHarness::start(Options {
        owners: vec![OWNER],
        ..Options::default()
    })
    .await;
    h.add_article(
        "https://inform.kz/auyl",
        "В аулах открыли новые амбулатории",
        "Сельские амбулатории.",
        &["rural_development"],
        &[],
    );
    let u = user(12_502, "Arman", "kk");
    h.say(&u, "/subscribe ауыл", 1).await;
    let r = h.say(&u, "/latest", 1).await;
    let last = r.last().expect("a list");
    assert!(data_of(last).contains(&"lt:rural_development".to_string()));
    assert!(
        labels(last).iter().any(|l| l.contains("Ауылды дамыту")),
        "{:?}",
        labels(last)
    );
    assert!(!last.plain_text.contains("rural_development"));
    h.tap(&u, last.message_id, "lt:rural_development").await;
    let shown = h.tg.sent(12_502);
    let list = shown.last().expect("the list");
    assert!(
        list.plain_text.contains("Ауылды дамыту") && list.plain_text.contains("амбулатории"),
        "{}",
        list.plain_text
    );
    // a typo in /latest: buttons with names
    let r = h.say(&u, "/latest ауылды дамту", 1).await;
    assert_eq!(
        data_of(&r[0]),
        vec!["lt:rural_development"],
        "{}",
        r[0].plain_text
    );
    let r = h.say(&u, "/settings", 1).await;
    assert!(
        r[0].plain_text.contains("Астана уақытымен") && !r[0].plain_text.contains("Asia/"),
        "{}",
        r[0].plain_text
    );

    // a site that does not answer: said in words, no library error
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let owner = user(OWNER, "Owner", "ru");
    let r = h
        .say(
            &owner,
            &format!("/addsource http://127.0.0.1:{port}/rss"),
            1,
        )
        .await;
    let text = &r[0].plain_text;
    assert!(text.contains("сайт не отвечает"), "{text}");
    assert!(
        !text.contains("error") && !text.contains("tcp") && !text.contains("fetch:"),
        "{text}"
    );
    h.site.set("/gone", Route::page(404, "text/html", "gone"));
    let r = h
        .say(&owner, &format!("/addsource {}", h.site.url("/gone")), 1)
        .await;
    assert!(
        r[0].plain_text.contains("ошибкой 404"),
        "{}",
        r[0].plain_text
    );
    h.stop().await;
}

#[tokio::test]
async fn english_search_words_find_topics_and_english_users_are_told_once() {
    let h = BotHarness::start(Options::default()).await;
    let rural = h.add_article(
        "https://liter.kz/auyl-sailau",
        "В аулах выбрали акимов",
        "Сельские жители выбрали акимов.",
        &["local_elections", "rural_development"],
        &[],
    );
    h.add_article(
        "https://liter.kz/maslihat",
        "Выборы в маслихат",
        "Городской маслихат.",
        &["local_elections"],
        &[],
    );
    let u = user(12_503, "Alice", "en");
    let r = h.say(&u, "/search rural elections", 2).await;
    assert!(
        r[0].plain_text.contains("В аулах выбрали акимов"),
        "{}",
        r[0].plain_text
    );
    assert!(!r[0].plain_text.contains("маслихат"), "{}", r[0].plain_text);
    assert!(r[0].plain_text.contains("Rural development"));
    assert!(
        r[1].plain_text.contains("Russian and Kazakh"),
        "{}",
        r[1].plain_text
    );
    assert_eq!(
        h.store.get_article(rural).unwrap().url,
        "https://liter.kz/auyl-sailau"
    );
    // once only
    let r = h.say(&u, "/search elections", 1).await;
    assert!(r[0].plain_text.contains("маслихат"), "{}", r[0].plain_text);
    h.settle(&FakeChat::private(&u)).await;
    let all = h.tg.sent(12_503);
    assert_eq!(
        all.iter()
            .filter(|m| m.plain_text.contains("Russian and Kazakh"))
            .count(),
        1
    );
    // a Russian speaker is not told
    let ru = user(12_504, "Нурлан", "ru");
    h.say(&ru, "/search выборы", 1).await;
    h.settle(&FakeChat::private(&ru)).await;
    assert_eq!(h.tg.sent(12_504).len(), 1);
    h.stop().await;
}

#[tokio::test]
async fn audit_marks_refused_and_failed_commands() {
    let h = BotHarness::start(Options {
        owners: vec![OWNER],
        ..Options::default()
    })
    .await;
    let owner = user(OWNER, "Owner", "en");
    h.say(&owner, "/pausesource 999", 1).await;
    h.say(&owner, "/stats", 1).await;
    // the outcome is written once the command has answered
    h.settle(&FakeChat::private(&owner)).await;
    let audit = h.store.recent_audit(10).unwrap();
    let outcome = |action: &str| audit.iter().find(|e| e.action == action).map(|e| e.allowed);
    assert_eq!(outcome("pausesource"), Some(false), "{audit:?}");
    assert_eq!(outcome("stats"), Some(true), "{audit:?}");
    let r = h.say(&owner, "/audit", 1).await;
    let line = |action: &str| {
        r[0].plain_text
            .lines()
            .find(|l| l.contains(action))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("pausesource").contains('❌'), "{}", r[0].plain_text);
    assert!(line("pausesource").contains("999"), "{}", r[0].plain_text);
    assert!(line("stats").contains('✅'), "{}", r[0].plain_text);
    h.stop().await;
}

/// An article's page in a site's chrome: menu links, then one story.
fn article_page(menu: usize) -> String {
    let links: String = (0..menu)
        .map(|i| format!("<li><a href=\"/news/section-{i}\">Раздел {i}</a></li>"))
        .collect();
    format!(
        "<html><head><title>Аким ответил жителям</title>\
         <meta property=\"og:type\" content=\"article\"></head>\
         <body><nav><ul>{links}</ul></nav><article><h1>Аким ответил жителям</h1>\
         <p>Аким района встретился с жителями и ответил на вопросы о дорогах.</p></article></body></html>"
    )
}

#[tokio::test]
async fn an_article_page_is_refused_as_a_source_and_an_empty_listing_warns() {
    let h = BotHarness::start(Options {
        owners: vec![OWNER],
        ..Options::default()
    })
    .await;
    let owner = user(OWNER, "Owner", "en");
    h.site
        .set("/news/akim-answered", Route::html(article_page(12)));
    let r = h
        .say(
            &owner,
            &format!("/addsource {}", h.site.url("/news/akim-answered")),
            1,
        )
        .await;
    let text = &r[0].plain_text;
    assert!(text.contains("single article"), "{text}");
    assert!(text.contains(&h.site.url("/news/")), "the hint: {text}");
    assert!(h.store.list_sources().unwrap().is_empty());

    // a listing polled without error that yields no article is a warning
    let id = h
        .store
        .add_source(
            &NewSource {
                name: "Empty listing".into(),
                url: h.site.url("/empty/"),
                kind: SourceKind::Listing,
                language: None,
                region: None,
                official: false,
                link_selector: Some("a.story".into()),
            },
            0,
        )
        .unwrap();
    h.store
        .record_poll_success(
            id,
            &PollSuccess {
                validators: None,
                next_poll_at: 0,
            },
            1,
        )
        .unwrap();
    let r = h.say(&owner, "/sources", 1).await;
    assert!(
        r[0].plain_text
            .contains("⚠️ this listing page yields no articles"),
        "{}",
        r[0].plain_text
    );
    h.stop().await;
}

#[tokio::test]
async fn moderators_hide_and_retopic_from_their_search_results() {
    let h = BotHarness::start(Options {
        owners: vec![OWNER],
        ..Options::default()
    })
    .await;
    let article = h.add_article(
        "https://liter.kz/akims",
        "Итоги выборов сельских акимов",
        "Прошли выборы в аулах.",
        &["local_elections"],
        &[],
    );
    let owner = user(OWNER, "Owner", "ru");
    let r = h.say(&owner, "/search выборы", 1).await;
    let data = data_of(&r[0]);
    assert_eq!(
        data,
        vec![format!("mh:{article}"), format!("mt:{article}")],
        "{}",
        r[0].plain_text
    );
    assert!(data.iter().all(|d| d.len() <= MAX_CALLBACK_BYTES));
    assert!(labels(&r[0]).iter().any(|l| l.contains("Скрыть №1")));
    // a citizen's results carry no buttons, and a crafted press is refused
    let citizen = user(12_505, "Citizen", "ru");
    let c = h.say(&citizen, "/search выборы", 1).await;
    assert!(c[0].buttons.is_empty());
    let answer = h
        .tap(&citizen, c[0].message_id, &format!("mh:{article}"))
        .await;
    assert_eq!(
        answer.as_deref(),
        Some(h.texts.t(civic_digest::Lang::Ru, "bot.moderators_only"))
    );
    assert!(!h.store.get_article(article).unwrap().hidden);

    // retopic: the topics open as buttons, a tap adds one
    h.tap(&owner, r[0].message_id, &format!("mt:{article}"))
        .await;
    let picker =
        h.tg.sent(OWNER as i64)
            .last()
            .cloned()
            .expect("topic picker");
    assert!(
        picker.plain_text.contains("Итоги выборов"),
        "{}",
        picker.plain_text
    );
    let add = format!("ma:{article}:rural_development");
    assert!(data_of(&picker).contains(&add));
    assert!(
        data_of(&picker)
            .iter()
            .all(|d| d.len() <= MAX_CALLBACK_BYTES)
    );
    let answer = h.tap(&owner, picker.message_id, &add).await;
    assert_eq!(answer.as_deref(), Some("✅ Развитие села"));
    let topics: Vec<String> = h
        .store
        .article_topics(article)
        .unwrap()
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(topics, vec!["local_elections", "rural_development"]);

    h.tap(&owner, r[0].message_id, &format!("mh:{article}"))
        .await;
    assert!(h.store.get_article(article).unwrap().hidden);
    let audit = h.store.recent_audit(20).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "hide" && e.allowed && e.actor_id == OWNER as i64)
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "hide" && !e.allowed && e.actor_id == 12_505)
    );
    // /retopic takes names and their starts too, as the help shows
    h.say(
        &owner,
        &format!("/retopic {article} образование, денсаулық"),
        1,
    )
    .await;
    let topics: Vec<String> = h
        .store
        .article_topics(article)
        .unwrap()
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(topics, vec!["education", "healthcare"]);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_add_refuses_an_article_page_with_a_hint() {
    let h = crate::support::Harness::new().await;
    h.site
        .set("/news/akim-answered", Route::html(article_page(12)));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_civic-digest"))
        .args(["--db", h.config.database_path.to_str().unwrap()])
        .args(["sources", "add", &h.site.url("/news/akim-answered")])
        .env("ALLOW_PRIVATE_SOURCES", "true")
        .env("HOST_DELAY_MS", "0")
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .await
        .expect("run civic-digest");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("single article") && err.contains(&h.site.url("/news/")),
        "{err}"
    );
    assert!(h.store.list_sources().unwrap().is_empty());
}
