//! Subscribers (private chats and groups) and what they follow: topics,
//! regions, words and people, schedule, language, time zone.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Private,
    Group,
    /// A channel a moderator bound with `/channel @name`.
    Channel,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Private => "private",
            ChatKind::Group => "group",
            ChatKind::Channel => "channel",
        }
    }
}

/// How a digest's entries read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Title, outlets, date, a quote or key sentence, regions.
    #[default]
    Full,
    /// Title, outlet, date and one short quote: fits a phone.
    Compact,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Full => "full",
            Layout::Compact => "compact",
        }
    }
    pub fn parse(s: &str) -> Option<Layout> {
        match s {
            "full" => Some(Layout::Full),
            "compact" => Some(Layout::Compact),
            _ => None,
        }
    }
}

/// Quiet hours: from `from` to `to` minutes after local midnight (across
/// midnight when `from > to`), messages come without a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quiet {
    pub from: u16,
    pub to: u16,
}

impl Quiet {
    /// Is `minute` (after local midnight) within the quiet hours?
    pub fn covers(self, minute: u16) -> bool {
        if self.from <= self.to {
            (self.from..self.to).contains(&minute)
        } else {
            minute >= self.from || minute < self.to
        }
    }
}

/// A source a subscriber muted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Muted {
    pub source_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubStatus {
    Active,
    /// Paused by the subscriber (`/stop`).
    Paused,
    /// The bot was blocked or the chat is gone; settings are kept.
    Blocked,
}

impl SubStatus {
    fn as_str(self) -> &'static str {
        match self {
            SubStatus::Active => "active",
            SubStatus::Paused => "paused",
            SubStatus::Blocked => "blocked",
        }
    }
}

/// How often the digest comes, in the subscriber's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Schedule {
    /// Each new matching story within a minute, batched.
    Instant,
    /// Every day at `minute` after local midnight.
    Daily { minute: u16 },
    /// Every week on `weekday` (1 = Monday … 7 = Sunday) at `minute`.
    Weekly { weekday: u8, minute: u16 },
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule::Daily { minute: 9 * 60 }
    }
}

/// A subscriber with everything it follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subscriber {
    pub chat_id: i64,
    pub chat_kind: ChatKind,
    pub title: Option<String>,
    pub language: String,
    pub status: SubStatus,
    pub schedule: Schedule,
    pub timezone: String,
    pub low_bandwidth: bool,
    pub seen_article_id: i64,
    pub last_digest_at: Option<i64>,
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub follows: Vec<String>,
    pub layout: Layout,
    pub quiet: Option<Quiet>,
    /// Sources whose articles this subscriber does not get.
    pub muted: Vec<Muted>,
    /// Words and phrases whose articles this subscriber does not get.
    pub excludes: Vec<String>,
    /// The moderator who bound a channel.
    pub bound_by: Option<i64>,
}

const SUBSCRIBER_SELECT: &str =
    "SELECT chat_id, chat_kind, title, language, status, schedule, schedule_minute,
    schedule_weekday, timezone, low_bandwidth, seen_article_id, last_digest_at,
    layout, quiet_from, quiet_to, bound_by FROM subscribers";

fn subscriber_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscriber> {
    let kind: String = r.get(1)?;
    let status: String = r.get(4)?;
    let schedule: String = r.get(5)?;
    let minute: i64 = r.get(6)?;
    let weekday: i64 = r.get(7)?;
    Ok(Subscriber {
        chat_id: r.get(0)?,
        chat_kind: match kind.as_str() {
            "group" => ChatKind::Group,
            "channel" => ChatKind::Channel,
            _ => ChatKind::Private,
        },
        title: r.get(2)?,
        language: r.get(3)?,
        status: match status.as_str() {
            "paused" => SubStatus::Paused,
            "blocked" => SubStatus::Blocked,
            _ => SubStatus::Active,
        },
        schedule: match schedule.as_str() {
            "instant" => Schedule::Instant,
            "weekly" => Schedule::Weekly {
                weekday: weekday.clamp(1, 7) as u8,
                minute: minute.clamp(0, 1439) as u16,
            },
            _ => Schedule::Daily {
                minute: minute.clamp(0, 1439) as u16,
            },
        },
        timezone: r.get(8)?,
        low_bandwidth: r.get(9)?,
        seen_article_id: r.get(10)?,
        last_digest_at: r.get(11)?,
        topics: Vec::new(),
        regions: Vec::new(),
        follows: Vec::new(),
        layout: Layout::parse(&r.get::<_, String>(12)?).unwrap_or_default(),
        quiet: match (r.get::<_, Option<i64>>(13)?, r.get::<_, Option<i64>>(14)?) {
            (Some(from), Some(to)) => Some(Quiet {
                from: from.clamp(0, 1439) as u16,
                to: to.clamp(0, 1439) as u16,
            }),
            _ => None,
        },
        muted: Vec::new(),
        excludes: Vec::new(),
        bound_by: r.get(15)?,
    })
}

