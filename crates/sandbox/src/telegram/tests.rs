//! The fake Bot API against the real teloxide client.

use std::time::{Duration, Instant};

use teloxide::dispatching::{Dispatcher, UpdateFilterExt};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, ChatAction, InlineKeyboardButton, InlineKeyboardMarkup,
    LinkPreviewOptions, MessageEntityKind, ParseMode, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use super::{BOT_ID, BOT_USERNAME, FakeChat, FakeTelegram, FakeUser, Limits};

async fn start(limits: Limits) -> (FakeTelegram, Bot) {
    let fake = FakeTelegram::start(limits).await.expect("fake starts");
    let bot = Bot::new("123:TEST").set_api_url(fake.api_url());
    (fake, bot)
}

fn aigerim() -> FakeUser {
    FakeUser::new(1001, "Aigerim")
        .with_username("aigerim")
        .with_language("kk")
}

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback("✅ Education", "topic:education"),
        InlineKeyboardButton::callback("Healthcare", "topic:healthcare"),
    ]])
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

#[tokio::test]
async fn get_me_answers_the_sandbox_bot() {
    let (_fake, bot) = start(Limits::unlimited()).await;
    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.id, UserId(BOT_ID));
    assert!(me.is_bot);
    assert_eq!(me.username(), BOT_USERNAME);
}

#[tokio::test]
async fn html_message_with_keyboard_is_recorded_and_returned_parsed() {
    let (fake, bot) = start(Limits::default()).await;
    let msg = bot
        .send_message(
            ChatId(1001),
            "<b>Жаңалықтар</b> &amp; <a href=\"https://example.kz/a\">more</a>",
        )
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .link_preview_options(no_preview())
        .await
        .expect("sendMessage");
    assert_eq!(msg.text(), Some("Жаңалықтар & more"));
    let entities = msg.entities().expect("entities");
    assert_eq!(entities[0].kind, MessageEntityKind::Bold);
    assert_eq!((entities[0].offset, entities[0].length), (0, 10));
    assert!(matches!(
        entities[1].kind,
        MessageEntityKind::TextLink { .. }
    ));
    assert!(msg.reply_markup().is_some());

    let sent = fake.sent(1001);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message_id, msg.id.0);
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    assert!(sent[0].text.starts_with("<b>"));
    assert_eq!(sent[0].plain_text, "Жаңалықтар & more");
    assert!(sent[0].link_preview_disabled);
    assert_eq!(
        sent[0].button_rows(),
        vec![vec![
            ("✅ Education".to_string(), "topic:education".to_string()),
            ("Healthcare".to_string(), "topic:healthcare".to_string()),
        ]]
    );
    assert_eq!(fake.stats().messages_accepted, 1);
}

