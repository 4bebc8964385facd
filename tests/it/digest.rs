//! Digests from stored articles: filtering, story grouping, escaping,
//! splitting, local-time schedules and catch-up, all on a test clock.

use civic_digest::Digester;
use civic_digest::Texts;
use civic_digest::{ChatKind, NewArticle, NewSource, Schedule, SourceKind, Store};
use civic_digest::{Knowledge, Quote, Summary, TopicScore};
use civic_digest::{MAX_MESSAGE, to_plain};

// Friday 2025-11-28 08:30 in Almaty (03:30 UTC).
const FRI_0830: i64 = 1_764_300_600;

struct World {
    store: Store,
    texts: Texts,
    kb: Knowledge,
}

impl World {
    fn new() -> World {
        let store = Store::open_in_memory().unwrap();
        for (name, official) in [("Liter.kz", false), ("Qazaq24", false), ("Akorda", true)] {
            store
                .add_source(
                    &NewSource {
                        name: name.into(),
                        url: format!("https://{}.example/feed", name.to_lowercase()),
                        kind: SourceKind::Feed,
                        language: None,
                        region: None,
                        official,
                        link_selector: None,
                    },
                    0,
                )
                .unwrap();
        }
        World {
            store,
            texts: Texts::embedded(),
            kb: Knowledge::embedded(),
        }
    }