impl Store {
    /// The subscriber of `chat_id`, creating it (active, daily at 09:00,
    /// with the last day's news still to come) when it is new.
    pub fn ensure_subscriber(
        &self,
        chat_id: i64,
        kind: ChatKind,
        title: Option<&str>,
        language: &str,
        now: i64,
    ) -> Result<Subscriber> {
        {
            let conn = self.conn();
            let seen: i64 = conn.query_row(
                "SELECT COALESCE(MAX(id), 0) FROM articles WHERE ingested_at < ?1",
                [now - 24 * 3600],
                |r| r.get(0),
            )?;
            conn.execute(
                "INSERT OR IGNORE INTO subscribers (chat_id, chat_kind, title, language, low_bandwidth, seen_article_id,
                     last_digest_at, created_at, updated_at, layout)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7, ?8)",
                params![
                    chat_id,
                    kind.as_str(),
                    title,
                    language,
                    kind == ChatKind::Group,
                    seen,
                    now,
                    // Groups and channels read on phones: compact by default.
                    if kind == ChatKind::Private { "full" } else { "compact" }
                ],
            )?;
        }
        self.subscriber(chat_id)?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("subscriber {chat_id}"),
            })
    }

    /// One subscriber with its topics, regions and follows.
    pub fn subscriber(&self, chat_id: i64) -> Result<Option<Subscriber>> {
        let conn = self.read();
        let Some(mut sub) = conn
            .query_row(
                &format!("{SUBSCRIBER_SELECT} WHERE chat_id = ?1"),
                [chat_id],
                subscriber_from_row,
            )
            .optional()?
        else {
            return Ok(None);
        };
        let list = |sql: &str| -> rusqlite::Result<Vec<String>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([chat_id], |r| r.get(0))?;
            rows.collect()
        };
        sub.topics = list("SELECT topic FROM subscriber_topics WHERE chat_id = ?1 ORDER BY topic")?;
        sub.regions =
            list("SELECT region FROM subscriber_regions WHERE chat_id = ?1 ORDER BY region")?;
        sub.follows =
            list("SELECT phrase FROM subscriber_follows WHERE chat_id = ?1 ORDER BY phrase")?;
        sub.excludes =
            list("SELECT phrase FROM subscriber_excludes WHERE chat_id = ?1 ORDER BY phrase")?;
        let mut stmt = conn.prepare(
            "SELECT m.source_id, s.name FROM subscriber_mutes m JOIN sources s ON s.id = m.source_id
             WHERE m.chat_id = ?1 ORDER BY s.name",
        )?;
        sub.muted = stmt
            .query_map([chat_id], |r| {
                Ok(Muted {
                    source_id: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(sub))
    }

    /// Every subscriber with the given status, with what it follows, loaded
    /// in four queries (a digest run reads them all).
    pub fn subscribers_with_status(&self, status: SubStatus) -> Result<Vec<Subscriber>> {
        let conn = self.read();
        let mut stmt = conn.prepare(&format!(
            "{SUBSCRIBER_SELECT} WHERE status = ?1 ORDER BY chat_id"
        ))?;
        let mut subs: Vec<Subscriber> = stmt
            .query_map([status.as_str()], subscriber_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let index: HashMap<i64, usize> = subs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.chat_id, i))
            .collect();
        for (table, column) in [
            ("subscriber_topics", "topic"),
            ("subscriber_regions", "region"),
            ("subscriber_follows", "phrase"),
            ("subscriber_excludes", "phrase"),
        ] {
            let mut stmt = conn.prepare(&format!(
                "SELECT chat_id, {column} FROM {table} ORDER BY chat_id, {column}"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                    let value: String = r.get(1)?;
                    match table {
                        "subscriber_topics" => subs[i].topics.push(value),
                        "subscriber_regions" => subs[i].regions.push(value),
                        "subscriber_excludes" => subs[i].excludes.push(value),
                        _ => subs[i].follows.push(value),
                    }
                }
            }
        }
        let mut stmt = conn.prepare(
            "SELECT m.chat_id, m.source_id, s.name FROM subscriber_mutes m
             JOIN sources s ON s.id = m.source_id ORDER BY m.chat_id, s.name",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                subs[i].muted.push(Muted {
                    source_id: r.get(1)?,
                    name: r.get(2)?,
                });
            }
        }
        Ok(subs)
    }

    fn update_subscriber(
        &self,
        chat_id: i64,
        sql: &str,
        value: &dyn rusqlite::ToSql,
        now: i64,
    ) -> Result<()> {
        let n = self.conn().execute(
            &format!("UPDATE subscribers SET {sql}, updated_at = ?3 WHERE chat_id = ?1"),
            params![chat_id, value, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: format!("subscriber {chat_id}"),
            });
        }
        Ok(())
    }

    pub fn set_subscriber_status(&self, chat_id: i64, status: SubStatus, now: i64) -> Result<()> {
        self.update_subscriber(chat_id, "status = ?2", &status.as_str(), now)
    }

    pub fn set_subscriber_language(&self, chat_id: i64, language: &str, now: i64) -> Result<()> {
        self.update_subscriber(chat_id, "language = ?2", &language, now)
    }

    pub fn set_low_bandwidth(&self, chat_id: i64, on: bool, now: i64) -> Result<()> {
        self.update_subscriber(chat_id, "low_bandwidth = ?2", &on, now)
    }

    pub fn set_layout(&self, chat_id: i64, layout: Layout, now: i64) -> Result<()> {
        self.update_subscriber(chat_id, "layout = ?2", &layout.as_str(), now)
    }

    /// Sets (or with `None` clears) the quiet hours.
    pub fn set_quiet(&self, chat_id: i64, quiet: Option<Quiet>, now: i64) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE subscribers SET quiet_from = ?2, quiet_to = ?3, updated_at = ?4 WHERE chat_id = ?1",
            params![chat_id, quiet.map(|q| q.from), quiet.map(|q| q.to), now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: format!("subscriber {chat_id}"),
            });
        }
        Ok(())
    }

    /// Mutes a source; returns whether it was not muted yet.
    pub fn mute_source(&self, chat_id: i64, source_id: i64) -> Result<bool> {
        Ok(self.conn().execute(
            "INSERT OR IGNORE INTO subscriber_mutes (chat_id, source_id) VALUES (?1, ?2)",
            params![chat_id, source_id],
        )? > 0)
    }

    /// Unmutes a source (`None`: every one); returns how many were muted.
    pub fn unmute_source(&self, chat_id: i64, source_id: Option<i64>) -> Result<usize> {
        Ok(match source_id {
            Some(id) => self.conn().execute(
                "DELETE FROM subscriber_mutes WHERE chat_id = ?1 AND source_id = ?2",
                params![chat_id, id],
            )?,
            None => self
                .conn()
                .execute("DELETE FROM subscriber_mutes WHERE chat_id = ?1", [chat_id])?,
        })
    }

    /// Excludes a word or phrase, up to `cap` in all; `Ok(false)` at the cap.
    pub fn add_exclude(&self, chat_id: i64, phrase: &str, cap: usize) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM subscriber_excludes WHERE chat_id = ?1 AND phrase <> ?2",
            params![chat_id, phrase],
            |r| r.get(0),
        )?;
        if count as usize >= cap {
            return Ok(false);
        }
        tx.execute(
            "INSERT OR IGNORE INTO subscriber_excludes (chat_id, phrase) VALUES (?1, ?2)",
            params![chat_id, phrase],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Includes again (`None`: every excluded word); returns how many went.
    pub fn remove_exclude(&self, chat_id: i64, phrase: Option<&str>) -> Result<usize> {
        Ok(match phrase {
            Some(p) => self.conn().execute(
                "DELETE FROM subscriber_excludes WHERE chat_id = ?1 AND lower(phrase) = lower(?2)",
                params![chat_id, p],
            )?,
            None => self.conn().execute(
                "DELETE FROM subscriber_excludes WHERE chat_id = ?1",
                [chat_id],
            )?,
        })
    }

    /// Binds a channel as a subscriber, set up by moderator `by`; an
    /// existing binding is taken over and made active.
    pub fn bind_channel(
        &self,
        chat_id: i64,
        title: Option<&str>,
        language: &str,
        by: i64,
        now: i64,
    ) -> Result<Subscriber> {
        self.ensure_subscriber(chat_id, ChatKind::Channel, title, language, now)?;
        self.conn().execute(
            "UPDATE subscribers SET bound_by = ?2, status = 'active', title = COALESCE(?3, title), updated_at = ?4
             WHERE chat_id = ?1",
            params![chat_id, by, title, now],
        )?;
        self.subscriber(chat_id)?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("subscriber {chat_id}"),
            })
    }

    /// The bound channels, by title.
    pub fn channels(&self) -> Result<Vec<Subscriber>> {
        let ids: Vec<i64> = {
            let conn = self.conn();
            let mut stmt = conn.prepare(
                "SELECT chat_id FROM subscribers WHERE chat_kind = 'channel' ORDER BY title, chat_id",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.subscriber(id)?);
        }
        Ok(out)
    }

    pub fn set_timezone(&self, chat_id: i64, tz: &str, now: i64) -> Result<()> {
        self.update_subscriber(chat_id, "timezone = ?2", &tz, now)
    }

    pub fn set_schedule(&self, chat_id: i64, schedule: Schedule, now: i64) -> Result<()> {
        let (kind, minute, weekday) = match schedule {
            Schedule::Instant => ("instant", 0, 1),
            Schedule::Daily { minute } => ("daily", minute, 1),
            Schedule::Weekly { weekday, minute } => ("weekly", minute, weekday),
        };
        let n = self.conn().execute(
            "UPDATE subscribers SET schedule = ?2, schedule_minute = ?3, schedule_weekday = ?4, updated_at = ?5 WHERE chat_id = ?1",
            params![chat_id, kind, minute, weekday, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: format!("subscriber {chat_id}"),
            });
        }
        Ok(())
    }

    /// Turns a topic on or off; returns whether it is on now.
    pub fn toggle_topic(&self, chat_id: i64, topic: &str) -> Result<bool> {
        self.toggle("subscriber_topics", "topic", chat_id, topic)
    }

    /// Turns a region on or off; returns whether it is on now.
    pub fn toggle_region(&self, chat_id: i64, region: &str) -> Result<bool> {
        self.toggle("subscriber_regions", "region", chat_id, region)
    }

    fn toggle(&self, table: &str, column: &str, chat_id: i64, value: &str) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removed = tx.execute(
            &format!("DELETE FROM {table} WHERE chat_id = ?1 AND {column} = ?2"),
            params![chat_id, value],
        )?;
        if removed == 0 {
            tx.execute(
                &format!("INSERT INTO {table} (chat_id, {column}) VALUES (?1, ?2)"),
                params![chat_id, value],
            )?;
        }
        tx.commit()?;
        Ok(removed == 0)
    }

    /// Adds topics (ids); returns how many were new.
    pub fn add_topics(&self, chat_id: i64, topics: &[String]) -> Result<usize> {
        self.add_values("subscriber_topics", "topic", chat_id, topics)
    }

    /// Removes topics; `None` removes them all. Returns how many went.
    pub fn remove_topics(&self, chat_id: i64, topics: Option<&[String]>) -> Result<usize> {
        self.remove_values("subscriber_topics", "topic", chat_id, topics)
    }

    pub fn add_regions(&self, chat_id: i64, regions: &[String]) -> Result<usize> {
        self.add_values("subscriber_regions", "region", chat_id, regions)
    }

    pub fn remove_regions(&self, chat_id: i64, regions: Option<&[String]>) -> Result<usize> {
        self.remove_values("subscriber_regions", "region", chat_id, regions)
    }

    /// Follows a word, place or person, up to `cap` follows in all.
    /// Returns `Ok(false)` when the cap is reached.
    pub fn add_follow(&self, chat_id: i64, phrase: &str, cap: usize) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let count: i64 = tx.query_row(
            "SELECT count(*) FROM subscriber_follows WHERE chat_id = ?1",
            [chat_id],
            |r| r.get(0),
        )?;
        let exists: i64 = tx.query_row(
            "SELECT count(*) FROM subscriber_follows WHERE chat_id = ?1 AND phrase = ?2",
            params![chat_id, phrase],
            |r| r.get(0),
        )?;
        if exists == 0 && count as usize >= cap {
            return Ok(false);
        }
        tx.execute(
            "INSERT OR IGNORE INTO subscriber_follows (chat_id, phrase) VALUES (?1, ?2)",
            params![chat_id, phrase],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Unfollows; returns whether it was followed.
    pub fn remove_follow(&self, chat_id: i64, phrase: &str) -> Result<bool> {
        let n = self.conn().execute(
            "DELETE FROM subscriber_follows WHERE chat_id = ?1 AND lower(phrase) = lower(?2)",
            params![chat_id, phrase],
        )?;
        Ok(n > 0)
    }

    fn add_values(
        &self,
        table: &str,
        column: &str,
        chat_id: i64,
        values: &[String],
    ) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut added = 0;
        for v in values {
            added += tx.execute(
                &format!("INSERT OR IGNORE INTO {table} (chat_id, {column}) VALUES (?1, ?2)"),
                params![chat_id, v],
            )?;
        }
        tx.commit()?;
        Ok(added)
    }

    fn remove_values(
        &self,
        table: &str,
        column: &str,
        chat_id: i64,
        values: Option<&[String]>,
    ) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removed = match values {
            None => tx.execute(
                &format!("DELETE FROM {table} WHERE chat_id = ?1"),
                [chat_id],
            )?,
            Some(values) => {
                let mut n = 0;
                for v in values {
                    n += tx.execute(
                        &format!("DELETE FROM {table} WHERE chat_id = ?1 AND {column} = ?2"),
                        params![chat_id, v],
                    )?;
                }
                n
            }
        };
        tx.commit()?;
        Ok(removed)
    }

    /// Erases a subscriber and everything it set (`/delete_me`), with the
    /// messages still waiting for it and its digest history.
    pub fn delete_subscriber(&self, chat_id: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM subscribers WHERE chat_id = ?1", [chat_id])?;
        // Every message for the chat, sent or not; a send in flight finds
        // its row gone and is not recorded.
        tx.execute("DELETE FROM outbox WHERE chat_id = ?1", [chat_id])?;
        tx.execute("DELETE FROM digests WHERE chat_id = ?1", [chat_id])?;
        tx.execute("DELETE FROM digest_pages WHERE chat_id = ?1", [chat_id])?;
        // Texts nobody holds any more.
        super::outbox::drop_unheld_bodies(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// A group became a supergroup: the subscription and its pending
    /// messages move to the new chat id.
    pub fn move_chat(&self, old: i64, new: i64, now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let taken: i64 = tx.query_row(
            "SELECT count(*) FROM subscribers WHERE chat_id = ?1",
            [new],
            |r| r.get(0),
        )?;
        if taken == 0 {
            tx.execute(
                "UPDATE subscribers SET chat_id = ?2, updated_at = ?3 WHERE chat_id = ?1",
                params![old, new, now],
            )?;
        } else {
            // The supergroup subscribed on its own already: the old group
            // goes, or every digest would be sent there and migrate again.
            tx.execute("DELETE FROM subscribers WHERE chat_id = ?1", [old])?;
        }
        tx.execute(
            "UPDATE OR IGNORE outbox SET chat_id = ?2, next_attempt_at = 0 WHERE chat_id = ?1 AND status IN ('pending', 'sending')",
            params![old, new],
        )?;
        tx.execute(
            "UPDATE OR IGNORE digests SET chat_id = ?2 WHERE chat_id = ?1",
            params![old, new],
        )?;
        tx.execute(
            "UPDATE OR IGNORE digest_pages SET chat_id = ?2 WHERE chat_id = ?1",
            params![old, new],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriber_settings_round_trip() {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .ensure_subscriber(42, ChatKind::Private, Some("Aigerim"), "kk", 100)
            .unwrap();
        assert_eq!(
            (s.status, s.schedule, s.timezone.as_str()),
            (
                SubStatus::Active,
                Schedule::Daily { minute: 540 },
                "Asia/Almaty"
            )
        );
        assert!(store.toggle_topic(42, "education").unwrap());
        assert!(!store.toggle_topic(42, "education").unwrap());
        store
            .add_topics(42, &["education".into(), "healthcare".into()])
            .unwrap();
        store.add_regions(42, &["turkistan".into()]).unwrap();
        assert!(store.add_follow(42, "Кошанов", 2).unwrap());
        assert!(store.add_follow(42, "Токаев", 2).unwrap());
        assert!(!store.add_follow(42, "Бектенов", 2).unwrap(), "cap holds");
        store
            .set_schedule(
                42,
                Schedule::Weekly {
                    weekday: 5,
                    minute: 600,
                },
                101,
            )
            .unwrap();
        let s = store.subscriber(42).unwrap().unwrap();
        assert_eq!(s.topics, vec!["education", "healthcare"]);
        assert_eq!(s.regions, vec!["turkistan"]);
        assert_eq!(s.follows.len(), 2);
        assert_eq!(
            s.schedule,
            Schedule::Weekly {
                weekday: 5,
                minute: 600
            }
        );
        assert_eq!(store.remove_topics(42, None).unwrap(), 2);
        let all = store.subscribers_with_status(SubStatus::Active).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].follows.len(), 2);
    }

    /// Schema 4 rebuilds `subscribers` (the kind `channel`): a database of
    /// schema 3 keeps every subscriber and what it follows, and its groups
    /// become compact.
    #[test]
    fn schema_4_keeps_subscribers_and_makes_groups_compact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", "ON").unwrap();
            for sql in &crate::store::MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute_batch(
                "INSERT INTO subscribers (chat_id, chat_kind, language, created_at, updated_at)
                     VALUES (1, 'private', 'kk', 0, 0), (-5, 'group', 'ru', 0, 0);
                 INSERT INTO subscriber_topics VALUES (1, 'education'), (-5, 'budget_taxes');
                 INSERT INTO subscriber_follows VALUES (1, 'Кошанов');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            crate::store::MIGRATIONS.len() as i64
        );
        let private = store.subscriber(1).unwrap().unwrap();
        assert_eq!(private.topics, vec!["education"]);
        assert_eq!(private.follows, vec!["Кошанов"]);
        assert_eq!(
            (private.language.as_str(), private.layout),
            ("kk", Layout::Full)
        );
        let group = store.subscriber(-5).unwrap().unwrap();
        assert_eq!((group.topics.len(), group.layout), (1, Layout::Compact));
        // Foreign keys are on again: erasing cascades.
        store.delete_subscriber(1).unwrap();
        let left: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM subscriber_topics WHERE chat_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
        store
            .bind_channel(-100_200, Some("Акимат"), "kk", 9, 1)
            .unwrap();
        assert_eq!(store.channels().unwrap()[0].chat_kind, ChatKind::Channel);
    }

    #[test]
    fn blocked_keeps_settings_and_chat_moves() {
        let store = Store::open_in_memory().unwrap();
        store
            .ensure_subscriber(-100, ChatKind::Group, Some("Akims"), "ru", 0)
            .unwrap();
        store.add_regions(-100, &["akmola".into()]).unwrap();
        store
            .set_subscriber_status(-100, SubStatus::Blocked, 1)
            .unwrap();
        assert!(
            store
                .subscribers_with_status(SubStatus::Active)
                .unwrap()
                .is_empty()
        );
        store
            .set_subscriber_status(-100, SubStatus::Active, 2)
            .unwrap();
        store.move_chat(-100, -1_000_000_100, 3).unwrap();
        let moved = store.subscriber(-1_000_000_100).unwrap().unwrap();
        assert_eq!(moved.regions, vec!["akmola"]);
        assert!(
            moved.low_bandwidth,
            "groups get the low-bandwidth digest by default"
        );
        store.delete_subscriber(-1_000_000_100).unwrap();
        assert!(store.subscriber(-1_000_000_100).unwrap().is_none());
    }

    #[test]
    fn a_deleted_subscriber_takes_only_the_texts_no_one_else_holds() {
        use crate::store::{NewMessage, OutKind};
        let store = Store::open_in_memory().unwrap();
        let msg = |chat: i64, text: &str| NewMessage {
            chat_id: chat,
            kind: OutKind::Digest,
            batch: format!("b{chat}"),
            part: 0,
            text: text.into(),
            disable_preview: true,
        };
        for chat in [1, 2] {
            store
                .ensure_subscriber(chat, ChatKind::Private, None, "ru", 0)
                .unwrap();
        }
        // Long enough to be stored once, not written in place.
        let only_one = format!("only one: {}", "a line of the digest. ".repeat(4));
        let shared = format!("shared: {}", "a line of the digest. ".repeat(4));
        store
            .enqueue(&[msg(1, &only_one), msg(1, &shared), msg(2, &shared)], 0)
            .unwrap();
        let texts = |store: &Store| -> Vec<String> {
            let conn = store.conn();
            let mut stmt = conn
                .prepare("SELECT text FROM message_bodies ORDER BY text")
                .unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(texts(&store), [only_one.clone(), shared.clone()]);
        store.delete_subscriber(1).unwrap();
        assert_eq!(texts(&store), [shared]);
    }
}
