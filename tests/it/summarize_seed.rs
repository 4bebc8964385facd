//! The seed article (`../shared/seed/`): its three quotes with speakers, the
//! names in quote marks that are not quotes, its topics, and that the page
//! chrome after it yields no people.

use std::path::Path;

use civic_digest::{Knowledge, Summary, summarize_plain_text};

/// The seed's summary, or `None` (with a note on stderr) when `../shared` is
/// not beside the clone: a fresh clone has nothing there, and these tests
/// then say they skipped instead of failing.
fn seed() -> Option<Summary> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/000_ba64316cafec3a6a.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(summarize_plain_text(&text, &Knowledge::embedded())),
        Err(e) => {
            eprintln!("skipped: the seed {} cannot be read ({e})", path.display());
            None
        }
    }
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn seed_has_its_three_quotes_with_speakers() {
    let Some(s) = seed() else { return };
    assert_eq!(s.quotes.len(), 3, "{:#?}", s.quotes);
    let expect = [
        (
            "Сегодня выборы воспринимаются не как формальность, а как реальный шанс изменить свой поселок или аул. Это новая политическая культура, которую поддержали сами граждане",
            "Ерлан Кошанов",
            None,
        ),
        (
            "Предприятия должны платить налоги по месту своей деятельности. Это и есть принцип Настоящего Справедливого Казахстана",
            "Ерлан Кошанов",
            None,
        ),
        (
            "Суверенитет, независимость и самостоятельность Казахстана – абсолютный приоритет. Все реформы направлены именно на это",
            "Касым-Жомарт Токаев",
            Some("Ерлан Кошанов"),
        ),
    ];
    for (text, speaker, via) in expect {
        let q = s
            .quotes
            .iter()
            .find(|q| words(&q.text) == words(text))
            .unwrap_or_else(|| panic!("quote not found: {text}\n{:#?}", s.quotes));
        assert_eq!(q.speaker.as_deref(), Some(speaker), "{text}");
        assert_eq!(q.via.as_deref(), via, "{text}");
    }
}

#[test]
fn seed_names_in_quote_marks_are_not_quotes() {
    let Some(s) = seed() else { return };
    for name in [
        "Келешек мектептері",
        "Ауыл аманаты",
        "Қарызсыз қоғам",
        "Жер аманаты",
        "Әкімдер мектебі",
        "новую волну",
    ] {
        assert!(
            !s.quotes
                .iter()
                .any(|q| q.text.contains(name) && words(&q.text).len() <= words(name).len() + 2),
            "{name} taken as a quote: {:#?}",
            s.quotes
        );
    }
}

#[test]
fn seed_topics_and_region() {
    let Some(s) = seed() else { return };
    let ids: Vec<&str> = s.topics.iter().map(|t| t.id.as_str()).collect();
    for t in ["local_elections", "rural_development"] {
        assert!(ids.contains(&t), "{t} missing from {ids:?}");
    }
    assert_eq!(s.topics.iter().filter(|t| t.primary).count(), 1);
    assert!(s.regions.contains(&"astana".to_string()), "{:?}", s.regions);
}

#[test]
fn seed_menu_is_not_people_or_topics() {
    let Some(s) = seed() else { return };
    assert!(
        s.people.contains(&"Ерлан Кошанов".to_string()),
        "{:?}",
        s.people
    );
    assert!(
        s.people.contains(&"Касым-Жомарт Токаев".to_string()),
        "{:?}",
        s.people
    );
    for menu in [
        "Войти",
        "Новости",
        "Погода",
        "Гороскоп",
        "Радио Казахстана",
        "Казахстанское телевидение",
        "Просмотров",
        "О нас",
    ] {
        assert!(
            !s.people.iter().any(|p| p.contains(menu)),
            "menu item {menu} became a person: {:?}",
            s.people
        );
        assert!(
            !s.text.lines().any(|l| l.trim() == menu),
            "menu item {menu} left in the text"
        );
    }
    assert!(!s.key_sentences.is_empty() && s.key_sentences.len() <= 3);
}

/// Floors of the gold sets, a little below what the summarizer reaches: a
/// change that loses quotes, speakers or topics on them fails here.
struct Floors {
    quote_p: f64,
    quote_r: f64,
    speaker: f64,
    topic_f1: f64,
    primary: f64,
}

