//! The outbox: every message to Telegram is written here before it is
//! sent, with its status, attempts, next attempt time and Telegram message
//! id. A digest's messages, its entries (for `/why`) and the subscriber's
//! new watermark are written in one transaction, so a crash either queues
//! the whole digest or none of it, and never queues it twice.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutKind {
    Digest,
    Instant,
    Broadcast,
    Notice,
}

impl OutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutKind::Digest => "digest",
            OutKind::Instant => "instant",
            OutKind::Broadcast => "broadcast",
            OutKind::Notice => "notice",
        }
    }
    fn parse(s: &str) -> OutKind {
        match s {
            "digest" => OutKind::Digest,
            "instant" => OutKind::Instant,
            "broadcast" => OutKind::Broadcast,
            _ => OutKind::Notice,
        }
    }
}

/// A message to queue. `(chat_id, batch, part)` is unique: queuing the
/// same part twice is a no-op.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub chat_id: i64,
    pub kind: OutKind,
    pub batch: String,
    pub part: i64,
    /// Telegram HTML, escaped, at most 4096 characters. Shared: many
    /// chats' messages can hold one text.
    pub text: Arc<str>,
    pub disable_preview: bool,
}

/// A queued message claimed for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct OutMessage {
    pub id: i64,
    pub chat_id: i64,
    pub kind: OutKind,
    pub batch: String,
    pub part: i64,
    pub text: String,
    pub disable_preview: bool,
    pub attempts: i64,
    /// Sent without a notification (the subscriber's quiet hours).
    pub silent: bool,
    /// An inline keyboard as `reply_markup` JSON (a digest's "more").
    pub keyboard: Option<String>,
}

/// One subscriber's digest, ready to queue. Texts and entries are shared:
/// subscribers with the same digest hold the same allocations.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestCommit {
    pub chat_id: i64,
    pub kind: OutKind,
    pub batch: Arc<str>,
    /// The messages, in order (none: nothing to send, only the watermark moves).
    pub parts: Arc<[Arc<str>]>,
    /// The digest's entries (a JSON array of [`DigestEntry`]), for `/why`.
    pub entries: Arc<str>,
    /// The watermark the digest was built from: it is queued only if the
    /// subscriber is still there (else another run got there first).
    pub prev_seen_article_id: i64,
    /// The subscriber's new watermark.
    pub seen_article_id: i64,
    /// Sent without a notification (quiet hours).
    pub silent: bool,
    /// Set: only the first part is sent, under a button with this label;
    /// the others wait in `digest_pages` for it (see `pages`).
    pub more: Option<Arc<str>>,
}

/// One story of a digest as it was sent, for `/why N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestEntry {
    pub position: i64,
    pub story_id: i64,
    pub article_id: i64,
    /// Why it was chosen, as JSON (see `digest::select`).
    pub reasons: String,
}

/// Texts already stored in this transaction, by the address of their
/// shared allocation, so a digest sent to thousands is hashed once. Each
/// entry holds its text, so no address is reused while the map lives.
pub(super) type Bodies = HashMap<usize, (Arc<str>, i64)>;

pub(super) fn body_id(
    tx: &rusqlite::Transaction<'_>,
    text: &Arc<str>,
    bodies: &mut Bodies,
) -> rusqlite::Result<i64> {
    let key = Arc::as_ptr(text) as *const u8 as usize;
    if let Some((_, id)) = bodies.get(&key) {
        return Ok(*id);
    }
    let hash = hex(&Sha256::digest(text.as_bytes()));
    // New texts are the rule: insert first, look up only when it is stored.
    let inserted: Option<i64> = tx
        .prepare_cached(
            "INSERT INTO message_bodies (hash, text) VALUES (?1, ?2)
             ON CONFLICT (hash) DO NOTHING RETURNING id",
        )?
        .query_row(params![hash, &**text], |r| r.get(0))
        .optional()?;
    let id = match inserted {
        Some(id) => id,
        None => tx
            .prepare_cached("SELECT id FROM message_bodies WHERE hash = ?1")?
            .query_row([&hash], |r| r.get(0))?,
    };
    bodies.insert(key, (text.clone(), id));
    Ok(id)
}

