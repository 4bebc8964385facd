//! Inline keyboards: topic and region pickers (✅ on, ▫️ off), the
//! language choice, and the confirm/cancel pairs. Pure: names come from
//! the knowledge base, labels from the texts.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::Callback;
use crate::i18n::Texts;
use crate::summarize::Knowledge;
use crate::text::Lang;

const ON: &str = "✅";
const OFF: &str = "▫️";

fn button(label: String, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label, cb.encode())
}

fn mark(on: bool) -> &'static str {
    if on { ON } else { OFF }
}

/// One button per topic, in taxonomy order.
pub fn topics(kb: &Knowledge, lang: Lang, selected: &[String]) -> InlineKeyboardMarkup {
    let rows = kb.topic_ids().into_iter().map(|id| {
        let name = kb.topic_name(id, lang).unwrap_or(id);
        let on = selected.iter().any(|s| s == id);
        vec![button(
            format!("{} {name}", mark(on)),
            Callback::Topic(id.to_string()),
        )]
    });
    InlineKeyboardMarkup::new(rows)
}

/// Regions two to a row, then "all of Kazakhstan" (on when none is picked).
pub fn regions(
    kb: &Knowledge,
    texts: &Texts,
    lang: Lang,
    selected: &[String],
) -> InlineKeyboardMarkup {
    let buttons: Vec<InlineKeyboardButton> = kb
        .region_ids()
        .into_iter()
        .map(|id| {
            let name = kb.region_name(id, lang).unwrap_or(id);
            let on = selected.iter().any(|s| s == id);
            button(
                format!("{} {name}", mark(on)),
                Callback::Region(id.to_string()),
            )
        })
        .collect();
    let mut rows: Vec<Vec<InlineKeyboardButton>> = buttons.chunks(2).map(<[_]>::to_vec).collect();
    rows.push(vec![button(
        format!(
            "{} {}",
            mark(selected.is_empty()),
            texts.t(lang, "bot.regions.all")
        ),
        Callback::AllRegions,
    )]);
    InlineKeyboardMarkup::new(rows)
}

/// Buttons two to a row, each with its label and what it asks for: the
/// "did you mean …" choices, the topics of `/latest`.
pub fn choices(items: Vec<(String, Callback)>) -> InlineKeyboardMarkup {
    let buttons: Vec<InlineKeyboardButton> = items
        .into_iter()
        .map(|(label, cb)| button(label, cb))
        .collect();
    InlineKeyboardMarkup::new(buttons.chunks(2).map(<[_]>::to_vec))
}

/// A topic's or region's name with its mark (on or off) for a choice.
pub fn marked(name: &str, on: bool) -> String {
    format!("{} {name}", mark(on))
}

/// Under each story of a moderator's list: hide it, or correct its topics.
pub fn article_actions(texts: &Texts, lang: Lang, ids: &[(usize, i64)]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(ids.iter().map(|(n, id)| {
        vec![
            button(
                texts.fmt(lang, "bot.moderate.hide", &[("n", &n.to_string())]),
                Callback::HideArticle(*id),
            ),
            button(
                texts.fmt(lang, "bot.moderate.retopic", &[("n", &n.to_string())]),
                Callback::ArticleTopics(*id),
            ),
        ]
    }))
}

/// One button per topic of the taxonomy for an article, its topics marked.
pub fn article_topics(kb: &Knowledge, lang: Lang, id: i64, on: &[String]) -> InlineKeyboardMarkup {
    choices(
        kb.topic_ids()
            .into_iter()
            .map(|t| {
                let name = kb.topic_name(t, lang).unwrap_or(t);
                (
                    marked(name, on.iter().any(|s| s == t)),
                    Callback::ArticleTopic {
                        id,
                        topic: t.to_string(),
                    },
                )
            })
            .collect(),
    )
}

