//! Topics, regions and key sentences of an article.

use super::TopicScore;
use super::knowledge::{Knowledge, Match, Token};
use super::text::{fold, sentences, tokens};

/// Folded words of a paragraph, ready for the keyword matchers.
struct Words {
    folded: Vec<String>,
    caps: Vec<bool>,
    /// Words of a person's title ("аким села Акжар" before "Асель
    /// Нурланова"): they say who speaks, not what the article is about.
    title: Vec<bool>,
}

impl Words {
    fn of(para: &str) -> Words {
        let toks = tokens(para);
        let caps: Vec<bool> = toks.iter().map(|t| t.is_capitalized()).collect();
        let mut title = vec![false; toks.len()];
        if crate::summarize::people::caption_name(para).is_some() {
            title.iter_mut().for_each(|t| *t = true);
        }
        // a "First Last" name pair: mask the clause words just before it
        for j in 1..toks.len() {
            let pair =
                caps[j - 1] && caps[j] && para[toks[j - 1].end..toks[j].start].trim().is_empty();
            let surname = crate::summarize::people::analyze_surname(toks[j].text).is_some();
            if !(pair && surname) {
                continue;
            }
            let mut k = j - 1;
            while k > 0 && j - 1 - k < 5 {
                let gap = &para[toks[k - 1].end..toks[k].start];
                if gap.contains([
                    '.', ',', ':', ';', '!', '?', '«', '»', '“', '”', '"', '(', ')',
                ]) || gap.contains(|c: char| crate::summarize::text::dash(c))
                {
                    break;
                }
                k -= 1;
                title[k] = true;
            }
            // "Name, role …" up to the end of the clause
            if j + 1 < toks.len() && para[toks[j].end..toks[j + 1].start].trim() == "," {
                let mut m = j + 1;
                while m < toks.len() && m <= j + 8 {
                    title[m] = true;
                    if m + 1 < toks.len() && !para[toks[m].end..toks[m + 1].start].trim().is_empty()
                    {
                        break;
                    }
                    m += 1;
                }
            }
        }
        Words {
            folded: toks.iter().map(|t| fold(t.text)).collect(),
            caps,
            title,
        }
    }

    fn tokens(&self) -> Vec<Token<'_>> {
        self.folded
            .iter()
            .zip(&self.caps)
            .map(|(f, &c)| Token {
                folded: f.as_str(),
                stem: Default::default(),
                capitalized: c,
            })
            .collect()
    }
}

/// Weight of the title relative to a body paragraph.
const TITLE_WEIGHT: f32 = 1.5;
/// A paragraph that names a topic once (a passing mention).
const PASSING: f32 = 0.5;
/// A topic needs this score to be reported.
const THRESHOLD: f32 = 1.25;
/// …and at least this share of the best topic's score.
const RELATIVE: f32 = 0.15;
/// What a setting word (`^kw`: a village, an akim) counts outside the title
/// and the lead when its paragraph has none of the topic's own words.
const SETTING_ELSEWHERE: f32 = 0.25;
/// What a title mention adds when choosing the primary topic.
const TITLE_PRIMARY_BONUS: f32 = 3.0;

/// Topics and regions of an article, reading each paragraph once.
pub fn topics_and_regions(paras: &[&str], kb: &Knowledge) -> (Vec<TopicScore>, Vec<String>) {
    let words: Vec<Words> = paras.iter().map(|p| Words::of(p)).collect();
    (topics_of(&words, kb), regions_of(&words, kb))
}

/// What one paragraph's keyword hits of a topic add to its score: the title
/// counts most, a paragraph with several hits counts fully, a passing
/// mention (one hit) counts for a fraction.
fn paragraph_score(h: f32, title: bool) -> f32 {
    if title {
        TITLE_WEIGHT * h.min(1.0) + 0.25 * (h - 1.0).clamp(0.0, 2.0)
    } else if h >= 2.0 {
        1.0 + 0.25 * (h - 2.0).min(4.0)
    } else {
        PASSING * h
    }
}