#[tokio::test]
async fn older_disable_web_page_preview_is_understood() {
    let (fake, _bot) = start(Limits::unlimited()).await;
    let resp = reqwest::Client::new()
        .post(format!("{}bot1:A/sendMessage", fake.api_url()))
        .form(&[
            ("chat_id", "5"),
            ("text", "https://example.kz"),
            ("disable_web_page_preview", "true"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert!(fake.sent(5)[0].link_preview_disabled);
}

#[tokio::test]
async fn pushed_message_arrives_through_long_polling() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let user = aigerim();
    let poll = {
        let bot = bot.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            let updates = bot.get_updates().timeout(5).await;
            (updates, t.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let id = fake.push_message(FakeChat::private(&user), &user, "/start hello");
    let (updates, waited) = poll.await.expect("poll task");
    let updates = updates.expect("getUpdates");
    assert!(
        waited >= Duration::from_millis(250),
        "returned before the push"
    );
    assert!(waited < Duration::from_secs(3), "did not wake on the push");
    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), id);
    let UpdateKind::Message(msg) = &updates[0].kind else {
        panic!("not a message: {:?}", updates[0].kind);
    };
    assert_eq!(msg.chat.id, ChatId(1001));
    assert_eq!(
        msg.from.as_ref().map(|u| u.first_name.as_str()),
        Some("Aigerim")
    );
    assert_eq!(msg.text(), Some("/start hello"));
    let cmd = &msg.entities().expect("entities")[0];
    assert_eq!(cmd.kind, MessageEntityKind::BotCommand);
    assert_eq!((cmd.offset, cmd.length), (0, 6));

    // Unconfirmed updates come again; an offset above them confirms them.
    let again = bot.get_updates().await.expect("getUpdates");
    assert_eq!(again.len(), 1);
    let next = i32::try_from(id + 1).expect("small id");
    let after = bot.get_updates().offset(next).await.expect("getUpdates");
    assert!(after.is_empty());
    assert_eq!(fake.pending_updates(), 0);

    // `limit` caps a batch.
    let a = fake.push_message(FakeChat::private(&user), &user, "one");
    fake.push_message(FakeChat::private(&user), &user, "two");
    let batch = bot.get_updates().offset(next).limit(1).await.expect("poll");
    assert_eq!(batch.len(), 1);
    assert_eq!(i64::from(batch[0].id.0), a);
    let next = i32::try_from(a + 2).expect("small id");
    bot.get_updates().offset(next).await.expect("confirm");

    // Nothing pushed: the poll really waits for its timeout.
    let t = Instant::now();
    let empty = bot
        .get_updates()
        .offset(next)
        .timeout(1)
        .await
        .expect("poll");
    assert!(empty.is_empty());
    assert!(t.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn dispatcher_answers_a_pushed_message_and_shuts_down() {
    let (fake, bot) = start(Limits::default()).await;
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let text = msg.text().unwrap_or_default().to_string();
        bot.send_message(msg.chat.id, format!("Сәлем! You said: {text}"))
            .await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let token = dispatcher.shutdown_token();
    let task = tokio::spawn(async move { dispatcher.dispatch().await });

    let user = aigerim();
    let group = FakeChat::group(-500, "Akims of Akmola");
    fake.push_message(FakeChat::private(&user), &user, "/start");
    fake.push_message(&group, &user, "hi all");
    assert!(fake.wait_for_sent(1001, 1, Duration::from_secs(10)).await);
    assert!(fake.wait_for_sent(-500, 1, Duration::from_secs(10)).await);
    assert_eq!(fake.sent(1001)[0].text, "Сәлем! You said: /start");
    assert_eq!(fake.sent(-500)[0].text, "Сәлем! You said: hi all");

    let shutdown = token.shutdown().expect("dispatcher is running");
    tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .expect("shutdown completes");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("dispatch returns")
        .expect("dispatch task");
    // The final poll confirmed both updates.
    assert_eq!(fake.pending_updates(), 0);
    let transcript = fake.transcript();
    assert!(transcript.contains("👤 Aigerim (in Akims of Akmola): hi all"));
    assert!(transcript.contains("🤖 → Akims of Akmola: Сәлем! You said: hi all"));
}

#[tokio::test]
async fn callback_round_trip_and_edit_show_in_the_transcript() {
    let (fake, bot) = start(Limits::default()).await;
    let user = aigerim();
    let chat = FakeChat::private(&user);
    fake.push_message(&chat, &user, "/topics");
    let updates = bot.get_updates().await.expect("getUpdates");
    assert_eq!(updates.len(), 1);
    let next = i32::try_from(updates[0].id.0 + 1).expect("small id");

    let msg = bot
        .send_message(
            ChatId(1001),
            "<b>Pick topics</b> on <a href=\"https://example.kz\">the site</a>",
        )
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .expect("sendMessage");
    fake.push_callback(&chat, &user, msg.id.0, "topic:education");

    let updates = bot
        .get_updates()
        .offset(next)
        .timeout(2)
        .await
        .expect("poll");
    assert_eq!(updates.len(), 1);
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("not a callback: {:?}", updates[0].kind);
    };
    assert_eq!(q.data.as_deref(), Some("topic:education"));
    assert_eq!(q.from.id, UserId(1001));
    let on = q.regular_message().expect("the keyboard message");
    assert_eq!(on.id, msg.id);

    bot.answer_callback_query(q.id.clone())
        .text("Saved")
        .await
        .expect("answerCallbackQuery");
    // A callback query is answered once.
    let twice = bot.answer_callback_query(q.id.clone()).await;
    assert!(matches!(twice, Err(RequestError::Api(_))), "{twice:?}");

    let edited = bot
        .edit_message_text(ChatId(1001), msg.id, "Following: <i>education</i>")
        .parse_mode(ParseMode::Html)
        .await
        .expect("editMessageText");
    assert_eq!(edited.text(), Some("Following: education"));
    let same = bot
        .edit_message_text(ChatId(1001), msg.id, "Following: <i>education</i>")
        .parse_mode(ParseMode::Html)
        .await;
    assert!(
        matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))),
        "{same:?}"
    );

    let answered = fake.answered_callbacks();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].data, "topic:education");
    assert_eq!(answered[0].text.as_deref(), Some("Saved"));
    let sent = fake.sent(1001);
    assert_eq!(sent[0].plain_text, "Following: education");
    assert!(
        sent[0].buttons.is_empty(),
        "an edit without markup drops it"
    );
    assert_eq!(sent[0].versions.len(), 1);
    assert_eq!(sent[0].versions[0].buttons.len(), 1);

    assert_eq!(
        fake.transcript(),
        "👤 Aigerim: /topics\n\
         🤖 → Aigerim: Pick topics on the site (https://example.kz/)\n   \
         [ ✅ Education ] [ Healthcare ]\n\
         👤 Aigerim taps [✅ Education]\n\
         🤖 (notice to Aigerim): Saved\n\
         🤖 → Aigerim (edited): Following: education\n"
    );
}

