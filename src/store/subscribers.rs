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
}

const SUBSCRIBER_SELECT: &str =
    "SELECT chat_id, chat_kind, title, language, status, schedule, schedule_minute,
    schedule_weekday, timezone, low_bandwidth, seen_article_id, last_digest_at FROM subscribers";

fn subscriber_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscriber> {
    let kind: String = r.get(1)?;
    let status: String = r.get(4)?;
    let schedule: String = r.get(5)?;
    let minute: i64 = r.get(6)?;
    let weekday: i64 = r.get(7)?;
    Ok(Subscriber {
        chat_id: r.get(0)?,
        chat_kind: if kind == "group" {
            ChatKind::Group
        } else {
            ChatKind::Private
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
                     last_digest_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7)",
                params![
                    chat_id,
                    if kind == ChatKind::Group { "group" } else { "private" },
                    title,
                    language,
                    kind == ChatKind::Group,
                    seen,
                    now
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
                        _ => subs[i].follows.push(value),
                    }
                }
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
        // Texts nobody holds any more.
        tx.execute(
            "DELETE FROM message_bodies WHERE id NOT IN (SELECT body_id FROM outbox)
                 AND id NOT IN (SELECT entries_body FROM digests)",
            [],
        )?;
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
}