/// Русский · Қазақша · English, the current one marked.
pub fn languages(texts: &Texts, current: Lang) -> InlineKeyboardMarkup {
    let row = [Lang::Kk, Lang::Ru, Lang::En].map(|l| {
        let name = texts.t(l, "bot.language.name");
        let label = if l == current {
            format!("{ON} {name}")
        } else {
            name.to_string()
        };
        button(label, Callback::Language(l))
    });
    InlineKeyboardMarkup::new([row.to_vec()])
}

/// Send / cancel under a broadcast preview.
pub fn broadcast(texts: &Texts, lang: Lang, id: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([vec![
        button(
            texts.t(lang, "bot.broadcast.confirm").to_string(),
            Callback::Broadcast { id, confirm: true },
        ),
        button(
            texts.t(lang, "bot.broadcast.cancel").to_string(),
            Callback::Broadcast { id, confirm: false },
        ),
    ]])
}

/// Erase / keep under the `/delete_me` question.
pub fn delete_me(texts: &Texts, lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([vec![
        button(
            texts.t(lang, "bot.delete.confirm").to_string(),
            Callback::DeleteMe { confirm: true },
        ),
        button(
            texts.t(lang, "bot.delete.cancel").to_string(),
            Callback::DeleteMe { confirm: false },
        ),
    ]])
}

/// Full / compact under `/settings`, the current layout marked.
pub fn layout(texts: &Texts, lang: Lang, current: crate::store::Layout) -> InlineKeyboardMarkup {
    use crate::store::Layout;
    let row = [Layout::Full, Layout::Compact].map(|l| {
        let key = format!("bot.layout.{}", l.as_str());
        button(
            marked(texts.t(lang, &key), l == current),
            Callback::Layout(l),
        )
    });
    InlineKeyboardMarkup::new([row.to_vec()])
}

/// Every callback data of a keyboard.
#[cfg(test)]
pub fn callback_data(markup: &InlineKeyboardMarkup) -> Vec<String> {
    use teloxide::types::InlineKeyboardButtonKind;
    markup
        .inline_keyboard
        .iter()
        .flatten()
        .filter_map(|b| match &b.kind {
            InlineKeyboardButtonKind::CallbackData(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::callback::MAX_CALLBACK_BYTES;

    #[test]
    fn every_keyboard_fits_telegram_limits_and_parses_back() {
        let kb = Knowledge::embedded();
        let texts = Texts::embedded();
        for lang in [Lang::Ru, Lang::Kk, Lang::En] {
            let all_topics: Vec<String> = kb.topic_ids().iter().map(|s| s.to_string()).collect();
            let markups = [
                topics(&kb, lang, &[]),
                topics(&kb, lang, &all_topics),
                regions(&kb, &texts, lang, &["akmola".into()]),
                languages(&texts, lang),
                broadcast(&texts, lang, i64::MAX),
                delete_me(&texts, lang),
                article_actions(&texts, lang, &[(1, i64::MAX), (5, 1)]),
                article_topics(&kb, lang, i64::MAX, &all_topics),
            ];
            for m in &markups {
                for data in callback_data(m) {
                    assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
                    assert!(Callback::decode(&data).is_some(), "{data}");
                }
            }
        }
    }

    #[test]
    fn topic_keyboard_marks_the_selection() {
        let kb = Knowledge::embedded();
        let m = topics(&kb, Lang::En, &["education".into()]);
        assert_eq!(m.inline_keyboard.len(), kb.topic_ids().len());
        let labels: Vec<&str> = m
            .inline_keyboard
            .iter()
            .flatten()
            .map(|b| b.text.as_str())
            .collect();
        assert!(labels.contains(&"✅ Education"), "{labels:?}");
        assert!(labels.iter().filter(|l| l.starts_with("✅")).count() == 1);
        let texts = Texts::embedded();
        let r = regions(&kb, &texts, Lang::Ru, &[]);
        let last = r.inline_keyboard.last().and_then(|row| row.first());
        assert!(
            last.is_some_and(|b| b.text.starts_with("✅")),
            "none picked = all"
        );
    }
}
