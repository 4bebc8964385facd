//! The outbox: every message to Telegram is written here before it is
//! sent, with its status, attempts, next attempt time and Telegram message
//! id. A digest's messages, its entries (for `/why`) and the subscriber's
//! new watermark are written in one transaction, so a crash either queues
//! the whole digest or none of it, and never queues it twice.
//!
//! A text is kept as the pieces it is made of ([`Pieces`]): a JSON array
//! of short texts written in place and ids of `message_bodies`, where each
//! long piece (a story's block, which every digest carrying the story
//! shares; a broadcast) is stored once. Queuing a digest writes a list of
//! some tens of bytes, not its whole text; sending puts the text together.

use std::collections::HashMap;
use std::io::Write;
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

/// A text as its pieces, in order: the text is their concatenation. A
/// piece many texts share is one allocation, and is stored once.
pub type Pieces = Arc<[Arc<str>]>;

/// One subscriber's digest, ready to queue. Texts and entries are shared:
/// subscribers with the same digest hold the same allocations.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestCommit {
    pub chat_id: i64,
    pub kind: OutKind,
    pub batch: Arc<str>,
    /// The messages, in order (none: nothing to send, only the watermark moves).
    pub parts: Arc<[Pieces]>,
    /// The digest's entries (a JSON array of [`DigestEntry`]), for `/why`.
    pub entries: Pieces,
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

/// Pieces and lists already stored in this run, by the address of their
/// shared allocation, so a block sent to thousands is hashed once and a
/// digest's list made once. Each entry holds what it stands for, so no
/// address is reused while the maps live.
#[derive(Default)]
pub(super) struct Bodies {
    ids: HashMap<usize, (Arc<str>, i64), foldhash::fast::RandomState>,
    lists: HashMap<usize, (Pieces, Arc<str>), foldhash::fast::RandomState>,
}

/// Pieces shorter than this (in bytes) are written in place: storing them
/// once would cost more than it saves.
const SHARED_PIECE_MIN: usize = 64;

fn body_id(
    tx: &rusqlite::Transaction<'_>,
    text: &Arc<str>,
    bodies: &mut Bodies,
) -> rusqlite::Result<i64> {
    let key = Arc::as_ptr(text) as *const u8 as usize;
    if let Some((_, id)) = bodies.ids.get(&key) {
        return Ok(*id);
    }
    let hash = hex(&Sha256::digest(text.as_bytes()));
    // New texts are the rule: insert first, look up only when it is stored.
    let inserted = tx
        .prepare_cached(
            "INSERT INTO message_bodies (hash, text) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING",
        )?
        .execute(params![hash, &**text])?;
    let id = if inserted == 1 {
        tx.last_insert_rowid()
    } else {
        tx.prepare_cached("SELECT id FROM message_bodies WHERE hash = ?1")?
            .query_row([&hash], |r| r.get(0))?
    };
    bodies.ids.insert(key, (text.clone(), id));
    Ok(id)
}

/// One element of a stored text: a piece in place, or a stored body.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Stored<'a> {
    Body(i64),
    Text(#[serde(borrow)] std::borrow::Cow<'a, str>),
}

/// Stores a text's long pieces and returns its JSON list (see the module
/// documentation). Neighbouring short pieces are joined. The list is
/// written as it goes (as [`Stored`] elements would be serialized): a run
/// writes one for every distinct message.
pub(super) fn store_pieces(
    tx: &rusqlite::Transaction<'_>,
    pieces: &[Arc<str>],
    bodies: &mut Bodies,
) -> rusqlite::Result<String> {
    fn push_text(list: &mut Vec<u8>, text: &mut String) -> rusqlite::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        if list.len() > 1 {
            list.push(b',');
        }
        serde_json::to_writer(&mut *list, text.as_str())
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        text.clear();
        Ok(())
    }
    let mut list: Vec<u8> = Vec::with_capacity(16 * pieces.len() + 2);
    list.push(b'[');
    let mut text = String::new();
    for piece in pieces.iter().filter(|p| !p.is_empty()) {
        if piece.len() >= SHARED_PIECE_MIN {
            let id = body_id(tx, piece, bodies)?;
            push_text(&mut list, &mut text)?;
            if list.len() > 1 {
                list.push(b',');
            }
            // Writing to a Vec cannot fail.
            let _ = write!(list, "{id}");
        } else {
            text.push_str(piece);
        }
    }
    push_text(&mut list, &mut text)?;
    list.push(b']');
    String::from_utf8(list).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}