fn check_floors(name: &str, st: &civic_digest::eval::Stats, f: &Floors) {
    let report = st.report(name);
    assert!(st.articles > 0, "{name}: no articles");
    assert!(
        st.quotes.p() >= f.quote_p,
        "quote precision under {}:\n{report}",
        f.quote_p
    );
    assert!(
        st.quotes.r() >= f.quote_r,
        "quote recall under {}:\n{report}",
        f.quote_r
    );
    assert!(
        st.speaker_accuracy() >= f.speaker,
        "speaker accuracy under {}:\n{report}",
        f.speaker
    );
    assert!(
        st.topics.f1() >= f.topic_f1,
        "topic micro-F1 under {}:\n{report}",
        f.topic_f1
    );
    assert!(
        st.primary_accuracy() >= f.primary,
        "primary-topic accuracy under {}:\n{report}",
        f.primary
    );
}

#[test]
fn gold_development_set_stays_above_its_floors() {
    use civic_digest::eval::evaluate_dir;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dev = evaluate_dir(
        &root.join("tests/data/summarize"),
        &root.join("../shared"),
        &Knowledge::embedded(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_floors("dev", &dev.all, &DEV_FLOORS);
}

/// Evaluates one held-back set, skipped when it is not there.
fn check_held_back(folder: &str, floors: &Floors) {
    use civic_digest::eval::evaluate_dir;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/data/summarize").join(folder);
    if !dir.is_dir() {
        eprintln!("skipped: no held-back set at {}", dir.display());
        return;
    }
    let val = evaluate_dir(&dir, &root.join("../shared"), &Knowledge::embedded())
        .unwrap_or_else(|e| panic!("{e}"));
    check_floors(folder, &val.all, floors);
}

#[test]
fn gold_validation_set_stays_above_its_floors() {
    check_held_back("validation", &VALIDATION_FLOORS);
}

#[test]
fn gold_validation2_set_stays_above_its_floors() {
    check_held_back("validation2", &VALIDATION2_FLOORS);
}

#[test]
fn gold_validation3_set_stays_above_its_floors() {
    check_held_back("validation3", &VALIDATION3_FLOORS);
}

#[test]
fn gold_validation4_set_stays_above_its_floors() {
    check_held_back("validation4", &VALIDATION4_FLOORS);
}

/// The development set reaches quote P 1.000 / R 0.995, speakers 0.987,
/// topic micro-F1 0.840, primary 0.901 (152 articles; the 24 of set 8 had
/// quote R 0.857 and speakers 0.907 when they came, before any rule was
/// made for them).
const DEV_FLOORS: Floors = Floors {
    quote_p: 0.98,
    quote_r: 0.97,
    speaker: 0.96,
    topic_f1: 0.83,
    primary: 0.89,
};

/// The held-back sets are not tuned on. Their floors sit a little under
/// what they reach now, so a regression fails. validation (36 articles):
/// quote P 1.000 / R 1.000, speakers 0.850, topic micro-F1 0.814, primary
/// 0.897.
const VALIDATION_FLOORS: Floors = Floors {
    quote_p: 0.97,
    quote_r: 0.96,
    speaker: 0.82,
    topic_f1: 0.79,
    primary: 0.86,
};

/// validation2 (37 articles): quote P 1.000 / R 0.963, speakers 0.893,
/// topic micro-F1 0.800, primary 0.771.
const VALIDATION2_FLOORS: Floors = Floors {
    quote_p: 0.97,
    quote_r: 0.94,
    speaker: 0.86,
    topic_f1: 0.78,
    primary: 0.74,
};

/// validation3 (21 articles, written before this round's rule changes):
/// quote P 0.960 / R 0.980, speakers 0.938, topic micro-F1 0.863, primary
/// 1.000.
const VALIDATION3_FLOORS: Floors = Floors {
    quote_p: 0.93,
    quote_r: 0.95,
    speaker: 0.90,
    topic_f1: 0.82,
    primary: 0.90,
};

/// validation4 (20 articles, written blind to the rules while the last
/// changes of its round were made): quote P 1.000 / R 0.968, speakers
/// 0.836, topic micro-F1 0.902, primary 1.000.
const VALIDATION4_FLOORS: Floors = Floors {
    quote_p: 0.97,
    quote_r: 0.94,
    speaker: 0.81,
    topic_f1: 0.85,
    primary: 0.95,
};