#[tokio::test]
async fn edit_markup_delete_and_chat_action() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let msg = bot
        .send_message(ChatId(7), "digest\nsecond line")
        .reply_markup(keyboard())
        .await
        .expect("send");
    bot.edit_message_reply_markup(ChatId(7), msg.id)
        .reply_markup(InlineKeyboardMarkup::new(vec![vec![
            InlineKeyboardButton::url("Open", "https://example.kz".parse().expect("url")),
        ]]))
        .await
        .expect("editMessageReplyMarkup");
    assert_eq!(
        fake.sent(7)[0].button_rows(),
        vec![vec![(
            "Open".to_string(),
            "https://example.kz/".to_string()
        )]]
    );
    bot.send_chat_action(ChatId(7), ChatAction::Typing)
        .await
        .expect("sendChatAction");
    assert_eq!(fake.chat_actions(7), vec!["typing".to_string()]);
    bot.delete_message(ChatId(7), msg.id).await.expect("delete");
    assert!(fake.sent(7)[0].deleted);
    let again = bot.delete_message(ChatId(7), msg.id).await;
    assert!(
        matches!(
            again,
            Err(RequestError::Api(ApiError::MessageToDeleteNotFound))
        ),
        "{again:?}"
    );
    let transcript = fake.transcript();
    assert!(transcript.contains("🤖 → User 7: digest\n   second line\n   [ ✅ Education ]"));
    assert!(transcript.contains("🤖 → User 7 (edited): digest\n   second line\n   [ Open ]"));
    assert!(transcript.contains("🤖 deletes its message in User 7: digest"));
}