/// [`store_pieces`] for a text many digests share: its list is made once.
fn store_list(
    tx: &rusqlite::Transaction<'_>,
    pieces: &Pieces,
    bodies: &mut Bodies,
) -> rusqlite::Result<Arc<str>> {
    let key = Arc::as_ptr(pieces) as *const Arc<str> as usize;
    if let Some((_, list)) = bodies.lists.get(&key) {
        return Ok(list.clone());
    }
    let list: Arc<str> = store_pieces(tx, pieces, bodies)?.into();
    bodies.lists.insert(key, (pieces.clone(), list.clone()));
    Ok(list)
}

/// Puts a stored text together from its JSON list; `cache` keeps the
/// bodies already read.
pub(super) fn read_pieces(
    conn: &rusqlite::Connection,
    list: &str,
    cache: &mut HashMap<i64, String>,
) -> rusqlite::Result<String> {
    let list: Vec<Stored<'_>> = serde_json::from_str(list).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })?;
    let mut text = String::new();
    for piece in list {
        match piece {
            Stored::Text(t) => text.push_str(&t),
            Stored::Body(id) => {
                let body = match cache.entry(id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => e.insert(
                        conn.prepare_cached("SELECT text FROM message_bodies WHERE id = ?1")?
                            .query_row([id], |r| r.get(0))?,
                    ),
                };
                text.push_str(body);
            }
        }
    }
    Ok(text)
}

/// Deletes the stored pieces no message, page or digest holds any more.
pub(super) fn drop_unheld_bodies(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM message_bodies WHERE id NOT IN (
             SELECT p.value FROM outbox o, json_each(o.body) p WHERE p.type = 'integer'
             UNION SELECT p.value FROM digest_pages d, json_each(d.body) p WHERE p.type = 'integer'
             UNION SELECT p.value FROM digests d, json_each(d.entries) p WHERE p.type = 'integer')",
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
    let body = store_pieces(tx, std::slice::from_ref(&m.text), bodies)?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO outbox (chat_id, kind, batch, part, body, disable_preview, created_at)
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
    let mut bodies = Bodies::default();
    let mut n = 0;
    for m in messages {
        n += insert(tx, m, now, &mut bodies)?;
    }
    Ok(n)
}

/// Digests written per transaction: a few tens of milliseconds of the
/// writer's time each.
const DIGESTS_PER_TRANSACTION: usize = 500;

/// Rows one statement writes when digests are queued: a statement per row
/// cost more than the row (binding, opening and closing a cursor on the
/// table and each of its indexes), while a statement's parameters stay
/// far below SQLite's limit (32,766).
const ROWS_PER_STATEMENT: usize = 100;

/// `rows` cut into statements: of [`ROWS_PER_STATEMENT`] rows, then the
/// rest in powers of two, so that however a transaction ends its
/// statements are among a few prepared ones.
fn statements<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= ROWS_PER_STATEMENT {
            ROWS_PER_STATEMENT
        } else {
            1 << rest.len().ilog2()
        };
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    })
}

/// `head`, `rows` copies of `row` separated by commas, then `tail`.
fn rows_sql(head: &str, row: &str, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (row.len() + 1) + tail.len());
    sql.push_str(head);
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(row);
    }
    sql.push_str(tail);
    sql
}