/// Deletes the message texts no message and no digest holds any more.
pub(super) fn drop_unheld_bodies(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM message_bodies WHERE id NOT IN (SELECT body_id FROM outbox)
             AND id NOT IN (SELECT entries_body FROM digests)
             AND id NOT IN (SELECT body_id FROM digest_pages)",
        [],
    )
}

/// Lowercase hex, as the stored hashes are written.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

fn insert(
    tx: &rusqlite::Transaction<'_>,
    m: &NewMessage,
    now: i64,
    bodies: &mut Bodies,
) -> rusqlite::Result<usize> {
    let body = body_id(tx, &m.text, bodies)?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO outbox (chat_id, kind, batch, part, body_id, disable_preview, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![m.chat_id, m.kind.as_str(), m.batch, m.part, body, m.disable_preview, now])
}

/// Queues messages inside a caller's transaction; returns how many were new.
pub(super) fn insert_all(
    tx: &rusqlite::Transaction<'_>,
    messages: &[NewMessage],
    now: i64,
) -> rusqlite::Result<usize> {
    let mut bodies = Bodies::new();
    let mut n = 0;
    for m in messages {
        n += insert(tx, m, now, &mut bodies)?;
    }
    Ok(n)
}

/// Digests written per transaction: a few tens of milliseconds of the
/// writer's time each.
const DIGESTS_PER_TRANSACTION: usize = 500;

/// Writes digests inside a caller's transaction (see
/// [`Store::commit_digests`]).
fn commit_chunk(
    tx: &rusqlite::Transaction<'_>,
    digests: &[DigestCommit],
    now: i64,
    bodies: &mut Bodies,
) -> rusqlite::Result<()> {
    let mut watermark = tx.prepare_cached(
        "UPDATE subscribers SET seen_article_id = MAX(seen_article_id, ?2), last_digest_at = ?3
         WHERE chat_id = ?1 AND seen_article_id = ?4",
    )?;
    let mut message = tx.prepare_cached(
        "INSERT OR IGNORE INTO outbox (chat_id, kind, batch, part, body_id, disable_preview, created_at,
             silent, keyboard)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8)",
    )?;
    let mut record = tx.prepare_cached(
        "INSERT OR REPLACE INTO digests (chat_id, batch, entries_body, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for d in digests {
        let moved = watermark.execute(params![
            d.chat_id,
            d.seen_article_id,
            now,
            d.prev_seen_article_id
        ])?;
        if moved == 0 {
            // A concurrent run (say /digest and the scheduler) queued
            // these stories already.
            continue;
        }
        // Paged: the later parts wait for the "more" button.
        let (sent, keyboard) = hold_pages(tx, d, bodies, now)?;
        for (part, text) in d.parts.iter().enumerate().take(sent) {
            let body = body_id(tx, text, bodies)?;
            message.execute(params![
                d.chat_id,
                d.kind.as_str(),
                &*d.batch,
                part as i64,
                body,
                now,
                d.silent,
                keyboard.as_deref()
            ])?;
        }
        if !d.parts.is_empty() {
            let entries = body_id(tx, &d.entries, bodies)?;
            record.execute(params![d.chat_id, &*d.batch, entries, now])?;
        }
    }
    Ok(())
}

/// Holds the parts after the first of a paged digest in `digest_pages`;
/// returns how many parts to queue now and the keyboard of the last.
fn hold_pages(
    tx: &rusqlite::Transaction<'_>,
    d: &DigestCommit,
    bodies: &mut Bodies,
    now: i64,
) -> rusqlite::Result<(usize, Option<String>)> {
    let Some(label) = d.more.as_deref().filter(|_| d.parts.len() > 1) else {
        return Ok((d.parts.len(), None));
    };
    // Last page first, so that each page is written with the button that
    // sends the one after it.
    let mut next: Option<i64> = None;
    for (page, text) in d.parts.iter().enumerate().skip(1).rev() {
        let body = body_id(tx, text, bodies)?;
        let keyboard = next.map(|id| super::pages::more_keyboard(label, id));
        let id: Option<i64> = tx
            .prepare_cached(
                "INSERT INTO digest_pages (chat_id, batch, page, body_id, created_at, keyboard)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (chat_id, batch, page) DO NOTHING RETURNING id",
            )?
            .query_row(
                params![d.chat_id, &*d.batch, page as i64, body, now, keyboard],
                |r| r.get(0),
            )
            .optional()?;
        next = Some(match id {
            Some(id) => id,
            None => tx
                .prepare_cached(
                    "SELECT id FROM digest_pages WHERE chat_id = ?1 AND batch = ?2 AND page = ?3",
                )?
                .query_row(params![d.chat_id, &*d.batch, page as i64], |r| r.get(0))?,
        });
    }
    Ok((1, next.map(|id| super::pages::more_keyboard(label, id))))
}