#[tokio::test]
async fn second_message_within_a_second_gets_retry_after() {
    let (fake, bot) = start(Limits::default()).await;
    bot.send_message(ChatId(1001), "one").await.expect("first");
    let err = bot.send_message(ChatId(1001), "two").await;
    match err {
        Err(RequestError::RetryAfter(s)) => assert_eq!(s.seconds(), 1),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    // Another chat is not affected.
    bot.send_message(ChatId(1002), "three")
        .await
        .expect("other chat");
    assert_eq!(fake.stats().too_many_requests, 1);
    assert_eq!(fake.sent(1001).len(), 1);
}

#[tokio::test]
async fn group_and_global_limits() {
    let limits = Limits {
        per_chat_per_sec: 100,
        per_group_per_min: 3,
        overall_per_sec: 5,
        jitter: Duration::ZERO,
    };
    let (fake, bot) = start(limits).await;
    for i in 0..3 {
        bot.send_message(ChatId(-77), format!("g{i}"))
            .await
            .expect("group");
    }
    match bot.send_message(ChatId(-77), "g3").await {
        Err(RequestError::RetryAfter(s)) => assert!(s.seconds() > 50, "{s:?}"),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    bot.send_message(ChatId(1), "p1").await.expect("private");
    bot.send_message(ChatId(2), "p2").await.expect("private");
    match bot.send_message(ChatId(3), "p3").await {
        Err(RequestError::RetryAfter(s)) => assert_eq!(s.seconds(), 1),
        other => panic!("expected RetryAfter, got {other:?}"),
    }
    assert_eq!(fake.stats().too_many_requests, 2);
}

#[tokio::test]
async fn throttle_adaptor_sends_five_messages_without_a_429() {
    let (fake, bot) = start(Limits::default()).await;
    let bot = bot.throttle(teloxide::adaptors::throttle::Limits::default());
    let sends = (0..5).map(|i| {
        let bot = bot.clone();
        async move { bot.send_message(ChatId(1001), format!("item {i}")).await }
    });
    let results = futures_util::future::join_all(sends).await;
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(fake.stats().too_many_requests, 0);
    assert_eq!(fake.sent(1001).len(), 5);
}

#[tokio::test]
async fn blocked_chat_is_bot_blocked() {
    let (fake, bot) = start(Limits::unlimited()).await;
    bot.send_message(ChatId(1001), "before")
        .await
        .expect("send");
    fake.block_chat(1001);
    let err = bot.send_message(ChatId(1001), "after").await;
    assert!(
        matches!(err, Err(RequestError::Api(ApiError::BotBlocked))),
        "{err:?}"
    );
    assert_eq!(fake.stats().forbidden, 1);
    fake.unblock_chat(1001);
    bot.send_message(ChatId(1001), "again")
        .await
        .expect("unblocked");
}

#[tokio::test]
async fn migrated_group_points_to_the_supergroup() {
    let (fake, bot) = start(Limits::unlimited()).await;
    fake.migrate_chat(-42, -1_000_000_000_042);
    let err = bot.send_message(ChatId(-42), "hello").await;
    match err {
        Err(RequestError::MigrateToChatId(to)) => assert_eq!(to, ChatId(-1_000_000_000_042)),
        other => panic!("expected MigrateToChatId, got {other:?}"),
    }
    bot.send_message(ChatId(-1_000_000_000_042), "hello")
        .await
        .expect("new id works");
}

#[tokio::test]
async fn text_limits_and_bad_html_are_api_errors() {
    let (fake, bot) = start(Limits::unlimited()).await;
    bot.send_message(ChatId(1), "я".repeat(4096))
        .await
        .expect("4096 characters fit");
    let long = bot.send_message(ChatId(1), "я".repeat(4097)).await;
    assert!(
        matches!(long, Err(RequestError::Api(ApiError::MessageIsTooLong))),
        "{long:?}"
    );
    // Telegram counts UTF-16 code units: 2049 emoji are 4098 units.
    let emoji = bot.send_message(ChatId(1), "👋".repeat(2049)).await;
    assert!(
        matches!(emoji, Err(RequestError::Api(ApiError::MessageIsTooLong))),
        "{emoji:?}"
    );
    // Tags do not count.
    let tagged = format!("<b>{}</b>", "я".repeat(4096));
    bot.send_message(ChatId(1), tagged)
        .parse_mode(ParseMode::Html)
        .await
        .expect("tags are not text");
    let empty = bot.send_message(ChatId(1), "").await;
    assert!(
        matches!(empty, Err(RequestError::Api(ApiError::MessageTextIsEmpty))),
        "{empty:?}"
    );
    for bad in ["<b>bold</i>", "<p>x</p>", "a < b", "AT&T", "<b>open"] {
        let r = bot
            .send_message(ChatId(1), bad)
            .parse_mode(ParseMode::Html)
            .await;
        match r {
            Err(RequestError::Api(ApiError::CantParseEntities(d))) => {
                assert!(d.starts_with("Bad Request: can't parse entities: "), "{d}")
            }
            other => panic!("{bad:?}: expected CantParseEntities, got {other:?}"),
        }
    }
    let data = bot
        .send_message(ChatId(1), "x")
        .reply_markup(InlineKeyboardMarkup::new(vec![vec![
            InlineKeyboardButton::callback("too long", "d".repeat(65)),
        ]]))
        .await;
    assert!(
        matches!(data, Err(RequestError::Api(ApiError::ButtonDataInvalid))),
        "{data:?}"
    );
    assert_eq!(fake.sent(1).len(), 2);
    assert_eq!(fake.stats().bad_requests, 9);
}

#[tokio::test]
async fn commands_are_kept_per_scope_and_language() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let en = vec![
        BotCommand::new("start", "Start"),
        BotCommand::new("topics", "Topics"),
    ];
    let ru = vec![BotCommand::new("start", "Начать")];
    bot.set_my_commands(en.clone()).await.expect("default");
    bot.set_my_commands(ru.clone())
        .scope(BotCommandScope::AllPrivateChats)
        .language_code("ru")
        .await
        .expect("private ru");
    let moderators = BotCommandScope::Chat {
        chat_id: ChatId(1001).into(),
    };
    bot.set_my_commands(vec![BotCommand::new("stats", "Statistics")])
        .scope(moderators.clone())
        .await
        .expect("one chat");

    assert_eq!(fake.commands(&BotCommandScope::Default, None), en);
    assert_eq!(
        fake.commands(&BotCommandScope::AllPrivateChats, Some("ru")),
        ru
    );
    assert!(
        fake.commands(&BotCommandScope::AllPrivateChats, None)
            .is_empty()
    );
    assert_eq!(fake.commands(&moderators, None)[0].command, "stats");
    let got = bot
        .get_my_commands()
        .scope(BotCommandScope::AllPrivateChats)
        .language_code("ru")
        .await
        .expect("getMyCommands");
    assert_eq!(got, ru);
    bot.delete_my_commands().await.expect("delete");
    assert!(fake.commands(&BotCommandScope::Default, None).is_empty());
    let bad = bot
        .set_my_commands(vec![BotCommand::new("Bad Command", "x")])
        .await;
    assert!(matches!(bad, Err(RequestError::Api(_))), "{bad:?}");
}

#[tokio::test]
async fn get_chat_knows_pushed_chats() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let user = aigerim();
    fake.push_message(FakeChat::private(&user), &user, "hi");
    let chat = bot.get_chat(ChatId(1001)).await.expect("getChat");
    assert_eq!(chat.id, ChatId(1001));
    assert_eq!(chat.username(), Some("aigerim"));
    let group = FakeChat::supergroup(-100_500, "Moderators");
    fake.push_message(&group, &user, "hi");
    let info = bot.get_chat(ChatId(-100_500)).await.expect("getChat");
    assert_eq!(info.title(), Some("Moderators"));
    let missing = bot.get_chat(ChatId(999)).await;
    assert!(
        matches!(missing, Err(RequestError::Api(ApiError::ChatNotFound))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn raw_http_errors_look_like_telegram() {
    let (fake, _bot) = start(Limits::unlimited()).await;
    let client = reqwest::Client::new();
    let url = |m: &str| format!("{}bot1:A/{m}", fake.api_url());

    let r = client
        .post(url("sendSticker"))
        .json(&serde_json::json!({}))
        .send()
        .await;
    let r = r.expect("request");
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(
        body,
        serde_json::json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"})
    );

    let r = client
        .post(url("sendMessage"))
        .header("content-type", "application/json")
        .body("{\"chat_id\": 1, \"text\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["ok"], false);
    assert_eq!(body["error_code"], 400);

    fake.set_unavailable(true);
    let r = client.post(url("getMe")).send().await.expect("request");
    assert_eq!(r.status(), 502);
    fake.set_unavailable(false);
    let r = client.post(url("getMe")).send().await.expect("request");
    assert_eq!(r.status(), 200);
    let s = fake.stats();
    assert_eq!(
        (s.requests, s.not_found, s.bad_requests, s.bad_gateway),
        (4, 1, 1, 1)
    );
}

#[tokio::test]
async fn wait_for_sent_times_out_without_sends() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let t = Instant::now();
    assert!(!fake.wait_for_sent(1, 1, Duration::from_millis(200)).await);
    assert!(t.elapsed() >= Duration::from_millis(190));
    let waiter = fake.wait_for_sent(1, 2, Duration::from_secs(5));
    let sender = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        bot.send_message(ChatId(1), "a").await.expect("send");
        bot.send_message(ChatId(1), "b").await.expect("send");
    };
    let (done, ()) = tokio::join!(waiter, sender);
    assert!(done);
}

#[tokio::test]
async fn the_token_is_never_exposed() {
    let fake = FakeTelegram::start(Limits::default()).await.expect("start");
    let secret = "4242:SECRET-token-value";
    let bot = Bot::new(secret).set_api_url(fake.api_url());
    let user = aigerim();
    let chat = FakeChat::private(&user);
    fake.push_message(&chat, &user, "/start");
    bot.get_me().await.expect("getMe");
    let updates = bot.get_updates().await.expect("updates");
    let msg = bot
        .send_message(ChatId(1001), "hi")
        .reply_markup(keyboard())
        .await
        .expect("send");
    let _ = bot.send_message(ChatId(1001), "too fast").await;
    fake.push_callback(&chat, &user, msg.id.0, "topic:education");
    let _ = bot.get_updates().offset(updates.len() as i32 + 1).await;
    let _ = reqwest::Client::new()
        .post(format!("{}bot{secret}/nope", fake.api_url()))
        .send()
        .await;
    let exposed = format!(
        "{}{:?}{:?}{:?}{:?}",
        fake.transcript(),
        fake.all_sent(),
        fake.stats(),
        fake.answered_callbacks(),
        fake.commands(&BotCommandScope::Default, None),
    );
    assert!(!exposed.contains("SECRET"), "{exposed}");
    assert!(!exposed.contains("4242"), "{exposed}");
    assert!(fake.stats().requests >= 5);
}

#[tokio::test]
async fn tap_on_a_deleted_message_arrives_as_inaccessible() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let user = aigerim();
    let chat = FakeChat::private(&user);
    let msg = bot
        .send_message(ChatId(1001), "old digest")
        .reply_markup(keyboard())
        .await
        .expect("send");
    bot.delete_message(ChatId(1001), msg.id)
        .await
        .expect("delete");
    fake.push_callback(&chat, &user, msg.id.0, "topic:education");
    let updates = bot.get_updates().await.expect("poll");
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("not a callback: {:?}", updates[0].kind);
    };
    assert!(q.regular_message().is_none());
    assert_eq!(q.data.as_deref(), Some("topic:education"));
    assert!(fake.transcript().contains("👤 Aigerim taps a button"));
}