/// Moves the watermark of each digest's subscriber, some hundred per
/// statement, where it is still the one the digest was built from, and
/// returns those digests in order (the others were queued by a concurrent
/// run, say /digest and the scheduler). `None`, moving nothing, when a chat
/// has two digests in `digests`: the second must see the first's move, so
/// they go one by one.
fn move_watermarks<'d>(
    tx: &rusqlite::Transaction<'_>,
    digests: &'d [DigestCommit],
    now: i64,
) -> rusqlite::Result<Option<Vec<&'d DigestCommit>>> {
    let mut chats = std::collections::HashSet::with_capacity(digests.len());
    if !digests.iter().all(|d| chats.insert(d.chat_id)) {
        return Ok(None);
    }
    let mut moved = std::collections::HashSet::with_capacity(digests.len());
    for rows in statements(digests) {
        let mut stmt = tx.prepare_cached(&rows_sql(
            "UPDATE subscribers SET seen_article_id = MAX(seen_article_id, v.column2),
                 last_digest_at = ? FROM (VALUES ",
            "(?, ?, ?)",
            rows.len(),
            ") AS v WHERE subscribers.chat_id = v.column1 AND subscribers.seen_article_id = v.column3
             RETURNING chat_id",
        ))?;
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(1 + 3 * rows.len());
        values.push(&now);
        for d in rows {
            values.extend([
                &d.chat_id as &dyn rusqlite::ToSql,
                &d.seen_article_id,
                &d.prev_seen_article_id,
            ]);
        }
        let mut returned = stmt.query(&values[..])?;
        while let Some(row) = returned.next()? {
            moved.insert(row.get::<_, i64>(0)?);
        }
    }
    Ok(Some(
        digests
            .iter()
            .filter(|d| moved.contains(&d.chat_id))
            .collect(),
    ))
}

/// One queued message of a digest: chat, kind, batch, part, body
/// (its list), silent, keyboard.
type MessageRow<'d> = (
    i64,
    &'static str,
    &'d str,
    i64,
    Arc<str>,
    bool,
    Option<String>,
);

/// Writes digests inside a caller's transaction (see
/// [`Store::commit_digests`]): the watermarks in bulk, the held pages one
/// by one (each page's button names the next one's id), then the messages
/// and the entries in bulk, each in the order of the digests, so the
/// messages are sent in that order.
fn commit_chunk(
    tx: &rusqlite::Transaction<'_>,
    digests: &[DigestCommit],
    now: i64,
    bodies: &mut Bodies,
) -> rusqlite::Result<()> {
    let Some(queued) = move_watermarks(tx, digests, now)? else {
        return commit_each(tx, digests, now, bodies);
    };
    let mut buttons: Option<(Arc<str>, super::pages::MoreButton)> = None;
    let mut messages: Vec<MessageRow<'_>> = Vec::with_capacity(queued.len());
    let mut records: Vec<(i64, &str, Arc<str>)> = Vec::with_capacity(queued.len());
    for d in queued {
        // Paged: the later parts wait for the "more" button.
        let (sent, keyboard) = hold_pages(tx, d, bodies, &mut buttons, now)?;
        for (part, pieces) in d.parts.iter().enumerate().take(sent) {
            messages.push((
                d.chat_id,
                d.kind.as_str(),
                &*d.batch,
                part as i64,
                store_list(tx, pieces, bodies)?,
                d.silent,
                keyboard.clone(),
            ));
        }
        if !d.parts.is_empty() {
            records.push((d.chat_id, &*d.batch, store_list(tx, &d.entries, bodies)?));
        }
    }
    for rows in statements(&messages) {
        let mut stmt = tx.prepare_cached(&rows_sql(
            "INSERT OR IGNORE INTO outbox (chat_id, kind, batch, part, body, disable_preview,
                 created_at, silent, keyboard) VALUES ",
            "(?, ?, ?, ?, ?, 1, ?, ?, ?)",
            rows.len(),
            "",
        ))?;
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(8 * rows.len());
        for (chat, kind, batch, part, body, silent, keyboard) in rows {
            values.extend([
                chat as &dyn rusqlite::ToSql,
                kind,
                batch,
                part,
                body,
                &now,
                silent,
                keyboard,
            ]);
        }
        stmt.execute(&values[..])?;
    }
    for rows in statements(&records) {
        let mut stmt = tx.prepare_cached(&rows_sql(
            "INSERT OR REPLACE INTO digests (chat_id, batch, entries, created_at) VALUES ",
            "(?, ?, ?, ?)",
            rows.len(),
            "",
        ))?;
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(4 * rows.len());
        for (chat, batch, entries) in rows {
            values.extend([chat as &dyn rusqlite::ToSql, batch, entries, &now]);
        }
        stmt.execute(&values[..])?;
    }
    Ok(())
}