impl Store {
    /// Queues messages; returns how many were new.
    pub fn enqueue(&self, messages: &[NewMessage], now: i64) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = insert_all(&tx, messages, now)?;
        tx.commit()?;
        Ok(n)
    }

    /// Queues digests, records their entries and moves each subscriber's
    /// watermark: each digest whole in one transaction, some hundreds per
    /// transaction, with each statement prepared once and each shared text
    /// stored once. The writer's connection is let go between transactions,
    /// so a handler's write waits for one of them, never for the whole run.
    pub fn commit_digests(&self, digests: &[DigestCommit], now: i64) -> Result<()> {
        let mut bodies = Bodies::new();
        for chunk in digests.chunks(DIGESTS_PER_TRANSACTION) {
            let mut conn = self.conn();
            let tx = conn.transaction()?;
            commit_chunk(&tx, chunk, now, &mut bodies)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The entries of the chat's latest digest, in order.
    pub fn last_digest_entries(&self, chat_id: i64) -> Result<Vec<DigestEntry>> {
        let json: Option<String> = self
            .read()
            .query_row(
                "SELECT b.text FROM digests d JOIN message_bodies b ON b.id = d.entries_body
                 WHERE d.chat_id = ?1 ORDER BY d.created_at DESC, d.rowid DESC LIMIT 1",
                [chat_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// Claims up to `limit` due messages, oldest first, marking them as
    /// being sent.
    pub fn claim_due(&self, now: i64, limit: usize) -> Result<Vec<OutMessage>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut claimed: Vec<OutMessage> = {
            let mut stmt = tx.prepare(
                "SELECT o.id, o.chat_id, o.kind, o.batch, o.part, b.text, o.disable_preview, o.attempts,
                     o.silent, o.keyboard
                 FROM outbox o JOIN message_bodies b ON b.id = o.body_id
                 WHERE o.status = 'pending' AND o.next_attempt_at <= ?1 ORDER BY o.id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now, limit as i64], |r| {
                Ok(OutMessage {
                    id: r.get(0)?,
                    chat_id: r.get(1)?,
                    kind: OutKind::parse(&r.get::<_, String>(2)?),
                    batch: r.get(3)?,
                    part: r.get(4)?,
                    text: r.get(5)?,
                    disable_preview: r.get(6)?,
                    attempts: r.get(7)?,
                    silent: r.get(8)?,
                    keyboard: r.get(9)?,
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for m in &mut claimed {
            tx.execute(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?1",
                [m.id],
            )?;
            m.attempts += 1;
        }
        tx.commit()?;
        Ok(claimed)
    }

    /// After a crash or restart: messages left in flight go back to the
    /// queue (each may reach Telegram twice; none is lost).
    pub fn requeue_in_flight(&self) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE outbox SET status = 'pending' WHERE status = 'sending'",
            [],
        )?)
    }

    pub fn mark_sent(&self, id: i64, telegram_id: i64, now: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET status = 'sent', telegram_id = ?2, sent_at = ?3, last_error = NULL WHERE id = ?1",
            params![id, telegram_id, now],
        )?;
        Ok(())
    }

    /// Back to the queue, not before `at`.
    pub fn retry_at(&self, id: i64, error: &str, at: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?3, last_error = ?2 WHERE id = ?1",
            params![id, error, at],
        )?;
        Ok(())
    }

    /// Gives up on one message.
    pub fn mark_failed(&self, id: i64, error: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET status = 'failed', last_error = ?2 WHERE id = ?1",
            params![id, error],
        )?;
        Ok(())
    }

    /// The chat is gone: its waiting messages are dropped, with the reason.
    pub fn drop_chat_messages(&self, chat_id: i64, reason: &str) -> Result<usize> {
        Ok(self.conn().execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?2 WHERE chat_id = ?1 AND status IN ('pending', 'sending')",
            params![chat_id, reason],
        )?)
    }

    /// Telegram said "message is too long": the message is replaced by
    /// shorter parts, queued in its place.
    pub fn split_message(&self, id: i64, parts: &[String], now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (chat_id, kind, batch, part, preview): (i64, String, String, i64, bool) = tx
            .query_row(
                "SELECT chat_id, kind, batch, part, disable_preview FROM outbox WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        tx.execute("UPDATE outbox SET status = 'dropped', last_error = 'split: message is too long' WHERE id = ?1", [id])?;
        let mut bodies = Bodies::new();
        for (i, text) in parts.iter().enumerate() {
            insert(
                &tx,
                &NewMessage {
                    chat_id,
                    kind: OutKind::parse(&kind),
                    batch: format!("{batch}/{part}"),
                    part: i as i64,
                    text: text.as_str().into(),
                    disable_preview: preview,
                },
                now,
                &mut bodies,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets messages settled (sent, failed, dropped) before `before`, the
    /// digests recorded before it, and the texts nothing holds any more.
    /// Returns how many messages went. Pending messages always stay.
    pub fn prune_delivered(&self, before: i64) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let gone = tx.execute(
            "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'dropped') AND COALESCE(sent_at, created_at) < ?1",
            [before],
        )?;
        tx.execute("DELETE FROM digests WHERE created_at < ?1", [before])?;
        tx.execute("DELETE FROM digest_pages WHERE created_at < ?1", [before])?;
        drop_unheld_bodies(&tx)?;
        tx.commit()?;
        Ok(gone)
    }

    /// Messages by status: (pending, sending, sent, failed, dropped).
    pub fn outbox_counts(&self) -> Result<(i64, i64, i64, i64, i64)> {
        let conn = self.read();
        let mut out = (0, 0, 0, 0, 0);
        let mut stmt = conn.prepare("SELECT status, count(*) FROM outbox GROUP BY status")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let n: i64 = r.get(1)?;
            match r.get::<_, String>(0)?.as_str() {
                "pending" => out.0 = n,
                "sending" => out.1 = n,
                "sent" => out.2 = n,
                "failed" => out.3 = n,
                _ => out.4 = n,
            }
        }
        Ok(out)
    }

    /// The sent messages of one chat, oldest first: (batch, part, text).
    pub fn sent_messages(&self, chat_id: i64) -> Result<Vec<(String, i64, String)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT o.batch, o.part, b.text FROM outbox o JOIN message_bodies b ON b.id = o.body_id
             WHERE o.chat_id = ?1 AND o.status = 'sent' ORDER BY o.id",
        )?;
        let rows = stmt.query_map([chat_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ChatKind;

    fn msg(chat: i64, batch: &str, part: i64) -> NewMessage {
        NewMessage {
            chat_id: chat,
            kind: OutKind::Digest,
            batch: batch.into(),
            part,
            text: format!("{batch}#{part}").into(),
            disable_preview: true,
        }
    }

    #[test]
    fn queue_claim_send_and_requeue() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            store
                .enqueue(&[msg(1, "d1", 0), msg(1, "d1", 1), msg(2, "d1", 0)], 0)
                .unwrap(),
            3
        );
        assert_eq!(
            store.enqueue(&[msg(1, "d1", 0)], 0).unwrap(),
            0,
            "same part twice is a no-op"
        );
        let claimed = store.claim_due(10, 2).unwrap();
        assert_eq!(
            claimed.iter().map(|m| m.part).collect::<Vec<_>>(),
            vec![0, 1]
        );
        store.mark_sent(claimed[0].id, 555, 11).unwrap();
        // crash: claimed[1] was in flight
        assert_eq!(store.requeue_in_flight().unwrap(), 1);
        let again = store.claim_due(12, 10).unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again[0].attempts, 2);
        store.retry_at(again[0].id, "429", 100).unwrap();
        assert!(store.claim_due(50, 10).unwrap().is_empty());
        assert_eq!(store.claim_due(100, 10).unwrap().len(), 1);
        assert_eq!(store.sent_messages(1).unwrap().len(), 1);
    }

    #[test]
    fn a_large_run_spans_transactions_and_stores_each_text_once() {
        let store = Store::open_in_memory().unwrap();
        let n = DIGESTS_PER_TRANSACTION * 2 + 34;
        for chat in 1..=n as i64 {
            store
                .ensure_subscriber(chat, ChatKind::Private, None, "ru", 0)
                .unwrap();
        }
        // Two digests in all, each shared by half the subscribers.
        let template = |k: usize| DigestCommit {
            chat_id: 0,
            kind: OutKind::Digest,
            batch: format!("digest-{k}").into(),
            parts: vec![
                Arc::<str>::from(format!("digest {k}, part 1")),
                Arc::from("part 2"),
            ]
            .into(),
            entries: Arc::from(format!("[{k}]")),
            prev_seen_article_id: 0,
            seen_article_id: 7,
            silent: false,
            more: None,
        };
        let templates = [template(0), template(1)];
        let digests: Vec<DigestCommit> = (1..=n as i64)
            .map(|chat| DigestCommit {
                chat_id: chat,
                ..templates[chat as usize % 2].clone()
            })
            .collect();
        store.commit_digests(&digests, 100).unwrap();
        assert_eq!(store.outbox_counts().unwrap().0, 2 * n as i64);
        let conn = store.conn();
        let bodies: i64 = conn
            .query_row("SELECT count(*) FROM message_bodies", [], |r| r.get(0))
            .unwrap();
        // "digest 0, part 1", "digest 1, part 1", "part 2" (once, though
        // two templates hold it) and the two entry lists.
        assert_eq!(bodies, 5);
        let moved: i64 = conn
            .query_row(
                "SELECT count(*) FROM subscribers WHERE seen_article_id = 7",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(moved, n as i64);
    }

    #[test]
    fn digest_commit_moves_the_watermark_with_the_messages() {
        let store = Store::open_in_memory().unwrap();
        store
            .ensure_subscriber(5, ChatKind::Private, None, "ru", 0)
            .unwrap();
        let entries = vec![DigestEntry {
            position: 1,
            story_id: 9,
            article_id: 9,
            reasons: "{}".into(),
        }];
        let commit = DigestCommit {
            chat_id: 5,
            kind: OutKind::Digest,
            batch: "digest-1".into(),
            parts: vec![Arc::<str>::from("digest-1#0")].into(),
            entries: serde_json::to_string(&entries).unwrap().into(),
            prev_seen_article_id: 0,
            seen_article_id: 42,
            silent: false,
            more: None,
        };
        store.commit_digests(&[commit], 100).unwrap();
        assert_eq!(store.subscriber(5).unwrap().unwrap().seen_article_id, 42);
        assert_eq!(store.last_digest_entries(5).unwrap(), entries);
        store
            .split_message(
                store.claim_due(100, 1).unwrap()[0].id,
                &["a".into(), "b".into()],
                101,
            )
            .unwrap();
        let parts = store.claim_due(101, 10).unwrap();
        assert_eq!(
            parts.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
            vec!["a", "b"]
        );
        assert_eq!(store.drop_chat_messages(5, "blocked").unwrap(), 2);
        // Retention: settled messages and old digests go, with their texts.
        store.enqueue(&[msg(6, "keep", 0)], 500).unwrap();
        assert_eq!(
            store.prune_delivered(1000).unwrap(),
            3,
            "the split original and its two dropped parts"
        );
        assert_eq!(
            store.outbox_counts().unwrap(),
            (1, 0, 0, 0, 0),
            "pending stays"
        );
        assert!(store.last_digest_entries(5).unwrap().is_empty());
        let bodies: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM message_bodies", [], |r| r.get(0))
            .unwrap();
        assert_eq!(bodies, 1, "only the pending message's text is kept");
    }
}