fn topics_of(words: &[Words], kb: &Knowledge) -> Vec<TopicScore> {
    let n = kb.topics.entries.len();
    let mut score = vec![0f32; n];
    // with every setting word counted: what the primary topic is chosen by
    let mut full = vec![0f32; n];
    let mut first_seen = vec![usize::MAX; n];
    // the title names the topic by its own words, not only by a setting
    // word (a village, an akim)
    let mut title_own = vec![false; n];
    // setting words in the title and the first paragraphs, a person's title
    // too ("Аким Костаная Марат Жундубаев сообщил …"): what an article with
    // no topic of its own words is about
    let mut setting_early = vec![0f32; n];
    for (pi, w) in words.iter().enumerate() {
        let toks = w.tokens();
        let mut hits = vec![0f32; n];
        let mut setting = vec![0f32; n];
        let found = kb.topics.find(&toks, false, false);
        // setting words of two topics side by side name an office, who acts
        // and not what the news is about: "сельских акимов", "аким поселка",
        // "ауылдық округ әкімі"
        let office = |m: &Match| {
            m.setting
                && found
                    .iter()
                    .any(|o| o.setting && o.entry != m.entry && o.at.abs_diff(m.at) <= 2)
        };
        // a setting word beside another topic's own words says where, not
        // what ("ауылдық әкім сайлауы", "сельская школа"): it does not make
        // its topic one of the article's, though it still weighs in choosing
        // the primary topic among them
        let qualifier = |m: &Match| {
            m.setting
                && found
                    .iter()
                    .any(|o| !o.setting && o.entry != m.entry && o.at.abs_diff(m.at) <= 2)
        };
        let mut qualifying = vec![0f32; n];
        for m in &found {
            if pi <= 2 && m.setting {
                setting_early[m.entry] += m.weight;
            }
            if w.title[m.at] || office(m) {
                continue;
            }
            if qualifier(m) {
                qualifying[m.entry] += m.weight;
            } else if m.setting {
                setting[m.entry] += m.weight;
            } else {
                hits[m.entry] += m.weight;
            }
        }
        // a setting word (a village, an akim) counts in the title and the
        // lead, elsewhere only beside the topic's own words
        let lead = pi <= 1;
        for e in 0..n {
            let all = hits[e] + setting[e] + qualifying[e];
            if all > 0.0 {
                full[e] += paragraph_score(all, pi == 0);
            }
            if pi == 0 && hits[e] > 0.0 {
                title_own[e] = true;
            }
            if lead || hits[e] > 0.0 {
                hits[e] += setting[e];
            } else {
                hits[e] += SETTING_ELSEWHERE * setting[e];
            }
            if hits[e] <= 0.0 {
                continue;
            }
            first_seen[e] = first_seen[e].min(pi);
            score[e] += paragraph_score(hits[e], pi == 0);
        }
    }
    let max = score.iter().copied().fold(0f32, f32::max);
    let mut out: Vec<(usize, f32)> = (0..n)
        .filter(|&e| score[e] >= THRESHOLD && score[e] >= RELATIVE * max)
        .map(|e| (e, score[e]))
        .collect();
    if out.is_empty()
        && let Some(e) = (0..n).filter(|&e| setting_early[e] > 0.0).max_by(|&a, &b| {
            setting_early[a]
                .total_cmp(&setting_early[b])
                .then(b.cmp(&a))
        })
    {
        out.push((e, score[e].max(THRESHOLD)));
    }
    out.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(first_seen[a.0].cmp(&first_seen[b.0]))
    });
    // the primary topic: the title weighs most (by the topic's own words:
    // "врачей направлены в села" is about doctors), every setting word
    // counts, and a topic that is mostly the setting of others
    // (primary_weight < 1) yields to them
    let primary_score = |e: usize| {
        full[e] * kb.topics.entries[e].primary_weight
            + if title_own[e] {
                TITLE_PRIMARY_BONUS
            } else {
                0.0
            }
    };
    if let Some(best) = (0..out.len()).max_by(|&a, &b| {
        primary_score(out[a].0)
            .total_cmp(&primary_score(out[b].0))
            .then(b.cmp(&a))
    }) {
        let p = out.remove(best);
        out.insert(0, p);
    }
    out.iter()
        .enumerate()
        .map(|(k, &(e, s))| TopicScore {
            id: kb.topics.entries[e].id.clone(),
            score: (s * 100.0).round() / 100.0,
            primary: k == 0,
        })
        .collect()
}

