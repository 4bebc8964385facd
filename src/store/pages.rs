//! The later pages of a long digest. Only its first message is queued;
//! the others wait here, and each "more" button (callback `pg:<id>`, see
//! `bot::callback`) queues the page it names once: the page is marked sent
//! in the same transaction as it is queued, so a second press, or a press
//! after a restart that already went through, sends nothing. A page past
//! [`PAGE_TTL_SECS`] (or pruned with the delivered messages) is expired.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

/// How long the "more" button of a digest works.
pub const PAGE_TTL_SECS: i64 = 7 * 24 * 3600;

/// The callback data of the button that sends page `id`.
pub fn more_data(id: i64) -> String {
    format!("pg:{id}")
}

/// The `reply_markup` JSON of a "more" button.
#[cfg(test)]
fn more_keyboard(label: &str, id: i64) -> String {
    serde_json::json!({
        "inline_keyboard": [[{"text": label, "callback_data": more_data(id)}]]
    })
    .to_string()
}

/// The `reply_markup` JSON of "more" buttons with one label, written as
/// text around each page's id: a digest run writes one for every held
/// page, and building a JSON value each time cost more than the page's
/// row. Reads exactly as a JSON value of the button would be written
/// (keys in order: `callback_data`, then `text`).
pub(super) struct MoreButton {
    tail: String,
}

impl MoreButton {
    pub(super) fn new(label: &str) -> MoreButton {
        let label = serde_json::Value::from(label).to_string();
        MoreButton {
            tail: format!("\",\"text\":{label}}}]]}}"),
        }
    }

    /// The keyboard of the button that sends page `id`.
    pub(super) fn keyboard(&self, id: i64) -> String {
        format!(
            "{{\"inline_keyboard\":[[{{\"callback_data\":\"{}{}",
            more_data(id),
            self.tail
        )
    }
}

/// A held page: batch, page, body, keyboard, created, sent.
type PageRow = (String, i64, String, Option<String>, i64, Option<i64>);

/// What pressing "more" came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageTake {
    /// Queued now.
    Queued,
    /// Queued by an earlier press.
    AlreadySent,
    /// Too old, pruned, or never this chat's.
    Expired,
}