#[tokio::test]
async fn multipart_send_message_is_understood() {
    let (fake, _bot) = start(Limits::unlimited()).await;
    let body = "--b0undary\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-300\r\n\
                --b0undary\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n<i>Қош</i> келдіңіз\r\n\
                --b0undary\r\nContent-Disposition: form-data; name=\"parse_mode\"\r\n\r\nHTML\r\n\
                --b0undary\r\nContent-Disposition: form-data; name=\"reply_markup\"\r\n\r\n\
                {\"inline_keyboard\":[[{\"text\":\"Go\",\"callback_data\":\"go\"}]]}\r\n\
                --b0undary--\r\n";
    let r = reqwest::Client::new()
        .post(format!("{}bot1:A/sendMessage", fake.api_url()))
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["result"]["text"], "Қош келдіңіз");
    assert_eq!(body["result"]["chat"]["type"], "group");
    let sent = fake.sent(-300);
    assert_eq!(
        sent[0].button_rows(),
        vec![vec![("Go".into(), "go".into())]]
    );
}

#[tokio::test]
async fn updates_outside_allowed_updates_are_dropped() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let user = aigerim();
    let chat = FakeChat::private(&user);
    fake.push_callback(&chat, &user, 1, "x");
    let text = fake.push_message(&chat, &user, "hello");
    let updates = bot
        .get_updates()
        .allowed_updates(vec![teloxide::types::AllowedUpdate::Message])
        .await
        .expect("poll");
    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), text);
    assert_eq!(fake.pending_updates(), 1);
}