fn regions_of(words: &[Words], kb: &Knowledge) -> Vec<String> {
    let n = kb.regions.entries.len();
    let mut count = vec![0usize; n];
    let mut first = vec![usize::MAX; n];
    let mut order = 0usize;
    for w in words {
        let toks = w.tokens();
        for Match { at, entry: e, .. } in kb.regions.find(&toks, true, true) {
            // "в Астану", "Астанаға": a destination, not where the news is
            let f = w.folded[at].as_str();
            let prev = if at > 0 {
                w.folded[at - 1].as_str()
            } else {
                ""
            };
            let ru_dest = (prev == "в" || prev == "на") && f.ends_with(['у', 'ю']);
            let kk_dest = ["ға", "ге", "қа", "ке"].iter().any(|x| f.ends_with(x));
            if ru_dest || kk_dest {
                continue;
            }
            count[e] += 1;
            if first[e] == usize::MAX {
                first[e] = order;
            }
            order += 1;
        }
    }
    let mut ids: Vec<usize> = (0..n).filter(|&e| count[e] > 0).collect();
    ids.sort_by_key(|&e| (usize::MAX - count[e], first[e]));
    ids.into_iter()
        .map(|e| kb.regions.entries[e].id.clone())
        .collect()
}

/// Two or three sentences that summarise the article: early, informative
/// sentences, no boilerplate, no quotations.
pub fn key_sentences(paras: &[&str]) -> Vec<String> {
    let mut cands: Vec<(usize, f32, &str)> = Vec::new();
    let mut idx = 0usize;
    for (pi, para) in paras.iter().enumerate().skip(1).take(12) {
        for s in sentences(para) {
            idx += 1;
            let head: String = s.chars().take(40).collect();
            let f = fold(&head);
            let words = s.split_whitespace().count();
            if !(6..=60).contains(&words)
                || super::lexicon::Lexicon::shared()
                    .both(|l| &l.boilerplate)
                    .any(|b| f.starts_with(b))
                || s.contains("со ссылкой")
            {
                continue;
            }
            if s.starts_with(['«', '“', '„', '"', '–', '—', '-']) || s.ends_with(':') {
                continue;
            }
            // mid-length sentences carry the news; very short or long less so
            let hits = if (10..=35).contains(&words) { 3 } else { 1 };
            let pos = 1.0 / (1.0 + pi as f32 * 0.5);
            let digits = s.chars().any(|c| c.is_ascii_digit()) as u8 as f32 * 0.2;
            cands.push((idx, pos * 2.0 + hits.min(4) as f32 * 0.3 + digits, s));
        }
    }
    let mut best: Vec<(usize, f32, &str)> = cands.clone();
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.truncate(3);
    best.sort_by_key(|x| x.0);
    best.into_iter().map(|x| x.2.to_string()).collect()
}