    fn digester(&self) -> Digester<'_> {
        Digester {
            store: &self.store,
            texts: &self.texts,
            names: &self.kb,
            cap: 5,
            max_age: civic_digest::DEFAULT_MAX_AGE,
        }
    }

    /// Stores an article (source 1, no region) with its publication date.
    fn dated(&self, title: &str, topic: &str, published_at: Option<i64>, at: i64) -> i64 {
        let summary = Summary {
            title: title.into(),
            text: title.into(),
            topics: vec![TopicScore {
                id: topic.into(),
                score: 0.8,
                primary: true,
            }],
            ..Default::default()
        };
        self.store
            .insert_article(
                &NewArticle {
                    source_id: Some(1),
                    url: format!(
                        "https://news.example/dated/{}",
                        self.store.max_article_id().unwrap() + 1
                    ),
                    canonical_url: None,
                    title: title.into(),
                    text: title.into(),
                    published_at: published_at.map(|p| {
                        chrono::DateTime::from_timestamp(p, 0)
                            .unwrap()
                            .fixed_offset()
                    }),
                    language: "ru".into(),
                    content_hash: format!("dated-{title}"),
                    minhash: vec![0; 4],
                    story_id: None,
                    summary: Some(summary),
                },
                at,
            )
            .unwrap()
            .unwrap()
    }

    /// Stores an article from source 1..=3 with the given facets.
    #[allow(clippy::too_many_arguments)]
    fn article(
        &self,
        source: i64,
        title: &str,
        text: &str,
        topics: &[&str],
        regions: &[&str],
        quote: Option<(&str, &str)>,
        story: Option<i64>,
        at: i64,
    ) -> i64 {
        let summary = Summary {
            title: title.into(),
            text: text.into(),
            topics: topics
                .iter()
                .enumerate()
                .map(|(i, t)| TopicScore {
                    id: t.to_string(),
                    score: 0.8 - i as f32 * 0.1,
                    primary: i == 0,
                })
                .collect(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            quotes: quote
                .map(|(t, s)| {
                    vec![Quote {
                        text: t.into(),
                        speaker: Some(s.into()),
                        speaker_role: None,
                        via: None,
                        score: 1.0,
                    }]
                })
                .unwrap_or_default(),
            people: quote.map(|(_, s)| vec![s.to_string()]).unwrap_or_default(),
            ..Default::default()
        };
        self.store
            .insert_article(
                &NewArticle {
                    source_id: Some(source),
                    url: format!(
                        "https://news.example/{source}/{}",
                        self.store.max_article_id().unwrap() + 1
                    ),
                    canonical_url: None,
                    title: title.into(),
                    text: text.into(),
                    published_at: None,
                    language: "ru".into(),
                    content_hash: format!("{source}-{title}"),
                    minhash: vec![0; 4],
                    story_id: story,
                    summary: Some(summary),
                },
                at,
            )
            .unwrap()
            .unwrap()
    }

    fn subscriber(&self, chat: i64, topics: &[&str], regions: &[&str], follows: &[&str], at: i64) {
        self.store
            .ensure_subscriber(chat, ChatKind::Private, None, "ru", at)
            .unwrap();
        self.store
            .add_topics(
                chat,
                &topics.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            )
            .unwrap();
        self.store
            .add_regions(
                chat,
                &regions.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            )
            .unwrap();
        for f in follows {
            self.store.add_follow(chat, f, 10).unwrap();
        }
    }

    fn queued_text(&self, chat: i64) -> String {
        let msgs = self.store.claim_due(i64::MAX, 1000).unwrap();
        msgs.iter()
            .filter(|m| m.chat_id == chat)
            .map(|m| m.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn topics_regions_and_follows_filter_the_digest() {
    let w = World::new();
    let t0 = FRI_0830 - 20 * 3600;
    w.subscriber(1, &["education"], &[], &[], t0);
    w.subscriber(2, &["education"], &["akmola"], &[], t0);
    w.subscriber(3, &["healthcare"], &[], &["Кошанов"], t0);
    w.article(
        1,
        "Школы Туркестана",
        "Строят школы.",
        &["education"],
        &["turkistan"],
        None,
        None,
        t0 + 60,
    );
    w.article(
        1,
        "Школы Акмолинской области",
        "Ремонт школ.",
        &["education"],
        &["akmola"],
        None,
        None,
        t0 + 120,
    );
    w.article(
        1,
        "Кошанов о выборах",
        "Ерлан Кошанов рассказал о выборах акимов.",
        &["local_elections"],
        &[],
        Some(("Выборы — это шанс", "Ерлан Кошанов")),
        None,
        t0 + 180,
    );
    w.article(
        1,
        "Больницы Абая",
        "Новые больницы.",
        &["healthcare"],
        &["abai"],
        None,
        None,
        t0 + 240,
    );

    let report = w.digester().run_due(FRI_0830 + 3600).unwrap();
    assert_eq!(report.digests, 3, "{report:?}");
    let msgs = w.store.claim_due(i64::MAX, 1000).unwrap();
    let text = |chat: i64| {
        msgs.iter()
            .filter(|m| m.chat_id == chat)
            .map(|m| to_plain(&m.text))
            .collect::<String>()
    };
    let (one, two, three) = (text(1), text(2), text(3));
    assert!(
        one.contains("Школы Туркестана") && one.contains("Школы Акмолинской"),
        "{one}"
    );
    assert!(!one.contains("Больницы"), "{one}");
    assert!(
        two.contains("Акмолинской") && !two.contains("Туркестана"),
        "regions narrow: {two}"
    );
    assert!(
        three.contains("Больницы Абая") && three.contains("Кошанов о выборах"),
        "follows add: {three}"
    );
    assert!(
        three.contains("«Выборы — это шанс» — Ерлан Кошанов"),
        "{three}"
    );
    // /why: the follow is recorded as the reason
    let why = w.store.last_digest_entries(3).unwrap();
    assert!(why.iter().any(|e| e.reasons.contains("Кошанов")), "{why:?}");
}

#[test]
fn syndicated_copies_are_one_entry_preferring_the_official_outlet() {
    let w = World::new();
    let t0 = FRI_0830 - 3600 * 5;
    w.subscriber(1, &["local_government"], &[], &[], t0);
    let original = w.article(
        1,
        "Президент встретился с акимами",
        "Текст.",
        &["local_government"],
        &[],
        None,
        None,
        t0 + 10,
    );
    w.article(
        2,
        "Президент встретился с акимами (копия)",
        "Текст.",
        &["local_government"],
        &[],
        None,
        Some(original),
        t0 + 20,
    );
    w.article(
        3,
        "Глава государства встретился с акимами",
        "Текст.",
        &["local_government"],
        &[],
        None,
        Some(original),
        t0 + 30,
    );
    w.digester().run_due(FRI_0830 + 3600).unwrap();
    let text = to_plain(&w.queued_text(1));
    assert_eq!(text.matches("1. ").count(), 1, "{text}");
    assert!(!text.contains("2. "), "one entry per story: {text}");
    assert!(
        text.contains("Глава государства встретился"),
        "the official copy is preferred: {text}"
    );
    assert!(
        text.contains("Liter.kz") && text.contains("Qazaq24"),
        "also: the other outlets: {text}"
    );
}

#[test]
fn hostile_titles_and_quotes_are_escaped() {
    let w = World::new();
    let t0 = FRI_0830 - 3600;
    w.subscriber(1, &["education"], &[], &[], t0);
    w.article(
        1,
        "<b>Школы</b> & </a><script>",
        "x",
        &["education"],
        &[],
        Some(("<i>не закрыто & \"кавычки\"", "Аким </a>")),
        None,
        t0 + 1,
    );
    w.digester().run_due(FRI_0830 + 3600).unwrap();
    let html = w.queued_text(1);
    assert!(
        html.contains("&lt;b&gt;Школы&lt;/b&gt; &amp; &lt;/a&gt;&lt;script&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("<script>") && !html.contains("<i>не"),
        "{html}"
    );
    assert_eq!(
        html.matches("<a ").count(),
        html.matches("</a>").count(),
        "{html}"
    );
}

#[test]
fn long_digests_split_at_entry_boundaries() {
    let w = World::new();
    let t0 = FRI_0830 - 3600 * 3;
    w.subscriber(1, &[], &[], &[], t0);
    let topics = [
        "education",
        "healthcare",
        "budget_taxes",
        "digital_state",
        "social_support",
        "anti_corruption",
        "rural_development",
        "local_government",
    ];
    for (i, topic) in topics.iter().cycle().take(40).enumerate() {
        let title = format!(
            "Новость номер {i} о длинных и подробных реформах, которые затрагивают каждого жителя страны и каждый аул"
        );
        let quote = "Мы сделаем всё, чтобы каждый житель почувствовал перемены уже в следующем году, и об этом нужно говорить подробно и честно".repeat(2);
        w.article(
            1,
            &title,
            "Текст.",
            &[topic],
            &["turkistan", "akmola"],
            Some((&quote, "Касым-Жомарт Токаев")),
            None,
            t0 + i as i64,
        );
    }
    w.digester().run_due(FRI_0830 + 3600).unwrap();
    // Paged: each message's «ещё» button queues the next (store::pages).
    let mut msgs: Vec<_> = w.store.claim_due(i64::MAX, 1000).unwrap();
    while let Some(page) = msgs
        .last()
        .and_then(|m| m.keyboard.as_deref())
        .and_then(|k| {
            let id = k.split("\"pg:").nth(1)?.split('"').next()?;
            id.parse::<i64>().ok()
        })
    {
        w.store.take_digest_page(1, page, FRI_0830 + 3700).unwrap();
        msgs.extend(w.store.claim_due(i64::MAX, 1000).unwrap());
    }
    assert!(msgs.len() >= 2, "split into {} messages", msgs.len());
    for m in &msgs {
        assert!(
            m.text.encode_utf16().count() <= MAX_MESSAGE,
            "message of {}",
            m.text.encode_utf16().count()
        );
        assert_eq!(
            m.text.matches("<a ").count(),
            m.text.matches("</a>").count()
        );
        assert_eq!(
            m.text.matches("<b>").count(),
            m.text.matches("</b>").count()
        );
    }
    assert!(msgs.last().unwrap().text.contains("/settings"));
    assert_eq!(
        msgs.iter().map(|m| m.part).collect::<Vec<_>>(),
        (0..msgs.len() as i64).collect::<Vec<_>>()
    );
}

#[test]
fn daily_digest_comes_at_local_time_and_downtime_gives_one_catch_up() {
    let w = World::new();
    let t0 = FRI_0830 - 3 * 86_400;
    w.subscriber(1, &["education"], &[], &[], t0);
    w.store
        .set_schedule(1, Schedule::Daily { minute: 9 * 60 }, t0)
        .unwrap();
    w.article(
        1,
        "Школа в Шымкенте",
        "x",
        &["education"],
        &["shymkent"],
        None,
        None,
        // Within MAX_ARTICLE_AGE_HOURS (48 h) of the catch-up: older news
        // goes to no digest.
        FRI_0830 - 40 * 3600,
    );
    w.article(
        1,
        "Школа в Таразе",
        "x",
        &["education"],
        &["zhambyl"],
        None,
        None,
        FRI_0830 - 3600,
    );

    // The bot was down for three days; at 08:30 Friday the 09:00 slot has not come.
    let r = w.digester().run_due(FRI_0830).unwrap();
    assert_eq!(
        r.digests, 1,
        "yesterday's 09:00 was missed: one catch-up now"
    );
    let text = to_plain(&w.queued_text(1));
    assert!(
        text.contains("Шымкенте") && text.contains("Таразе"),
        "{text}"
    );
    assert_eq!(
        w.digester().run_due(FRI_0830 + 60).unwrap().due,
        0,
        "and only one"
    );

    // Friday 09:00 Almaty: due again, but nothing new → nothing sent.
    let r = w.digester().run_due(FRI_0830 + 1800).unwrap();
    assert_eq!((r.due, r.digests, r.empty), (1, 0, 1));
    assert!(w.queued_text(1).is_empty(), "an empty digest is not sent");

    // A new school story, then Saturday 09:00 Almaty.
    w.article(
        1,
        "Школа в Актобе",
        "x",
        &["education"],
        &["aktobe"],
        None,
        None,
        FRI_0830 + 7200,
    );
    assert_eq!(
        w.digester().run_due(FRI_0830 + 86_400).unwrap().digests,
        0,
        "08:30 Saturday: not yet"
    );
    assert_eq!(
        w.digester()
            .run_due(FRI_0830 + 86_400 + 1800)
            .unwrap()
            .digests,
        1
    );
    let text = to_plain(&w.queued_text(1));
    assert!(
        text.contains("Актобе") && !text.contains("Шымкенте"),
        "only what is new: {text}"
    );
}

#[test]
fn instant_subscribers_get_new_matching_stories_batched() {
    let w = World::new();
    let t0 = FRI_0830 - 600;
    w.subscriber(7, &[], &["turkistan"], &[], t0);
    w.store.set_schedule(7, Schedule::Instant, t0).unwrap();
    w.store.set_subscriber_language(7, "kk", t0).unwrap();
    w.article(
        1,
        "Түркістанда жер қайтарылды",
        "x",
        &["agriculture_land"],
        &["turkistan"],
        None,
        None,
        t0 + 10,
    );
    w.article(
        1,
        "Түркістанда мектеп ашылды",
        "x",
        &["education"],
        &["turkistan"],
        None,
        None,
        t0 + 20,
    );
    w.article(
        1,
        "Астанада жиын өтті",
        "x",
        &["local_government"],
        &["astana"],
        None,
        None,
        t0 + 30,
    );
    let r = w.digester().run_due(t0 + 40).unwrap();
    assert_eq!(r.messages, 1, "batched into one message: {r:?}");
    let text = to_plain(&w.queued_text(7));
    assert!(
        text.contains("жер қайтарылды")
            && text.contains("мектеп ашылды")
            && !text.contains("Астанада"),
        "{text}"
    );
    assert!(text.contains("Түркістан"), "Kazakh region names: {text}");
    assert_eq!(
        w.digester().run_due(t0 + 50).unwrap().due,
        0,
        "nothing new, nothing due"
    );
}

#[test]
fn a_story_is_sent_once_even_when_a_copy_comes_later_or_runs_race() {
    let w = World::new();
    let t0 = FRI_0830 - 600;
    w.subscriber(1, &["education"], &[], &[], t0);
    w.store.set_schedule(1, Schedule::Instant, t0).unwrap();
    let original = w.article(
        1,
        "Школы Туркестана",
        "x",
        &["education"],
        &[],
        None,
        None,
        t0 + 10,
    );
    assert_eq!(w.digester().run_due(t0 + 20).unwrap().digests, 1);
    assert!(to_plain(&w.queued_text(1)).contains("Школы Туркестана"));
    // Qazaq24 republishes it an hour later: same story, not news again.
    w.article(
        2,
        "Школы Туркестана (копия)",
        "x",
        &["education"],
        &[],
        None,
        Some(original),
        t0 + 3600,
    );
    let r = w.digester().run_due(t0 + 3700).unwrap();
    assert_eq!((r.digests, r.empty), (0, 1), "{r:?}");
    assert!(w.queued_text(1).is_empty());

    // /digest and the scheduler build from the same watermark at once:
    // only the first to commit queues anything.
    w.article(
        1,
        "Новые учебники",
        "x",
        &["education"],
        &[],
        None,
        None,
        t0 + 3800,
    );
    let sub = w.store.subscriber(1).unwrap().unwrap();
    let (candidates, hits) = (
        w.store
            .digest_candidates(sub.seen_article_id, 0, 100)
            .unwrap(),
        std::collections::HashMap::new(),
    );
    let index = civic_digest::Index::new(
        &candidates,
        &hits,
        t0 + 3900,
        civic_digest::DEFAULT_MAX_AGE.as_secs() as i64,
    );
    let selection = index.select(&civic_digest::filters_of(&sub), 5);
    let a = w.digester().build(
        &sub,
        &selection,
        "a",
        civic_digest::OutKind::Digest,
        t0 + 3900,
    );
    let b = w.digester().build(
        &sub,
        &selection,
        "b",
        civic_digest::OutKind::Instant,
        t0 + 3900,
    );
    w.store.commit_digests(&[a], t0 + 3900).unwrap();
    w.store.commit_digests(&[b], t0 + 3901).unwrap();
    let msgs = w.store.claim_due(i64::MAX, 100).unwrap();
    assert_eq!(
        msgs.len(),
        1,
        "the second commit saw the watermark move and queued nothing"
    );
}

#[test]
fn a_hidden_newest_article_does_not_keep_instant_subscribers_due() {
    let w = World::new();
    let t0 = FRI_0830 - 600;
    w.subscriber(1, &[], &[], &[], t0);
    w.store.set_schedule(1, Schedule::Instant, t0).unwrap();
    w.article(1, "Видно", "x", &["education"], &[], None, None, t0 + 10);
    let hidden = w.article(1, "Скрыто", "x", &["education"], &[], None, None, t0 + 20);
    w.store.set_article_hidden(hidden, true).unwrap();
    assert_eq!(w.digester().run_due(t0 + 30).unwrap().digests, 1);
    let text = to_plain(&w.queued_text(1));
    assert!(text.contains("Видно") && !text.contains("Скрыто"), "{text}");
    assert_eq!(
        w.digester().run_due(t0 + 45).unwrap().due,
        0,
        "not due again and again"
    );
}

/// Issue 11, item 2: a follow adds to what the topics and regions give, it
/// never narrows it; after /unfollow everything keeps coming.
#[test]
fn a_follow_adds_to_the_digest_and_never_narrows_it() {
    let w = World::new();
    let t0 = FRI_0830 - 20 * 3600;
    // 1 follows someone and picked no topics: still every topic.
    w.subscriber(1, &[], &[], &["Кошанов"], t0);
    // 2 picked nothing at all.
    w.subscriber(2, &[], &[], &[], t0);
    // 3 wants Akmola only, and follows Кошанов wherever he speaks.
    w.subscriber(3, &["education"], &["akmola"], &["Кошанов"], t0);
    let school = |n: &str, region: &str, at: i64| {
        w.article(
            1,
            n,
            "Ремонт школ.",
            &["education"],
            &[region],
            None,
            None,
            at,
        )
    };
    school("Школы Туркестана", "turkistan", t0 + 60);
    school("Школы Акмолинской области", "akmola", t0 + 120);
    w.article(
        1,
        "Больницы Абая",
        "Новые больницы.",
        &["healthcare"],
        &["abai"],
        None,
        None,
        t0 + 180,
    );
    w.article(
        1,
        "Кошанов о выборах",
        "Ерлан Кошанов рассказал о выборах акимов.",
        &["local_elections"],
        &["mangystau"],
        Some(("Выборы — это шанс", "Ерлан Кошанов")),
        None,
        t0 + 240,
    );
    let report = w.digester().run_due(FRI_0830 + 3600).unwrap();
    assert_eq!(report.digests, 3, "{report:?}");
    let msgs = w.store.claim_due(i64::MAX, 1000).unwrap();
    let text = |chat: i64| {
        msgs.iter()
            .filter(|m| m.chat_id == chat)
            .map(|m| to_plain(&m.text))
            .collect::<String>()
    };
    let stories = |t: &str| {
        [
            "Школы Туркестана",
            "Школы Акмолинской",
            "Больницы Абая",
            "Кошанов о выборах",
        ]
        .iter()
        .filter(|s| t.contains(*s))
        .count()
    };
    let (one, two, three) = (text(1), text(2), text(3));
    assert_eq!(stories(&two), 4, "no topics, no follows: {two}");
    assert_eq!(stories(&one), 4, "a follow took stories away: {one}");
    assert!(
        three.contains("Школы Акмолинской") && three.contains("Кошанов о выборах"),
        "topics and regions, plus the follow from another region: {three}"
    );
    assert!(
        !three.contains("Туркестана") && !three.contains("Больницы"),
        "{three}"
    );

    // After /unfollow the next day's news all arrives as before.
    assert!(w.store.remove_follow(1, "Кошанов").unwrap());
    let next = FRI_0830 + 86_400;
    w.article(
        1,
        "Новые поликлиники",
        "Открыли поликлиники.",
        &["healthcare"],
        &[],
        None,
        None,
        next - 600,
    );
    w.digester().run_due(next + 3600).unwrap();
    let one = to_plain(&w.queued_text(1));
    assert!(one.contains("Новые поликлиники"), "{one}");

    // The same through one selection: no topics with a follow is every topic.
    let candidates = w.store.digest_candidates(0, 0, 100).unwrap();
    let hits = std::collections::HashMap::new();
    let index = civic_digest::Index::new(&candidates, &hits, next, 7 * 86_400);
    let filters = civic_digest::Filters {
        follows: vec!["Никто Неизвестный".into()],
        ..Default::default()
    };
    assert_eq!(index.select(&filters, 10).entries().count(), 5);
}

/// Issue 11, item 4: an article published longer ago than the maximum age
/// goes to no instant or daily digest (it stays in /search and /latest);
/// the entries that go out show their publication date in local time.
#[test]
fn old_news_goes_to_no_digest_and_entries_show_their_date() {
    let w = World::new();
    let now = FRI_0830 + 60;
    w.subscriber(1, &[], &[], &[], now - 7200);
    w.store
        .set_schedule(1, Schedule::Instant, now - 7200)
        .unwrap();
    w.subscriber(2, &[], &[], &[], now - 86_400);
    // 3 reads a weekly digest on Fridays at 08:30: the whole week comes.
    w.subscriber(3, &[], &[], &[], now - 86_400);
    w.store
        .set_schedule(
            3,
            Schedule::Weekly {
                weekday: 5,
                minute: 8 * 60 + 30,
            },
            now - 86_400,
        )
        .unwrap();
    // A source added with a year of history, and one week-old story.
    w.dated(
        "Архивная новость о школах",
        "education",
        Some(now - 365 * 86_400),
        now - 300,
    );
    w.dated(
        "Неделю назад о больницах",
        "healthcare",
        Some(now - 7 * 86_400),
        now - 290,
    );
    // Published an hour ago: 07:31 in Almaty on 28 November 2025.
    w.dated(
        "Свежая новость о школах",
        "education",
        Some(now - 3600),
        now - 280,
    );
    w.dated("Новость без даты", "education", None, now - 270);

    let report = w.digester().run_due(now).unwrap();
    assert_eq!(report.digests, 3, "{report:?}");
    let msgs = w.store.claim_due(i64::MAX, 1000).unwrap();
    let weekly: String = msgs
        .iter()
        .filter(|m| m.chat_id == 3)
        .map(|m| to_plain(&m.text))
        .collect();
    assert!(
        weekly.contains("Неделю назад") && !weekly.contains("Архивная"),
        "{weekly}"
    );
    for chat in [1, 2] {
        let text: String = msgs
            .iter()
            .filter(|m| m.chat_id == chat)
            .map(|m| to_plain(&m.text))
            .collect();
        assert!(
            text.contains("Свежая новость") && text.contains("Новость без даты"),
            "{chat}: {text}"
        );
        assert!(
            !text.contains("Архивная") && !text.contains("Неделю назад"),
            "old news in a digest of {chat}: {text}"
        );
        assert!(text.contains("28 ноября 2025, 07:31"), "{chat}: {text}");
    }
    // The old ones are no longer new: the instant subscriber is not due
    // again and again for them.
    assert_eq!(w.digester().run_due(now + 30).unwrap().due, 0);
    // /search and /latest still find them.
    let found = w.store.search_articles("архивная", 5).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let latest = w
        .store
        .latest_stories(&["education".to_string()], &[], 10)
        .unwrap();
    assert!(latest.iter().any(|a| a.title.starts_with("Архивная")));
    // A longer MAX_ARTICLE_AGE_HOURS lets the week-old story through.
    w.dated("Ещё одна свежая", "healthcare", Some(now), now + 100);
    let wide = Digester {
        max_age: std::time::Duration::from_secs(30 * 86_400),
        ..w.digester()
    };
    let sub = w.store.subscriber(2).unwrap().unwrap();
    let filters = civic_digest::Filters {
        after_id: 0,
        ..civic_digest::filters_of(&sub)
    };
    let style = civic_digest::Style {
        lang: civic_digest::Lang::En,
        low_bandwidth: false,
        instant: false,
    };
    let (messages, _) = wide.preview(&filters, style, now + 200).unwrap();
    let text = to_plain(&messages.join("\n"));
    assert!(text.contains("Неделю назад"), "{text}");
    assert!(!text.contains("Архивная"), "{text}");
    assert!(text.contains("21 November 2025, 08:31"), "{text}");
}

/// A run builds digests in blocks on several threads and queues them as
/// they come: with more distinct digests than a block holds, every
/// subscriber still gets their own, once, with the stories of their topics.
#[test]
fn a_run_with_many_distinct_digests_gives_each_subscriber_their_own() {
    let w = World::new();
    let now = FRI_0830 + 60;
    let kb = Knowledge::embedded();
    let topics = kb.topic_ids();
    // every set of one, two or three topics: 377 distinct digests
    let mut sets: Vec<Vec<&str>> = Vec::new();
    for a in 0..topics.len() {
        sets.push(vec![topics[a]]);
        for b in a + 1..topics.len() {
            sets.push(vec![topics[a], topics[b]]);
            for c in b + 1..topics.len() {
                sets.push(vec![topics[a], topics[b], topics[c]]);
            }
        }
    }
    for (i, set) in sets.iter().enumerate() {
        w.subscriber(i as i64 + 1, set, &[], &[], now - 86_400);
    }
    for (i, topic) in topics.iter().enumerate() {
        w.dated(
            &format!("Новость номер {i} ({topic})"),
            topic,
            Some(now - 3600),
            now - 300 + i as i64,
        );
    }
    let report = w.digester().run_due(now).unwrap();
    assert_eq!(report.digests, sets.len(), "{report:?}");
    let msgs = w.store.claim_due(i64::MAX, 10_000).unwrap();
    for (i, set) in sets.iter().enumerate() {
        let chat = i as i64 + 1;
        let text: String = msgs
            .iter()
            .filter(|m| m.chat_id == chat)
            .map(|m| to_plain(&m.text))
            .collect();
        for topic in &topics {
            assert_eq!(
                text.contains(&format!("({topic})")),
                set.contains(topic),
                "chat {chat} ({set:?}): {text}"
            );
        }
    }
    // queued once: a second run at the same time has nothing to send
    assert_eq!(w.digester().run_due(now).unwrap().digests, 0);
}