#[tokio::test]
async fn get_updates_is_held_for_its_timeout() {
    let (_fake, bot) = start(Limits::unlimited()).await;
    let t = Instant::now();
    let updates = bot.get_updates().timeout(1).await.expect("getUpdates");
    assert!(updates.is_empty());
    let held = t.elapsed();
    assert!(
        held >= Duration::from_millis(950) && held < Duration::from_secs(3),
        "held for {held:?}"
    );
}

#[tokio::test]
async fn a_second_concurrent_get_updates_of_one_token_is_a_conflict() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let first = {
        let bot = bot.clone();
        tokio::spawn(async move {
            let t = Instant::now();
            (bot.get_updates().timeout(5).await, t.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Another bot (another token) polls on its own.
    let other = Bot::new("456:OTHER").set_api_url(fake.api_url());
    other.get_updates().timeout(0).await.expect("another token");
    assert!(!first.is_finished(), "another token does not disturb it");
    bot.get_updates()
        .timeout(0)
        .await
        .expect("the newer request is served");
    let (held, took) = first.await.expect("joins");
    assert!(
        matches!(
            held,
            Err(RequestError::Api(ApiError::TerminatedByOtherGetUpdates))
        ),
        "{held:?}"
    );
    assert!(took < Duration::from_secs(2), "ended at once: {took:?}");
    assert_eq!(fake.stats().conflicts, 1);
}

#[tokio::test]
async fn the_per_minute_limit_is_for_groups_only() {
    let limits = Limits {
        per_chat_per_sec: 100,
        per_group_per_min: 2,
        overall_per_sec: 100,
        jitter: Duration::ZERO,
    };
    let (fake, bot) = start(limits).await;
    for i in 0..5 {
        bot.send_message(ChatId(1001), format!("p{i}"))
            .await
            .expect("a private chat has no per-minute limit");
    }
    for i in 0..2 {
        bot.send_message(ChatId(-1_000_000_000_077), format!("s{i}"))
            .await
            .expect("supergroup");
    }
    let third = bot.send_message(ChatId(-1_000_000_000_077), "s2").await;
    assert!(
        matches!(third, Err(RequestError::RetryAfter(_))),
        "{third:?}"
    );
    assert_eq!(fake.sent(1001).len(), 5);
}

#[tokio::test]
async fn an_error_page_repeats_the_path_and_cannot_be_parsed() {
    let (fake, bot) = start(Limits::unlimited()).await;
    fake.set_error_page(Some(404));
    let r = reqwest::Client::new()
        .post(format!("{}bot1:A/getMe", fake.api_url()))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 404);
    let page = r.text().await.expect("body");
    assert!(page.contains("/bot1:A/getMe"), "{page}");
    match bot.get_me().await {
        Err(RequestError::InvalidJson { raw, .. }) => {
            assert!(
                raw.contains("/bot123:TEST/GetMe") || raw.contains("123:TEST"),
                "{raw}"
            )
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
    fake.set_error_page(None);
    bot.get_me().await.expect("served again");
}

#[tokio::test]
async fn waits_return_on_the_event_not_on_a_clock() {
    let (fake, bot) = start(Limits::unlimited()).await;
    let user = aigerim();
    let chat = FakeChat::private(&user);
    let first = fake.push_message(&chat, &user, "/start");
    // Not taken yet: the wait runs out.
    assert!(
        !fake
            .wait_until_consumed(first, Duration::from_millis(50))
            .await
    );
    let updates = bot.get_updates().await.expect("updates");
    assert_eq!(updates.len(), 1);
    // Delivered but not confirmed: still not consumed.
    assert!(
        !fake
            .wait_until_consumed(first, Duration::from_millis(50))
            .await
    );
    let taken = fake.wait_until_consumed(first, Duration::from_secs(10));
    let confirm = async {
        bot.get_updates()
            .offset(first as i32 + 1)
            .timeout(0)
            .await
            .expect("confirm")
    };
    let (taken, _) = tokio::join!(taken, confirm);
    assert!(taken, "the offset confirmed it");

    // A tap answered: found by its data, after the answers skipped.
    let sent = bot.send_message(ChatId(1001), "pick").await.expect("send");
    let tap = fake.push_callback(&chat, &user, sent.id.0, "pick:1");
    let updates = bot.get_updates().offset(tap as i32).await.expect("tap");
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("{updates:?}")
    };
    let answer = fake.wait_for_answer(0, "pick:1", Duration::from_secs(10));
    let reply = async {
        bot.answer_callback_query(q.id.clone())
            .text("ok")
            .await
            .expect("answer")
    };
    let (answer, _) = tokio::join!(answer, reply);
    assert_eq!(answer.and_then(|a| a.text).as_deref(), Some("ok"));
    assert!(
        fake.wait_for_answer(1, "pick:1", Duration::from_millis(50))
            .await
            .is_none(),
        "only one answer"
    );
    assert!(
        fake.wait_for_stats(Duration::from_secs(1), |s| s.messages_accepted == 1)
            .await
    );
    assert!(
        fake.wait_for_messages(1001, 1, Duration::from_secs(1))
            .await
    );
    // The fake stops: a wait ends at once, false.
    let started = Instant::now();
    let closed = {
        let fake = &fake;
        async move {
            fake.wait_until(Duration::from_secs(30), |tg| tg.stats().requests > 1000)
                .await
        }
    };
    fake.shared.lock().closed = true;
    fake.shared.event();
    assert!(!closed.await);
    assert!(started.elapsed() < Duration::from_secs(5));
}