/// [`commit_chunk`] one digest at a time, each watermark moved before the
/// next digest is looked at.
fn commit_each(
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
        "INSERT OR IGNORE INTO outbox (chat_id, kind, batch, part, body, disable_preview, created_at,
             silent, keyboard)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8)",
    )?;
    let mut record = tx.prepare_cached(
        "INSERT OR REPLACE INTO digests (chat_id, batch, entries, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut buttons: Option<(Arc<str>, super::pages::MoreButton)> = None;
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
        let (sent, keyboard) = hold_pages(tx, d, bodies, &mut buttons, now)?;
        for (part, pieces) in d.parts.iter().enumerate().take(sent) {
            let body = store_list(tx, pieces, bodies)?;
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
            let entries = store_list(tx, &d.entries, bodies)?;
            record.execute(params![d.chat_id, &*d.batch, entries, now])?;
        }
    }
    Ok(())
}

/// The "more" button of a paged digest (`None`: it is not paged), kept
/// from the digest before when the label is the same (one per language).
fn button_for<'b>(
    d: &DigestCommit,
    buttons: &'b mut Option<(Arc<str>, super::pages::MoreButton)>,
) -> Option<&'b super::pages::MoreButton> {
    let label = d.more.as_ref().filter(|_| d.parts.len() > 1)?;
    if buttons.as_ref().is_none_or(|(l, _)| l != label) {
        *buttons = Some((label.clone(), super::pages::MoreButton::new(label)));
    }
    buttons.as_ref().map(|(_, button)| button)
}

/// Holds the parts after the first of a paged digest in `digest_pages`;
/// returns how many parts to queue now and the keyboard of the last.
fn hold_pages(
    tx: &rusqlite::Transaction<'_>,
    d: &DigestCommit,
    bodies: &mut Bodies,
    buttons: &mut Option<(Arc<str>, super::pages::MoreButton)>,
    now: i64,
) -> rusqlite::Result<(usize, Option<String>)> {
    let Some(button) = button_for(d, buttons) else {
        return Ok((d.parts.len(), None));
    };
    // Last page first, so that each page is written with the button that
    // sends the one after it.
    let mut next: Option<i64> = None;
    for (page, pieces) in d.parts.iter().enumerate().skip(1).rev() {
        let body = store_list(tx, pieces, bodies)?;
        let keyboard = next.map(|id| button.keyboard(id));
        let inserted = tx
            .prepare_cached(
                "INSERT INTO digest_pages (chat_id, batch, page, body, created_at, keyboard)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (chat_id, batch, page) DO NOTHING",
            )?
            .execute(params![
                d.chat_id,
                &*d.batch,
                page as i64,
                body,
                now,
                keyboard
            ])?;
        next = Some(if inserted == 1 {
            tx.last_insert_rowid()
        } else {
            tx.prepare_cached(
                "SELECT id FROM digest_pages WHERE chat_id = ?1 AND batch = ?2 AND page = ?3",
            )?
            .query_row(params![d.chat_id, &*d.batch, page as i64], |r| r.get(0))?
        });
    }
    Ok((1, next.map(|id| button.keyboard(id))))
}

/// Queues digests in transactions of some hundreds as they are pushed (see
/// [`Store::digest_writer`]); [`DigestWriter::finish`] writes the rest.
pub struct DigestWriter<'s> {
    store: &'s Store,
    now: i64,
    bodies: Bodies,
    pending: Vec<DigestCommit>,
}

