//! Queries the bot needs beyond the rest of the store: the latest stories
//! on some topics, erasing a user, banned users, finding an article by id
//! or URL.

use rusqlite::{OptionalExtension, params, params_from_iter};

use super::{ARTICLE_SELECT, Article, Result, Store, article_from_row};

impl Store {
    /// The newest visible stories (one article each, the newest copy),
    /// on any of `topics` and in any of `regions`; empty lists match all.
    pub fn latest_stories(
        &self,
        topics: &[String],
        regions: &[String],
        limit: usize,
    ) -> Result<Vec<Article>> {
        self.latest_stories_where(topics, false, regions, limit)
    }

    /// The newest visible stories on every one of `topics` (an English
    /// search such as "rural elections").
    pub fn latest_stories_on_all(&self, topics: &[String], limit: usize) -> Result<Vec<Article>> {
        self.latest_stories_where(topics, true, &[], limit)
    }

    fn latest_stories_where(
        &self,
        topics: &[String],
        every_topic: bool,
        regions: &[String],
        limit: usize,
    ) -> Result<Vec<Article>> {
        let marks = |n: usize| vec!["?"; n].join(", ");
        let mut filter = String::new();
        let on_topic = |n: usize| {
            format!(
                " AND EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = x.id AND t.topic IN ({}))",
                marks(n)
            )
        };
        if every_topic {
            topics.iter().for_each(|_| filter.push_str(&on_topic(1)));
        } else if !topics.is_empty() {
            filter.push_str(&on_topic(topics.len()));
        }
        if !regions.is_empty() {
            filter.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM article_regions r WHERE r.article_id = x.id AND r.region IN ({}))",
                marks(regions.len())
            ));
        }
        let sql = format!(
            "{ARTICLE_SELECT} WHERE a.id IN (
                 SELECT MAX(x.id) FROM articles x WHERE x.hidden = 0{filter} GROUP BY x.story_id)
             ORDER BY a.id DESC LIMIT ?"
        );
        let limit = limit.to_string();
        let values = topics
            .iter()
            .chain(regions.iter())
            .map(String::as_str)
            .chain(std::iter::once(limit.as_str()));
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(values), article_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Erases what the bot keeps about a user (`/delete_me`): their row,
    /// unless it records a role or a ban, which stay with the name and
    /// language wiped.
    pub fn erase_user(&self, user_id: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM users WHERE user_id = ?1 AND role = 'user' AND banned = 0",
            [user_id],
        )?;
        tx.execute(
            "UPDATE users SET name = NULL, language = NULL WHERE user_id = ?1",
            [user_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Ids of banned users.
    pub fn banned_user_ids(&self) -> Result<Vec<i64>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT user_id FROM users WHERE banned = 1")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An article by its id, URL or canonical URL.
    pub fn find_article(&self, reference: &str) -> Result<Option<i64>> {
        let reference = reference.trim();
        let conn = self.conn();
        if let Ok(id) = reference.trim_start_matches('#').parse::<i64>() {
            return Ok(conn
                .query_row("SELECT id FROM articles WHERE id = ?1", [id], |r| r.get(0))
                .optional()?);
        }
        Ok(conn
            .query_row(
                "SELECT id FROM articles WHERE url = ?1 OR canonical_url = ?1 ORDER BY id LIMIT 1",
                params![reference],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::super::NewArticle;
    use super::*;
    use crate::model::{Summary, TopicScore};
    use crate::store::Role;

    fn article(url: &str, story: Option<i64>, topic: &str) -> NewArticle {
        NewArticle {
            source_id: None,
            url: url.into(),
            canonical_url: None,
            title: format!("T {url}"),
            text: "x".into(),
            published_at: None,
            language: "ru".into(),
            content_hash: url.into(),
            minhash: vec![],
            story_id: story,
            summary: Some(Summary {
                topics: vec![TopicScore {
                    id: topic.into(),
                    score: 1.0,
                    primary: true,
                }],
                regions: vec!["akmola".into()],
                ..Default::default()
            }),
        }
    }

    #[test]
    fn latest_stories_filter_and_group() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .insert_article(&article("https://a/1", None, "education"), 0)
            .unwrap()
            .unwrap();
        let copy = store
            .insert_article(&article("https://b/1", Some(a), "education"), 0)
            .unwrap()
            .unwrap();
        let h = store
            .insert_article(&article("https://a/2", None, "healthcare"), 0)
            .unwrap()
            .unwrap();
        let ids = |v: Vec<Article>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(
            ids(store.latest_stories(&[], &[], 5).unwrap()),
            vec![h, copy]
        );
        assert_eq!(
            ids(store
                .latest_stories(&["education".into()], &["akmola".into()], 5)
                .unwrap()),
            vec![copy]
        );
        assert!(
            store
                .latest_stories(&[], &["turkistan".into()], 5)
                .unwrap()
                .is_empty()
        );
        store.set_article_hidden(h, true).unwrap();
        assert_eq!(ids(store.latest_stories(&[], &[], 1).unwrap()), vec![copy]);
        assert_eq!(store.find_article("https://a/2").unwrap(), Some(h));
        assert_eq!(store.find_article(&format!("#{a}")).unwrap(), Some(a));
        assert_eq!(store.find_article("999").unwrap(), None);
    }

    #[test]
    fn erase_keeps_roles_and_bans() {
        let store = Store::open_in_memory().unwrap();
        store.touch_user(1, Some("A"), Some("kk"), 0).unwrap();
        store.touch_user(2, Some("B"), None, 0).unwrap();
        store.set_banned(2, true, 0).unwrap();
        store.set_role(3, Role::Moderator, 0).unwrap();
        for id in [1, 2, 3] {
            store.erase_user(id).unwrap();
        }
        assert!(store.user(1).unwrap().is_none());
        let banned = store.user(2).unwrap().unwrap();
        assert!(banned.banned && banned.name.is_none());
        assert_eq!(store.user(3).unwrap().unwrap().role, Role::Moderator);
        assert_eq!(store.banned_user_ids().unwrap(), vec![2]);
    }
}
