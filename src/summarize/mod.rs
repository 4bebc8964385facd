//! The summarizer: key quotes with speakers, reform topics, regions, people.
//! A pure library: text in, [`Summary`] out; no I/O, never panics.
//!
//! - [`text`]: tokens, sentences, page chrome;
//! - [`people`]: names and their inflected forms, roles, bodies, pronouns;
//! - [`quotes`]: direct quotes and attribution;
//! - [`knowledge`]: the topic taxonomy and the region gazetteer from `data/`;
//! - [`scoring`]: topics, regions and key sentences.

use chrono::{DateTime, FixedOffset};

use crate::text::Lang;

pub mod eval;
pub mod knowledge;
pub mod lexicon;
pub mod people;
pub mod quotes;
pub mod scoring;
pub mod text;
mod work;

pub use crate::model::{Quote, Summary, TopicScore};
pub use knowledge::Knowledge;

/// Errors of the summarizer's data files.
#[derive(Debug, thiserror::Error)]
pub enum SummarizeError {
    #[error(transparent)]
    Files(#[from] crate::data::DataError),
    #[error("summarize: {file} is not valid: {message}")]
    Toml { file: &'static str, message: String },
    #[error("summarize: bad data: {0}")]
    Data(String),
    #[error("summarize: unknown topic {0:?}")]
    UnknownTopic(String),
}

/// One article to summarise.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleInput<'a> {
    pub url: Option<&'a str>,
    pub title: &'a str,
    /// Main text, paragraphs split by `\n`.
    pub text: &'a str,
    pub published_at: Option<DateTime<FixedOffset>>,
}

/// The keyword matches behind an article's topics and regions, one line each
/// ("p3 topic budget_taxes: налоги"); Latin-script Kazakh in the Cyrillic
/// it is analysed in.
pub fn explain(input: &ArticleInput, kb: &Knowledge) -> Vec<String> {
    let mut title = crate::text::normalize::normalize(input.title);
    let mut text = crate::text::normalize::normalize(input.text);
    if let (_, Some(mut tr)) = latin_kazakh(&title, &text) {
        title = tr.to_cyrillic(&title);
        text = tr.to_cyrillic(&text);
    }
    let mut all: Vec<&str> = vec![title.trim()];
    all.extend(text::article_paragraphs(&text));
    scoring::explain(&all, kb)
}

/// The article's language (the detector's, the same the store keeps) and,
/// for Kazakh in Latin letters, the transliteration it is analysed through.
fn latin_kazakh(title: &str, text: &str) -> (Lang, Option<crate::text::translit::Translit>) {
    let whole = format!("{title}\n{text}");
    let language = crate::text::lang::detect(&whole);
    let latin = (language == Lang::Kk && crate::text::translit::mostly_latin(text))
        .then(|| crate::text::translit::Translit::for_text(&whole));
    (language, latin)
}

/// Summarises plain text whose first non-empty line is the title.
pub fn summarize_plain_text(text: &str, kb: &Knowledge) -> Summary {
    let t = text.trim_start();
    let (title, body) = match t.find('\n') {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    summarize(
        &ArticleInput {
            url: None,
            title: title.trim(),
            text: body,
            published_at: None,
        },
        kb,
    )
}

/// Summarises one article: quotes with speakers, topics, regions, people and
/// key sentences.
pub fn summarize(input: &ArticleInput, kb: &Knowledge) -> Summary {
    let title = crate::text::normalize::normalize(input.title);
    let title = title.trim();
    let text = crate::text::normalize::normalize(input.text);
    let (language, latin) = latin_kazakh(title, &text);
    if let Some(mut tr) = latin {
        // Latin-script Kazakh: analysed in Cyrillic, shown as written
        let ct = tr.to_cyrillic(title);
        let cx = tr.to_cyrillic(&text);
        let mut s = analyse(input, &ct, &cx, language, kb);
        s.title = title.to_string();
        s.text = tr.to_original(&s.text);
        for q in &mut s.quotes {
            q.text = tr.to_original(&q.text);
            q.speaker = q.speaker.as_deref().map(|x| tr.to_original(x));
            q.via = q.via.as_deref().map(|x| tr.to_original(x));
            q.speaker_role = q.speaker_role.as_deref().map(|x| tr.to_original(x));
        }
        for p in &mut s.people {
            *p = tr.to_original(p);
        }
        for k in &mut s.key_sentences {
            *k = tr.to_original(k);
        }
        return s;
    }
    analyse(input, title, &text, language, kb)
}

/// The summary of a normalised title and text in `language`.
fn analyse(
    input: &ArticleInput,
    title: &str,
    text: &str,
    language: Lang,
    kb: &Knowledge,
) -> Summary {
    let mut paras = text::article_paragraphs(text);
    if paras
        .first()
        .is_some_and(|p| !title.is_empty() && *p == title)
    {
        paras.remove(0);
    }
    let mut all: Vec<&str> = Vec::with_capacity(paras.len() + 1);
    all.push(title);
    all.extend(paras.iter().copied());

    // Kazakh morphology is also switched on for a Russian text that carries
    // Kazakh words or names.
    let kazakh = language == Lang::Kk || text::looks_kazakh(text) || text::looks_kazakh(title);

    // a place in the gazetteer, or one the dictionary knows in an oblique
    // case ("премьер-министр Польши Дональд Туск")
    let is_place = |w: &str| {
        kb.is_place_word(w) || crate::text::morph::analyse(w).is_some_and(|i| i.place_oblique)
    };
    let mut people = people::People::find_with(&all, kazakh, &is_place);
    let found = quotes::find_quotes(&all, &mut people);
    let n = all.len().max(1) as f32;
    let mut out: Vec<Quote> = Vec::with_capacity(found.len());
    let mut seen = std::collections::HashSet::new();
    for f in found {
        // (a stray mark inside a quote can leave nothing between the marks)
        if f.text.trim().is_empty() || !seen.insert(f.text.clone()) {
            continue;
        }
        let speaker = f
            .speaker
            .as_ref()
            .map(|s| people.name_of(s))
            .filter(|s| !s.is_empty());
        let via = f
            .via
            .as_ref()
            .map(|s| people.name_of(s))
            .filter(|s| !s.is_empty() && Some(s) != speaker.as_ref());
        let person = match &f.speaker {
            Some(people::Speaker::Person(i)) => people.person(*i),
            _ => None,
        };
        let president = person.is_some_and(|p| p.president);
        let role = f
            .role
            .clone()
            .or_else(|| person.and_then(|p| p.role.clone()));
        let words = text::word_count(&f.text) as f32;
        let mut score = 0.4 * words.min(40.0) / 40.0 + 0.3 * (1.0 - f.para as f32 / n);
        if speaker.is_some() {
            score += 0.2;
        }
        if president {
            score += 0.1;
        }
        out.push(Quote {
            text: f.text,
            speaker,
            speaker_role: role,
            via,
            score: (score * 1000.0).round() / 1000.0,
        });
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));

    let (topics, regions) = scoring::topics_and_regions(&all, kb);
    Summary {
        url: input.url.map(str::to_string),
        title: title.to_string(),
        published_at: input.published_at,
        language,
        text: paras.join("\n"),
        quotes: out,
        topics,
        regions,
        people: people.names(),
        key_sentences: scoring::key_sentences(&all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Knowledge {
        Knowledge::embedded()
    }

    #[test]
    fn empty_input() {
        let s = summarize_plain_text("", &kb());
        assert!(s.quotes.is_empty() && s.topics.is_empty() && s.people.is_empty());
    }

    /// The summary of `text` and the steps it took (`work::tick`).
    fn summarize_counted(text: &str) -> (Summary, u64) {
        super::work::counted(|| {
            summarize(
                &ArticleInput {
                    title: "Т",
                    text,
                    ..Default::default()
                },
                &kb(),
            )
        })
    }

    /// Twice the input may take about twice the steps, not four times.
    fn assert_linear(small: u64, big: u64, what: &str) {
        assert!(small > 0, "{what}: no work counted");
        assert!(
            big as f64 <= 2.5 * small as f64,
            "{what}: twice the input took {big} steps against {small}"
        );
    }

    #[test]
    fn megabyte_without_full_stop() {
        let (half, w1) = summarize_counted(&"слово «цитата без конца ".repeat(20_000));
        let (s, w2) = summarize_counted(&"слово «цитата без конца ".repeat(40_000));
        assert_linear(w1, w2, "an unclosed quote");
        assert!(half.quotes.len() <= 1);
        assert!(s.quotes.len() <= 1);
    }

    #[test]
    fn many_quotes_stay_linear() {
        let para = "Ерлан Кошанов сказал: «Мы будем работать дальше и лучше», — отметил он. ";
        let (half, w1) = summarize_counted(&para.repeat(2_500));
        let (s, w2) = summarize_counted(&para.repeat(5_000));
        assert_linear(w1, w2, "many quotes");
        assert!(!half.quotes.is_empty());
        assert!(!s.quotes.is_empty());
    }

    #[test]
    fn many_people_and_quotes_stay_linear() {
        // distinct names, roles, pronouns and quotes in one paragraph and in
        // many: nothing may grow quadratically
        let letters: Vec<char> = "абвгдежзиклмнпрст".chars().collect();
        let name = |mut i: usize| {
            let mut s = String::from("Бек");
            for _ in 0..4 {
                s.push(letters[i % letters.len()]);
                i /= letters.len();
            }
            s.push_str("ов");
            s
        };
        let texts = |n: usize| {
            let mut one = String::new();
            let mut many = String::new();
            for i in 0..n {
                let line = format!(
                    "Аким района Ерлан {0} сказал: «Мы построим дорогу к селу {0} в этом году, — отметил он, — и школу». В пресс-службе сообщили, что «работы по графику {0} идут», — сказала она. ",
                    name(i)
                );
                one.push_str(&line);
                many.push_str(&line);
                many.push('\n');
            }
            [one, many]
        };
        let (small, big) = (texts(2000), texts(4000));
        for (k, what) in ["one paragraph", "many paragraphs"].iter().enumerate() {
            let (_, w1) = summarize_counted(&small[k]);
            let (s, w2) = summarize_counted(&big[k]);
            assert_linear(w1, w2, what);
            assert!(s.quotes.len() >= 1000, "{}", s.quotes.len());
            assert!(s.people.len() >= 1000, "{}", s.people.len());
        }
    }

    #[test]
    fn random_inputs_never_panic() {
        // a tiny linear congruential generator: reproducible, no dependency
        let mut state: u64 = 0x5eed;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let pieces = [
            "«",
            "»",
            "“",
            "”",
            "„",
            "\"",
            "'",
            "—",
            "–",
            "-",
            ":",
            ",",
            ".",
            "!",
            "?",
            "…",
            "\n",
            " ",
            "\u{a0}",
            "сказал",
            "деді",
            "деп",
            "Кошанов",
            "Ерлан",
            "Қасым-Жомарт",
            "Тоқаевтың",
            "он",
            "она",
            "ол",
            "аким",
            "әкімі",
            "пресс-службы",
            "ведомства",
            "по словам",
            "айтуынша",
            "Астане",
            "Ақтөбеде",
            "КОШАНОВ, спикер:",
            "Ә",
            "\u{301}",
            "😀",
            "1",
            "который",
            "мысль",
            "сөзін",
            "Закон",
            "О ",
            "ов",
            "ова",
            "енко",
            "Qasym",
            "dedı",
            "aituynşa",
        ];
        let kb = kb();
        for _ in 0..3000 {
            let n = next() % 60;
            let text: String = (0..n).map(|_| pieces[next() % pieces.len()]).collect();
            let title: String = (0..next() % 6)
                .map(|_| pieces[next() % pieces.len()])
                .collect();
            let s = summarize(
                &ArticleInput {
                    title: &title,
                    text: &text,
                    ..Default::default()
                },
                &kb,
            );
            assert!(s.topics.iter().filter(|t| t.primary).count() <= 1);
            let _ = summarize_plain_text(&text, &kb);
        }
    }

    #[test]
    fn mixed_scripts_and_marks() {
        let text = "Prezident Тоқаев said «hello» “ „ » « \" — – -\n\n\u{a0}«»\n—\n«,»";
        let s = summarize(
            &ArticleInput {
                title: "Mixed",
                text,
                ..Default::default()
            },
            &kb(),
        );
        assert!(s.quotes.is_empty(), "{:?}", s.quotes);
    }

    #[test]
    fn one_primary_topic() {
        let s = summarize(
            &ArticleInput {
                title: "В Туркестанской области прошли выборы сельских акимов",
                text: "Выборы акимов сельских округов прошли в Туркестанской области. Избиратели выбрали новых акимов.\nБюджет округов увеличат, налоги останутся на местах.",
                ..Default::default()
            },
            &kb(),
        );
        assert_eq!(s.topics.iter().filter(|t| t.primary).count(), 1);
        assert_eq!(s.primary_topic(), Some("local_elections"));
        assert_eq!(s.regions, vec!["turkistan".to_string()]);
    }

    #[test]
    fn kazakh_article() {
        let text = "Мемлекет басшысы Қасым-Жомарт Тоқаев ауыл әкімдерімен кездесті.\n«Ауыл әкімдерінің өкілеттігін кеңейту керек. Бұл – басты міндет», – деді Президент.\nТүркістан облысында және Ақтөбеде сайлау өтті.";
        let s = summarize(
            &ArticleInput {
                title: "Президент әкімдермен кездесті",
                text,
                ..Default::default()
            },
            &kb(),
        );
        assert_eq!(s.quotes.len(), 1, "{:?}", s.quotes);
        assert_eq!(s.quotes[0].speaker.as_deref(), Some("Қасым-Жомарт Тоқаев"));
        assert_eq!(s.language, Lang::Kk);
        assert!(
            s.regions.contains(&"turkistan".to_string())
                && s.regions.contains(&"aktobe".to_string()),
            "{:?}",
            s.regions
        );
        assert!(
            s.topics.iter().any(|t| t.id == "local_government"),
            "{:?}",
            s.topics
        );
    }
}