impl DigestWriter<'_> {
    pub fn push(&mut self, commit: DigestCommit) -> Result<()> {
        self.pending.push(commit);
        if self.pending.len() >= DIGESTS_PER_TRANSACTION {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            self.store
                .commit_digest_chunk(&self.pending, self.now, &mut self.bodies)?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Writes what is still pending.
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }
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
        let mut bodies = Bodies::default();
        for chunk in digests.chunks(DIGESTS_PER_TRANSACTION) {
            self.commit_digest_chunk(chunk, now, &mut bodies)?;
        }
        Ok(())
    }

    fn commit_digest_chunk(
        &self,
        chunk: &[DigestCommit],
        now: i64,
        bodies: &mut Bodies,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        commit_chunk(&tx, chunk, now, bodies)?;
        tx.commit()?;
        Ok(())
    }

    /// A writer that queues digests as they come, as
    /// [`Store::commit_digests`] does for a slice: some hundreds per
    /// transaction, each shared text stored once for the whole run, so that
    /// a run can queue the first digests while the later ones are built.
    pub fn digest_writer(&self, now: i64) -> DigestWriter<'_> {
        DigestWriter {
            store: self,
            now,
            bodies: Bodies::default(),
            pending: Vec::with_capacity(DIGESTS_PER_TRANSACTION),
        }
    }

    /// The entries of the chat's latest digest, in order.
    pub fn last_digest_entries(&self, chat_id: i64) -> Result<Vec<DigestEntry>> {
        let conn = self.read();
        let list: Option<String> = conn
            .query_row(
                "SELECT entries FROM digests WHERE chat_id = ?1
                 ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [chat_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(list) = list else {
            return Ok(Vec::new());
        };
        let json = read_pieces(&conn, &list, &mut HashMap::new())?;
        Ok(serde_json::from_str(&json).unwrap_or_default())
    }

    /// Claims up to `limit` due messages, oldest first, marking them as
    /// being sent. A message whose text cannot be put together (a stored
    /// piece is missing) is marked failed, with the reason, and not sent.
    pub fn claim_due(&self, now: i64, limit: usize) -> Result<Vec<OutMessage>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let rows: Vec<(OutMessage, String)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, chat_id, kind, batch, part, body, disable_preview, attempts, silent, keyboard
                 FROM outbox
                 WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now, limit as i64], |r| {
                Ok((
                    OutMessage {
                        id: r.get(0)?,
                        chat_id: r.get(1)?,
                        kind: OutKind::parse(&r.get::<_, String>(2)?),
                        batch: r.get(3)?,
                        part: r.get(4)?,
                        text: String::new(),
                        disable_preview: r.get(6)?,
                        attempts: r.get(7)?,
                        silent: r.get(8)?,
                        keyboard: r.get(9)?,
                    },
                    r.get(5)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut cache = HashMap::new();
        let mut claimed = Vec::with_capacity(rows.len());
        for (mut m, list) in rows {
            match read_pieces(&tx, &list, &mut cache) {
                Ok(text) => {
                    tx.prepare_cached(
                        "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?1",
                    )?
                    .execute([m.id])?;
                    m.text = text;
                    m.attempts += 1;
                    claimed.push(m);
                }
                Err(e) => {
                    log::error!("outbox: message {} cannot be put together: {e}", m.id);
                    tx.prepare_cached(
                        "UPDATE outbox SET status = 'failed', last_error = ?2 WHERE id = ?1",
                    )?
                    .execute(params![m.id, format!("text lost: {e}")])?;
                }
            }
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
        let mut bodies = Bodies::default();
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
        let rows: Vec<(String, i64, String)> = conn
            .prepare(
                "SELECT batch, part, body FROM outbox WHERE chat_id = ?1 AND status = 'sent' ORDER BY id",
            )?
            .query_map([chat_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut cache = HashMap::new();
        rows.into_iter()
            .map(|(batch, part, list)| Ok((batch, part, read_pieces(&conn, &list, &mut cache)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ChatKind;

    /// A text as pieces.
    pub(in crate::store) fn pieces(texts: &[&str]) -> Pieces {
        texts.iter().map(|t| Arc::from(*t)).collect()
    }

    /// A text long enough to be stored as a shared piece.
    fn long(what: &str) -> String {
        format!("{what}: {}", "a line of a story's text. ".repeat(3))
    }

    #[test]
    fn a_text_reads_back_as_its_pieces_joined() {
        let store = Store::open_in_memory().unwrap();
        let block: Arc<str> = Arc::from(long("«Kept», said the akim"));
        let text = [
            Arc::from("1. "),
            block.clone(),
            Arc::from("\n"),
            Arc::from("2. "),
            block,
        ];
        let mut conn = store.conn();
        let tx = conn.transaction().unwrap();
        let list = store_pieces(&tx, &text, &mut Bodies::default()).unwrap();
        // Short neighbours are joined in place; the block is stored once.
        assert_eq!(list, r#"["1. ",1,"\n2. ",1]"#);
        let ids: i64 = tx
            .query_row("SELECT count(*) FROM message_bodies", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ids, 1);
        assert_eq!(list.matches("1. ").count(), 1);
        assert!(list.contains(r#""\n2. ""#), "{list}");
        let read = read_pieces(&tx, &list, &mut HashMap::new()).unwrap();
        assert_eq!(read, text.concat());
        assert!(read_pieces(&tx, "[999]", &mut HashMap::new()).is_err());
        assert!(read_pieces(&tx, "not a list", &mut HashMap::new()).is_err());
    }

    /// Schema 5 keeps texts as pieces: a database of schema 4 keeps its
    /// queued messages, held pages and digest entries, readable as before.
    #[test]
    fn schema_5_keeps_queued_texts_pages_and_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &crate::store::MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            conn.execute_batch(
                r#"INSERT INTO message_bodies (id, hash, text) VALUES
                     (1, 'h1', 'Дайджест, страница 1'), (2, 'h2', 'страница 2'),
                     (3, 'h3', '[{"position":1,"story_id":4,"article_id":4,"reasons":"{}"}]');
                 INSERT INTO outbox (chat_id, kind, batch, part, body_id, created_at)
                     VALUES (7, 'digest', 'd1', 0, 1, 10);
                 INSERT INTO digest_pages (id, chat_id, batch, page, body_id, created_at)
                     VALUES (1, 7, 'd1', 1, 2, 10);
                 INSERT INTO digests VALUES (7, 'd1', 3, 10);"#,
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 5);
        let claimed = store.claim_due(20, 10).unwrap();
        assert_eq!(claimed[0].text, "Дайджест, страница 1");
        assert_eq!(store.last_digest_entries(7).unwrap()[0].story_id, 4);
        assert_eq!(
            store.take_digest_page(7, 1, 20).unwrap(),
            crate::store::PageTake::Queued
        );
        assert_eq!(store.claim_due(20, 10).unwrap()[0].text, "страница 2");
        // The clean-up still sees what the old rows hold.
        store.prune_delivered(0).unwrap();
        let bodies: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM message_bodies", [], |r| r.get(0))
            .unwrap();
        assert_eq!(bodies, 3);
    }

    #[test]
    fn a_message_whose_text_is_lost_fails_and_the_others_go() {
        let store = Store::open_in_memory().unwrap();
        let lost = NewMessage {
            text: long("a notice").into(),
            ..msg(1, "n1", 0)
        };
        store.enqueue(&[lost, msg(2, "n2", 0)], 0).unwrap();
        store
            .conn()
            .execute("DELETE FROM message_bodies", [])
            .unwrap();
        let claimed = store.claim_due(10, 10).unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].chat_id, 2);
        assert_eq!(store.outbox_counts().unwrap(), (0, 1, 0, 1, 0));
        let error: String = store
            .conn()
            .query_row("SELECT last_error FROM outbox WHERE chat_id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(error.starts_with("text lost"), "{error}");
    }

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
    fn rows_go_to_few_kinds_of_statement_in_order() {
        let sizes = |n: usize| -> Vec<usize> {
            let rows: Vec<usize> = (0..n).collect();
            let cut: Vec<&[usize]> = statements(&rows).collect();
            assert_eq!(cut.concat(), rows, "every row once, in order");
            cut.iter().map(|s| s.len()).collect()
        };
        assert!(sizes(0).is_empty());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(99), [64, 32, 2, 1]);
        assert_eq!(sizes(100), [100]);
        assert_eq!(sizes(257), [100, 100, 32, 16, 8, 1]);
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
        // Two digests in all, each shared by half the subscribers; a story
        // block both hold, and short texts written in place.
        let shared_story: Arc<str> = Arc::from(long("a story both digests carry"));
        let template = |k: usize| DigestCommit {
            chat_id: 0,
            kind: OutKind::Digest,
            batch: format!("digest-{k}").into(),
            parts: vec![
                pieces(&[&format!("digest {k}\n\n"), &long(&format!("story {k}"))]),
                vec![Arc::from("2. "), shared_story.clone()].into(),
            ]
            .into(),
            entries: pieces(&[&long(&format!("[{k}]"))]),
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
        // "story 0", "story 1", the shared story (once, though two
        // templates hold it) and the two entry lists.
        assert_eq!(bodies, 5);
        drop(conn);
        let texts: Vec<String> = store
            .claim_due(100, 4)
            .unwrap()
            .into_iter()
            .map(|m| m.text)
            .collect();
        assert_eq!(
            texts[..2],
            [
                format!("digest 1\n\n{}", long("story 1")),
                format!("2. {}", long("a story both digests carry"))
            ]
        );
        let conn = store.conn();
        let moved: i64 = conn
            .query_row(
                "SELECT count(*) FROM subscribers WHERE seen_article_id = 7",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(moved, n as i64);
    }

    /// Queued in bulk, a digest still goes only where its subscriber's
    /// watermark is the one it was built from: a chat a concurrent run got
    /// to first keeps that run's digest while its neighbours in the same
    /// statement get theirs, and of two digests for one chat built from
    /// the same mark in one call, only the first goes.
    #[test]
    fn bulk_queuing_keeps_the_concurrent_run_guard() {
        let store = Store::open_in_memory().unwrap();
        let n = ROWS_PER_STATEMENT as i64 * 2 + 7;
        for chat in 1..=n {
            store
                .ensure_subscriber(chat, ChatKind::Private, None, "ru", 0)
                .unwrap();
        }
        store
            .conn()
            .execute(
                "UPDATE subscribers SET seen_article_id = 3 WHERE chat_id IN (5, ?1)",
                [n],
            )
            .unwrap();
        let digest = |chat: i64, batch: &str, prev: i64, seen: i64| DigestCommit {
            chat_id: chat,
            kind: OutKind::Digest,
            batch: batch.into(),
            parts: vec![pieces(&[&format!("{batch} for {chat}")])].into(),
            entries: pieces(&[&format!(
                r#"[{{"position":1,"story_id":{seen},"article_id":{seen},"reasons":"{{}}"}}]"#
            )]),
            prev_seen_article_id: prev,
            seen_article_id: seen,
            silent: false,
            more: None,
        };
        let digests: Vec<DigestCommit> = (1..=n).map(|c| digest(c, "d1", 0, 9)).collect();
        store.commit_digests(&digests, 100).unwrap();
        assert_eq!(store.outbox_counts().unwrap().0, n - 2);
        for (chat, seen, queued) in [(4, 9, true), (5, 3, false), (6, 9, true), (n, 3, false)] {
            let sub = store.subscriber(chat).unwrap().unwrap();
            assert_eq!(sub.seen_article_id, seen, "chat {chat}");
            assert_eq!(
                store.last_digest_entries(chat).unwrap().len(),
                usize::from(queued),
                "chat {chat}"
            );
        }
        let twice = [digest(1, "d2", 9, 12), digest(1, "d3", 9, 13)];
        store.commit_digests(&twice, 200).unwrap();
        assert_eq!(store.subscriber(1).unwrap().unwrap().seen_article_id, 12);
        assert_eq!(store.last_digest_entries(1).unwrap()[0].article_id, 12);
        let texts: Vec<String> = store
            .claim_due(200, 1000)
            .unwrap()
            .into_iter()
            .filter(|m| m.chat_id == 1)
            .map(|m| m.text)
            .collect();
        assert_eq!(texts, ["d1 for 1", "d2 for 1"]);
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
            parts: vec![pieces(&["digest-1#0"])].into(),
            entries: pieces(&[&serde_json::to_string(&entries).unwrap()]),
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
        let keep = NewMessage {
            text: long("keep").into(),
            ..msg(6, "keep", 0)
        };
        store.enqueue(&[keep], 500).unwrap();
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
