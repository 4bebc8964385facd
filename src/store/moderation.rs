//! Users and their roles, bans, the audit trail of moderator actions,
//! broadcasts, moderators' topic keywords, small named values and the
//! statistics moderators see.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Moderator,
    Owner,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Moderator => "moderator",
            Role::Owner => "owner",
        }
    }
    fn parse(s: &str) -> Role {
        match s {
            "owner" => Role::Owner,
            "moderator" => Role::Moderator,
            _ => Role::User,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub user_id: i64,
    pub name: Option<String>,
    pub language: Option<String>,
    pub role: Role,
    pub banned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_id: i64,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub allowed: bool,
}

/// What `/stats` shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub active: i64,
    pub paused: i64,
    pub blocked: i64,
    pub per_topic: Vec<(String, i64)>,
    pub per_region: Vec<(String, i64)>,
    pub sent_since: i64,
    pub failed_since: i64,
    pub outbox_pending: i64,
    pub articles: i64,
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        user_id: r.get(0)?,
        name: r.get(1)?,
        language: r.get(2)?,
        role: Role::parse(&r.get::<_, String>(3)?),
        banned: r.get(4)?,
    })
}

impl Store {
    /// Records that a user wrote to the bot (name and Telegram language
    /// kept fresh) and returns them.
    pub fn touch_user(
        &self,
        user_id: i64,
        name: Option<&str>,
        language: Option<&str>,
        now: i64,
    ) -> Result<User> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO users (user_id, name, language, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id) DO UPDATE SET name = COALESCE(excluded.name, name)",
            params![user_id, name, language, now],
        )?;
        Ok(conn.query_row(
            "SELECT user_id, name, language, role, banned FROM users WHERE user_id = ?1",
            [user_id],
            user_from_row,
        )?)
    }

    pub fn user(&self, user_id: i64) -> Result<Option<User>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT user_id, name, language, role, banned FROM users WHERE user_id = ?1",
                [user_id],
                user_from_row,
            )
            .optional()?)
    }

    /// A user's chosen bot language (`/language`).
    pub fn set_user_language(&self, user_id: i64, language: &str, now: i64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO users (user_id, language, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
            params![user_id, language, now],
        )?;
        Ok(())
    }

    /// Sets a role, creating the user row if needed.
    pub fn set_role(&self, user_id: i64, role: Role, now: i64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO users (user_id, role, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET role = excluded.role",
            params![user_id, role.as_str(), now],
        )?;
        Ok(())
    }

    pub fn set_banned(&self, user_id: i64, banned: bool, now: i64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO users (user_id, banned, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET banned = excluded.banned",
            params![user_id, banned, now],
        )?;
        Ok(())
    }

    /// Moderators and owners.
    pub fn staff(&self) -> Result<Vec<User>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT user_id, name, language, role, banned FROM users WHERE role IN ('moderator', 'owner') ORDER BY role DESC, user_id",
        )?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes one line of the audit trail.
    pub fn audit(
        &self,
        actor_id: i64,
        action: &str,
        target: Option<&str>,
        detail: Option<&str>,
        allowed: bool,
        now: i64,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO audit (at, actor_id, action, target, detail, allowed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![now, actor_id, action, target, detail, allowed],
        )?;
        Ok(())
    }

    /// The newest audit lines first.
    pub fn recent_audit(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, actor_id, action, target, detail, allowed FROM audit ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                actor_id: r.get(1)?,
                action: r.get(2)?,
                target: r.get(3)?,
                detail: r.get(4)?,
                allowed: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A broadcast draft, waiting for its author's confirmation.
    pub fn create_broadcast(&self, author_id: i64, text: &str, now: i64) -> Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO broadcasts (author_id, text, created_at) VALUES (?1, ?2, ?3)",
            params![author_id, text, now],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// A broadcast's author, text and status.
    pub fn broadcast(&self, id: i64) -> Result<(i64, String, String)> {
        self.conn()
            .query_row(
                "SELECT author_id, text, status FROM broadcasts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("broadcast {id}"),
            })
    }

    /// Moves a draft to `queued` or `cancelled`; false if it was no draft.
    pub fn settle_broadcast(&self, id: i64, status: &str) -> Result<bool> {
        let n = self.conn().execute(
            "UPDATE broadcasts SET status = ?2 WHERE id = ?1 AND status = 'draft'",
            params![id, status],
        )?;
        Ok(n > 0)
    }

    /// Confirms a draft broadcast and queues its messages, in one
    /// transaction; `None` when it was no longer a draft.
    pub fn queue_broadcast(
        &self,
        id: i64,
        messages: &[super::NewMessage],
        now: i64,
    ) -> Result<Option<usize>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let confirmed = tx.execute(
            "UPDATE broadcasts SET status = 'queued' WHERE id = ?1 AND status = 'draft'",
            [id],
        )?;
        if confirmed == 0 {
            return Ok(None);
        }
        let queued = super::outbox::insert_all(&tx, messages, now)?;
        tx.commit()?;
        Ok(Some(queued))
    }

    /// Bans or unbans a user, in one transaction. A ban also pauses their
    /// subscription (remembered, so unbanning resumes it) and drops the
    /// messages still waiting for them.
    pub fn set_user_ban(&self, user_id: i64, banned: bool, now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO users (user_id, banned, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET banned = excluded.banned",
            params![user_id, banned, now],
        )?;
        let key = format!("ban_paused:{user_id}");
        if banned {
            let paused = tx.execute(
                "UPDATE subscribers SET status = 'paused', updated_at = ?2 WHERE chat_id = ?1 AND status = 'active'",
                params![user_id, now],
            )?;
            if paused > 0 {
                tx.execute(
                    "INSERT INTO kv (key, value) VALUES (?1, '1') ON CONFLICT (key) DO UPDATE SET value = '1'",
                    [&key],
                )?;
            }
            tx.execute(
                "UPDATE outbox SET status = 'dropped', last_error = 'user banned' WHERE chat_id = ?1 AND status = 'pending'",
                [user_id],
            )?;
        } else {
            let was_paused: Option<String> = tx
                .query_row("SELECT value FROM kv WHERE key = ?1", [&key], |r| r.get(0))
                .optional()?;
            if was_paused.as_deref() == Some("1") {
                tx.execute(
                    "UPDATE subscribers SET status = 'active', updated_at = ?2 WHERE chat_id = ?1 AND status = 'paused'",
                    params![user_id, now],
                )?;
            }
            tx.execute("DELETE FROM kv WHERE key = ?1", [&key])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Keyword stems a moderator adds to a topic; returns how many were new.
    pub fn add_topic_keywords(
        &self,
        topic: &str,
        language: &str,
        stems: &[String],
        by: i64,
        now: i64,
    ) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut n = 0;
        for s in stems {
            n += tx.execute(
                "INSERT OR IGNORE INTO topic_keywords (topic, language, stem, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![topic, language, s, by, now],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// All moderator keywords: (topic, language, stem).
    pub fn topic_keywords(&self) -> Result<Vec<(String, String, String)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT topic, language, stem FROM topic_keywords ORDER BY topic, language, stem",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn kv_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM kv WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn kv_set(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO kv (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Subscribers by status, by topic and region; messages sent and failed
    /// since `since`; the outbox depth.
    pub fn stats(&self, since: i64) -> Result<Stats> {
        let conn = self.conn();
        let mut st = Stats::default();
        {
            let mut stmt =
                conn.prepare("SELECT status, count(*) FROM subscribers GROUP BY status")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let n: i64 = r.get(1)?;
                match r.get::<_, String>(0)?.as_str() {
                    "active" => st.active = n,
                    "paused" => st.paused = n,
                    _ => st.blocked = n,
                }
            }
        }
        let grouped = |sql: &str| -> rusqlite::Result<Vec<(String, i64)>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        st.per_topic = grouped(
            "SELECT t.topic, count(*) FROM subscriber_topics t JOIN subscribers s USING (chat_id)
             WHERE s.status = 'active' GROUP BY t.topic ORDER BY count(*) DESC, t.topic",
        )?;
        st.per_region = grouped(
            "SELECT r.region, count(*) FROM subscriber_regions r JOIN subscribers s USING (chat_id)
             WHERE s.status = 'active' GROUP BY r.region ORDER BY count(*) DESC, r.region",
        )?;
        st.sent_since = conn.query_row(
            "SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?1",
            [since],
            |r| r.get(0),
        )?;
        st.failed_since = conn.query_row(
            "SELECT count(*) FROM outbox WHERE status IN ('failed', 'dropped') AND created_at >= ?1",
            [since],
            |r| r.get(0),
        )?;
        st.outbox_pending = conn.query_row(
            "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')",
            [],
            |r| r.get(0),
        )?;
        st.articles = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        Ok(st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_bans_and_audit() {
        let store = Store::open_in_memory().unwrap();
        let u = store.touch_user(7, Some("Aidos"), Some("kk"), 0).unwrap();
        assert_eq!((u.role, u.banned), (Role::User, false));
        store.set_role(7, Role::Moderator, 1).unwrap();
        store.set_banned(8, true, 1).unwrap();
        assert!(store.user(8).unwrap().unwrap().banned);
        assert_eq!(store.staff().unwrap().len(), 1);
        store
            .audit(7, "hide", Some("article 3"), None, true, 2)
            .unwrap();
        store
            .audit(9, "ban", Some("user 8"), Some("not a moderator"), false, 3)
            .unwrap();
        let log = store.recent_audit(10).unwrap();
        assert_eq!(log.len(), 2);
        assert!(!log[0].allowed);
        let id = store.create_broadcast(7, "Привет", 4).unwrap();
        assert!(store.settle_broadcast(id, "queued").unwrap());
        assert!(
            !store.settle_broadcast(id, "cancelled").unwrap(),
            "confirmed once"
        );
        // A ban pauses the subscription and drops what waits; unban resumes.
        store
            .ensure_subscriber(8, crate::store::ChatKind::Private, None, "ru", 0)
            .unwrap();
        let msg = |batch: &str| crate::store::NewMessage {
            chat_id: 8,
            kind: crate::store::OutKind::Broadcast,
            batch: batch.into(),
            part: 0,
            text: "x".into(),
            disable_preview: true,
        };
        store.enqueue(&[msg("b1")], 5).unwrap();
        store.set_user_ban(8, true, 6).unwrap();
        assert_eq!(
            store.subscriber(8).unwrap().unwrap().status,
            crate::store::SubStatus::Paused
        );
        assert!(store.claim_due(i64::MAX, 10).unwrap().is_empty());
        store.set_user_ban(8, false, 7).unwrap();
        assert_eq!(
            store.subscriber(8).unwrap().unwrap().status,
            crate::store::SubStatus::Active
        );
        // Confirming a broadcast queues it in the same step, once.
        let id = store.create_broadcast(7, "Важно", 8).unwrap();
        assert_eq!(store.queue_broadcast(id, &[msg("b2")], 9).unwrap(), Some(1));
        assert_eq!(store.queue_broadcast(id, &[msg("b3")], 9).unwrap(), None);
        store.kv_set("offset", "5").unwrap();
        store.kv_set("offset", "6").unwrap();
        assert_eq!(store.kv_get("offset").unwrap().as_deref(), Some("6"));
    }
}