/// Which words of the article matched which topic or region, paragraph by
/// paragraph (for moderators tuning keywords, and for the evaluation).
pub fn explain(paras: &[&str], kb: &Knowledge) -> Vec<String> {
    let mut out = Vec::new();
    for (pi, para) in paras.iter().enumerate() {
        let w = Words::of(para);
        let toks = w.tokens();
        for Match {
            at: i,
            len: n,
            entry: e,
            weight,
            setting,
        } in kb.topics.find(&toks, false, false)
        {
            let masked = if w.title[i] { " (person's title)" } else { "" };
            let setting = if setting { " (setting)" } else { "" };
            out.push(format!(
                "p{pi} topic {} {weight}{setting}{masked}: {}",
                kb.topics.entries[e].id,
                w.folded[i..i + n].join(" ")
            ));
        }
        for Match {
            at: i,
            len: n,
            entry: e,
            ..
        } in kb.regions.find(&toks, true, true)
        {
            out.push(format!(
                "p{pi} region {}: {}",
                kb.regions.entries[e].id,
                w.folded[i..i + n].join(" ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in topics with the village words marked as setting
    /// keywords (`^kw`).
    fn kb() -> Knowledge {
        let mut t = include_str!("../../data/topics.toml").to_string();
        for kw in [
            "\"=сел",
            "\"поселков\"",
            "\"аулов\"",
            "\"аул\"",
            "\"сельчан*\"",
        ] {
            t = t.replace(kw, &kw.replacen('"', "\"^", 1));
        }
        Knowledge::from_strs(&t, include_str!("../../data/regions.toml")).expect("topics parse")
    }

    fn ids(paras: &[&str]) -> Vec<String> {
        topics_and_regions(paras, &kb())
            .0
            .into_iter()
            .map(|t| t.id)
            .collect()
    }

    #[test]
    fn villages_in_passing_are_not_rural_development() {
        let got = ids(&[
            "В Экибастузе открыли центр лечения инсульта",
            "В городской больнице Экибастуза заработал центр, где врачи лечат инсульт. Томограф и реанимацию закупили для больницы.",
            "Пациентов из сел района привозят на скорой, врачи больницы принимают их круглосуточно.",
            "Раньше жителей поселков везли в Павлодар, теперь больных лечат в городе.",
            "Врачи центра прошли обучение, а медсестры из аулов приедут на курсы весной.",
        ]);
        assert!(got.contains(&"healthcare".to_string()), "{got:?}");
        assert!(!got.contains(&"rural_development".to_string()), "{got:?}");
    }

    #[test]
    fn an_akim_at_work_in_the_lead_is_local_government_when_nothing_else_is() {
        // the akim stands in a person's title and no topic's own words
        // occur: what the article is about is the akim's office
        let got = ids(&[
            "Проехали мимо и не дождались: костанайцы жалуются на автобусы",
            "Аким Костаная Марат Жундубаев сообщил о росте жалоб на работу общественного транспорта.",
            "Водители уезжали, не дожидаясь пассажиров, и проезжали остановки.",
        ]);
        assert_eq!(got, ["local_government"], "{got:?}");
        // with no akim or village, no topic at all
        let got = ids(&[
            "Костанайцы жалуются на автобусы",
            "Пассажиры сообщили о росте жалоб на работу общественного транспорта.",
        ]);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn a_village_in_the_title_or_lead_is_a_topic() {
        let got = ids(&[
            "В селе Акжар построят водопровод",
            "Жители села Акжар получат чистую воду: в ауле начали прокладывать трубы, сельчане ждали их десять лет.",
            "Подрядчик обещает закончить работы к осени.",
        ]);
        assert!(got.contains(&"rural_development".to_string()), "{got:?}");
    }

    #[test]
    fn the_title_s_own_words_choose_the_primary_topic_over_its_setting() {
        // doctors sent to villages: about healthcare, set in villages
        let got = ids(&[
            "Сотни врачей направлены в села Казахстана",
            "Минздрав направил в сельские населенные пункты пятьсот врачей, в селах откроют новые медпункты.",
            "В селах Абайской области, в аулах и поселках района врача ждали годами, сельчане ездили за сто километров.",
            "Сельские акимы обещают приезжим жилье в селе, в аулах для них готовят дома.",
        ]);
        assert_eq!(
            got.first().map(String::as_str),
            Some("healthcare"),
            "{got:?}"
        );
        assert!(got.contains(&"rural_development".to_string()), "{got:?}");
    }

    #[test]
    fn a_village_word_qualifying_another_topic_is_not_a_topic() {
        // "ауылдық әкім сайлауы": rural akims' elections are elections
        let got = ids(&[
            "Қостанай облысында ауылдық әкім сайлауы өтті",
            "Облыстың 12 ауылдық округінде ауылдық әкім сайлауы өтті, сайлау комиссиясы нәтижелерін жариялады.",
            "Сайлаушылардың жартысынан көбі дауыс берді, кандидаттар ауылдың жолы мен суы туралы айтты.",
        ]);
        assert_eq!(
            got.first().map(String::as_str),
            Some("local_elections"),
            "{got:?}"
        );
        assert!(!got.contains(&"rural_development".to_string()), "{got:?}");
    }
}