impl Store {
    /// "More" was pressed in `chat_id` for page `id`: queues it once.
    pub fn take_digest_page(&self, chat_id: i64, id: i64, now: i64) -> Result<PageTake> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row: Option<PageRow> = tx
            .query_row(
                "SELECT batch, page, body, keyboard, created_at, sent_at FROM digest_pages
                 WHERE id = ?1 AND chat_id = ?2",
                params![id, chat_id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((batch, page, body, keyboard, created_at, sent_at)) = row else {
            return Ok(PageTake::Expired);
        };
        if sent_at.is_some() {
            return Ok(PageTake::AlreadySent);
        }
        if now - created_at > PAGE_TTL_SECS {
            return Ok(PageTake::Expired);
        }
        tx.execute(
            "UPDATE digest_pages SET sent_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        let kind: String = tx
            .query_row(
                "SELECT kind FROM outbox WHERE chat_id = ?1 AND batch = ?2 ORDER BY part LIMIT 1",
                params![chat_id, batch],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| "digest".into());
        // A press is someone reading: the page comes with a notification.
        tx.execute(
            "INSERT OR IGNORE INTO outbox (chat_id, kind, batch, part, body, disable_preview, created_at, keyboard)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)",
            params![chat_id, kind, batch, page, body, now, keyboard],
        )?;
        tx.commit()?;
        Ok(PageTake::Queued)
    }

    /// The pages of a digest still waiting for their button, for tests and
    /// `/stats`-like views.
    pub fn waiting_pages(&self, chat_id: i64) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM digest_pages WHERE chat_id = ?1 AND sent_at IS NULL",
            [chat_id],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ChatKind, DigestCommit, OutKind};
    use std::sync::Arc;

    #[test]
    fn a_more_button_reads_as_its_json_value() {
        for label in ["ещё", "тағы", "more", r#"say "more" \ <b>&</b>"#, "\u{1}\n"] {
            let button = MoreButton::new(label);
            for id in [1, 42, i64::MAX] {
                assert_eq!(button.keyboard(id), more_keyboard(label, id), "{label}");
            }
        }
    }

    /// Paged digests queued together: each page's button sends that
    /// chat's next page; queued again in the same second (the same
    /// batch), they keep their pages and nothing is held or queued twice.
    #[test]
    fn paged_digests_queued_together_and_again_keep_their_pages() {
        let store = Store::open_in_memory().unwrap();
        let commit = |chat: i64, prev: i64| DigestCommit {
            chat_id: chat,
            kind: OutKind::Digest,
            batch: "digest-1".into(),
            parts: ["p0", "p1", "p2"]
                .iter()
                .map(|p| vec![Arc::<str>::from(format!("{p} of {chat}"))].into())
                .collect::<Vec<crate::store::Pieces>>()
                .into(),
            entries: vec![Arc::<str>::from("[]")].into(),
            prev_seen_article_id: prev,
            seen_article_id: 3,
            silent: false,
            more: Some("ещё".into()),
        };
        let page_of = |keyboard: Option<&str>| -> i64 {
            let kb: serde_json::Value = serde_json::from_str(keyboard.unwrap()).unwrap();
            let data = kb["inline_keyboard"][0][0]["callback_data"]
                .as_str()
                .unwrap();
            data.strip_prefix("pg:").unwrap().parse().unwrap()
        };
        for chat in 1..=3 {
            store
                .ensure_subscriber(chat, ChatKind::Private, None, "ru", 0)
                .unwrap();
        }
        let first: Vec<DigestCommit> = (1..=3).map(|c| commit(c, 0)).collect();
        store.commit_digests(&first, 100).unwrap();
        let again: Vec<DigestCommit> = (1..=3).map(|c| commit(c, 3)).collect();
        store.commit_digests(&again, 100).unwrap();
        let sent = store.claim_due(100, 10).unwrap();
        assert_eq!(sent.len(), 3, "each first page once");
        for m in sent {
            assert_eq!(store.waiting_pages(m.chat_id).unwrap(), 2);
            assert_eq!(m.text, format!("p0 of {}", m.chat_id));
            let id = page_of(m.keyboard.as_deref());
            assert_eq!(
                store.take_digest_page(m.chat_id, id, 101).unwrap(),
                PageTake::Queued
            );
            let p1 = store.claim_due(101, 10).unwrap();
            assert_eq!(p1[0].text, format!("p1 of {}", m.chat_id));
            let id = page_of(p1[0].keyboard.as_deref());
            assert_eq!(
                store.take_digest_page(m.chat_id, id, 102).unwrap(),
                PageTake::Queued
            );
            let p2 = store.claim_due(102, 10).unwrap();
            assert_eq!(p2[0].text, format!("p2 of {}", m.chat_id));
            assert!(p2[0].keyboard.is_none(), "the last page has no button");
        }
    }

    #[test]
    fn a_paged_digest_queues_its_first_part_and_each_page_once() {
        let store = Store::open_in_memory().unwrap();
        store
            .ensure_subscriber(5, ChatKind::Private, None, "ru", 0)
            .unwrap();
        let parts: Vec<crate::store::Pieces> = ["p0", "p1", "p2"]
            .iter()
            .map(|p| vec![Arc::<str>::from(*p)].into())
            .collect();
        let commit = DigestCommit {
            chat_id: 5,
            kind: OutKind::Digest,
            batch: "digest-1".into(),
            parts: parts.into(),
            entries: vec![Arc::<str>::from("[]")].into(),
            prev_seen_article_id: 0,
            seen_article_id: 3,
            silent: true,
            more: Some("ещё".into()),
        };
        store.commit_digests(&[commit], 100).unwrap();
        let first = store.claim_due(100, 10).unwrap();
        assert_eq!(first.len(), 1, "only the first page is queued");
        assert!(first[0].silent);
        let kb: serde_json::Value =
            serde_json::from_str(first[0].keyboard.as_deref().unwrap()).unwrap();
        let data = kb["inline_keyboard"][0][0]["callback_data"]
            .as_str()
            .unwrap();
        let id: i64 = data.strip_prefix("pg:").unwrap().parse().unwrap();
        assert_eq!(store.waiting_pages(5).unwrap(), 2);
        assert_eq!(
            store.take_digest_page(6, id, 101).unwrap(),
            PageTake::Expired,
            "another chat's"
        );
        assert_eq!(
            store.take_digest_page(5, id, 101).unwrap(),
            PageTake::Queued
        );
        assert_eq!(
            store.take_digest_page(5, id, 102).unwrap(),
            PageTake::AlreadySent
        );
        let second = store.claim_due(102, 10).unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].text, "p1");
        assert!(!second[0].silent);
        assert!(
            second[0].keyboard.as_deref().unwrap().contains("pg:"),
            "p1 leads to p2"
        );
        let last: i64 = id + 1;
        assert_eq!(
            store
                .take_digest_page(5, last, 100 + PAGE_TTL_SECS + 1)
                .unwrap(),
            PageTake::Expired
        );
        // Pruning keeps no page whose digest is gone, and breaks nothing.
        store.prune_delivered(200).unwrap();
        assert_eq!(
            store.take_digest_page(5, last, 201).unwrap(),
            PageTake::Expired
        );
    }
}
