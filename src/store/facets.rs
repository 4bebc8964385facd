//! What the summarizer found in each article, as rows digests filter on:
//! topics, regions, people and quotes. Also the candidates a digest run
//! chooses from, and moderators' corrections.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Result, Store, StoreError};
use crate::model::Summary;

pub(super) fn insert_facets(tx: &Connection, article_id: i64, s: &Summary) -> rusqlite::Result<()> {
    for t in &s.topics {
        tx.execute(
            "INSERT OR REPLACE INTO article_topics (article_id, topic, score, is_primary) VALUES (?1, ?2, ?3, ?4)",
            params![article_id, t.id, t.score, t.primary],
        )?;
    }
    for r in &s.regions {
        tx.execute(
            "INSERT OR IGNORE INTO article_regions (article_id, region) VALUES (?1, ?2)",
            params![article_id, r],
        )?;
    }
    for p in &s.people {
        tx.execute(
            "INSERT OR IGNORE INTO article_people (article_id, person) VALUES (?1, ?2)",
            params![article_id, p],
        )?;
    }
    for (i, q) in s.quotes.iter().enumerate() {
        tx.execute(
            "INSERT INTO quotes (article_id, position, text, speaker, speaker_role, via, score)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                article_id,
                i as i64,
                q.text,
                q.speaker,
                q.speaker_role,
                q.via,
                q.score
            ],
        )?;
    }
    Ok(())
}

/// An article a digest may carry, with everything selection and rendering
/// need, loaded once per digest run.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: i64,
    pub story_id: i64,
    pub source_id: Option<i64>,
    pub source_name: String,
    pub official: bool,
    pub url: String,
    pub title: String,
    pub language: String,
    pub ingested_at: i64,
    /// When the outlet published it (Unix time), if it said.
    pub published_at: Option<i64>,
    /// (topic, score, primary)
    pub topics: Vec<(String, f32, bool)>,
    pub regions: Vec<String>,
    pub people: Vec<String>,
    /// The key quote: (text, speaker).
    pub quote: Option<(String, Option<String>)>,
    pub key_sentence: Option<String>,
}

/// A name word as its cross-script skeleton (Қошанов, Кошанов, Qoşanov,
/// Koshanov are one).
fn fold_name(word: &str) -> Vec<char> {
    crate::text::cross_script::name_skeleton(word)
        .chars()
        .collect()
}

/// Two forms of one name word: they share all but at most one letter of
/// the shorter, and at least four (Кошанов, Кошанова, Кошановым).
fn same_name_word(a: &[char], b: &[char]) -> bool {
    let shorter = a.len().min(b.len());
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    common >= 4 && common + 1 >= shorter
}

/// The words of a name asked for (at most four), as skeletons; a word of
/// fewer than four letters matches no name (a skeleton may be longer than
/// its word: «Кош» is "kosh").
fn name_words(asked: &str) -> Vec<Vec<char>> {
    crate::text::stem::words(asked)
        .take(4)
        .map(|w| {
            if w.chars().count() < 4 {
                Vec::new()
            } else {
                fold_name(&w)
            }
        })
        .collect()
}

/// Every word asked for is a form of a word of `name`, in any script.
fn names_match(wanted: &[Vec<char>], name: &str) -> bool {
    let name: Vec<Vec<char>> = crate::text::stem::words(name)
        .map(|w| fold_name(&w))
        .collect();
    !wanted.is_empty()
        && wanted
            .iter()
            .all(|w| name.iter().any(|n| same_name_word(w, n)))
}

/// A quote with the article it is from.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteRow {
    pub article_id: i64,
    pub title: String,
    pub url: String,
    pub text: String,
    pub speaker: Option<String>,
    pub via: Option<String>,
    pub ingested_at: i64,
}

impl Store {
    /// Visible articles with an id above `after_id`, ingested at or after
    /// `since`, newest first, with their facets.
    pub fn digest_candidates(
        &self,
        after_id: i64,
        since: i64,
        limit: usize,
    ) -> Result<Vec<Candidate>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT a.id, a.story_id, a.source_id, COALESCE(s.name, ''), COALESCE(s.official, 0), a.url, a.title,
                    a.language, a.ingested_at, a.summary_json, a.published_at
             FROM articles a LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.id > ?1 AND a.ingested_at >= ?2 AND a.hidden = 0
             ORDER BY a.id DESC LIMIT ?3",
        )?;
        let mut out: Vec<Candidate> = stmt
            .query_map(params![after_id, since, limit as i64], |r| {
                let summary: Option<String> = r.get(9)?;
                let key_sentence = summary
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<Summary>(j).ok())
                    .and_then(|s| s.key_sentences.into_iter().next());
                Ok(Candidate {
                    id: r.get(0)?,
                    story_id: r.get(1)?,
                    source_id: r.get(2)?,
                    source_name: r.get(3)?,
                    official: r.get(4)?,
                    url: r.get(5)?,
                    title: r.get(6)?,
                    language: r.get(7)?,
                    ingested_at: r.get(8)?,
                    published_at: r
                        .get::<_, Option<String>>(10)?
                        .and_then(|d| chrono::DateTime::parse_from_rfc3339(&d).ok())
                        .map(|d| d.timestamp()),
                    topics: Vec::new(),
                    regions: Vec::new(),
                    people: Vec::new(),
                    quote: None,
                    key_sentence,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some(min_id) = out.iter().map(|c| c.id).min() else {
            return Ok(out);
        };
        let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut stmt = conn.prepare(
            "SELECT article_id, topic, score, is_primary FROM article_topics WHERE article_id >= ?1 ORDER BY score DESC",
        )?;
        let mut rows = stmt.query([min_id])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                out[i]
                    .topics
                    .push((r.get(1)?, r.get::<_, f64>(2)? as f32, r.get(3)?));
            }
        }
        let mut stmt =
            conn.prepare("SELECT article_id, region FROM article_regions WHERE article_id >= ?1")?;
        let mut rows = stmt.query([min_id])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                out[i].regions.push(r.get(1)?);
            }
        }
        let mut stmt =
            conn.prepare("SELECT article_id, person FROM article_people WHERE article_id >= ?1")?;
        let mut rows = stmt.query([min_id])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                out[i].people.push(r.get(1)?);
            }
        }
        let mut stmt = conn.prepare(
            "SELECT article_id, text, speaker FROM quotes WHERE article_id >= ?1 AND position = 0",
        )?;
        let mut rows = stmt.query([min_id])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                out[i].quote = Some((r.get(1)?, r.get(2)?));
            }
        }
        Ok(out)
    }

    /// Ids of the visible articles above `after_id` whose title or text has
    /// every word of `phrase`, in any inflection (for followed words).
    ///
    /// A phrase that names a person also finds the articles naming them in
    /// another script (`Koshanov` finds «Ерлан Кошанов», «Кошанов» finds
    /// «Erlan Qoşanov»).
    pub fn article_ids_matching(&self, phrase: &str, after_id: i64) -> Result<Vec<i64>> {
        let Some(expr) = crate::text::stem::match_query(phrase) else {
            return Ok(Vec::new());
        };
        let conn = self.read();
        let mut stmt = conn
            .prepare("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid > ?2")?;
        let mut ids: Vec<i64> = stmt
            .query_map(params![expr, after_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let wanted = name_words(phrase);
        let mut stmt = conn.prepare(
            "SELECT p.article_id, p.person FROM article_people p JOIN articles a ON a.id = p.article_id
             WHERE p.article_id > ?1 AND a.hidden = 0",
        )?;
        let mut rows = stmt.query([after_id])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if !ids.contains(&id) && names_match(&wanted, &r.get::<_, String>(1)?) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The id of the newest article ingested before `at` (0 if none).
    pub fn last_article_before(&self, at: i64) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(MAX(id), 0) FROM articles WHERE ingested_at < ?1",
            [at],
            |r| r.get(0),
        )?)
    }

    /// The newest article id that digests may carry (0 if none).
    pub fn max_visible_article_id(&self) -> Result<i64> {
        Ok(self.read().query_row(
            "SELECT COALESCE(MAX(id), 0) FROM articles WHERE hidden = 0",
            [],
            |r| r.get(0),
        )?)
    }

    /// The newest article id (0 if none).
    pub fn max_article_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM articles", [], |r| {
                r.get(0)
            })?)
    }

    /// Keeps an article out of digests (or lets it back in).
    pub fn set_article_hidden(&self, id: i64, hidden: bool) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE articles SET hidden = ?2 WHERE id = ?1",
            params![id, hidden],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: format!("article {id}"),
            });
        }
        Ok(())
    }

    /// Replaces an article's topics with a moderator's; the first is primary.
    pub fn correct_topics(&self, id: i64, topics: &[String]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let exists: i64 =
            tx.query_row("SELECT count(*) FROM articles WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if exists == 0 {
            return Err(StoreError::NotFound {
                what: format!("article {id}"),
            });
        }
        tx.execute("DELETE FROM article_topics WHERE article_id = ?1", [id])?;
        for (i, t) in topics.iter().enumerate() {
            tx.execute(
                "INSERT OR IGNORE INTO article_topics (article_id, topic, score, is_primary, corrected) VALUES (?1, ?2, 1.0, ?3, 1)",
                params![id, t, i == 0],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The topics of one article: (topic, score, primary).
    pub fn article_topics(&self, id: i64) -> Result<Vec<(String, f32, bool)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT topic, score, is_primary FROM article_topics WHERE article_id = ?1 ORDER BY is_primary DESC, score DESC",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((r.get(0)?, r.get::<_, f64>(1)? as f32, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest quotes of `person`, newest first. Every word asked for
    /// must match a word of the speaker's name in any case and inflection
    /// («Кошанова», «кошанов» and «Қошанов» all find Ерлан Кошанов).
    pub fn quotes_by(&self, person: &str, limit: usize) -> Result<Vec<QuoteRow>> {
        use crate::text::stem;
        let wanted = name_words(person);
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        // Recent quotes are few enough to match by stems here.
        let mut stmt = conn.prepare(
            "SELECT q.article_id, a.title, a.url, q.text, q.speaker, q.via, a.ingested_at,
                    a.story_id, COALESCE(s.official, 0)
             FROM quotes q JOIN articles a ON a.id = q.article_id
             LEFT JOIN sources s ON s.id = a.source_id
             WHERE a.hidden = 0 AND q.speaker IS NOT NULL
             ORDER BY a.id DESC, q.position LIMIT 5000",
        )?;
        let rows = stmt.query_map([], |r| {
            let row = QuoteRow {
                article_id: r.get(0)?,
                title: r.get(1)?,
                url: r.get(2)?,
                text: r.get(3)?,
                speaker: r.get(4)?,
                via: r.get(5)?,
                ingested_at: r.get(6)?,
            };
            Ok((row, r.get::<_, i64>(7)?, r.get::<_, bool>(8)?))
        })?;
        // One quote of one story once: syndicated copies repeat it, and the
        // copy kept is the one digests show (an official outlet's, else the
        // first published).
        let mut out: Vec<(QuoteRow, bool)> = Vec::new();
        let mut seen: HashMap<(i64, Vec<String>), usize> = HashMap::new();
        for row in rows {
            let (row, story, official) = row?;
            if !names_match(&wanted, row.speaker.as_deref().unwrap_or_default()) {
                continue;
            }
            match seen.entry((story, stem::words(&row.text).collect())) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    // Rows come newest first: an older copy wins unless the
                    // kept one is official and it is not.
                    let kept = &mut out[*e.get()];
                    if official || !kept.1 {
                        *kept = (row, official);
                    }
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    if out.len() >= limit {
                        continue;
                    }
                    e.insert(out.len());
                    out.push((row, official));
                }
            }
        }
        Ok(out.into_iter().map(|(row, _)| row).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Quote;
    use crate::store::NewArticle;

    #[test]
    fn a_follow_finds_a_person_in_any_script() {
        let store = Store::open_in_memory().unwrap();
        let mut ids = Vec::new();
        for (url, person, text) in [
            (
                "https://liter.kz/1",
                "Ерлан Кошанов",
                "Спикер Мажилиса Ерлан Кошанов встретился с акимами.",
            ),
            (
                "https://egemen.kz/2",
                "Erlan Qoşanov",
                "Májilis spikeri Erlan Qoşanov aýyl ákimderimen kezdesti.",
            ),
            (
                "https://liter.kz/3",
                "Олжас Бектенов",
                "Премьер-министр Олжас Бектенов провел совещание.",
            ),
        ] {
            let article = NewArticle {
                source_id: None,
                url: url.into(),
                canonical_url: None,
                title: "T".into(),
                text: text.into(),
                published_at: None,
                language: "ru".into(),
                content_hash: url.into(),
                minhash: vec![0; 4],
                story_id: None,
                summary: Some(Summary {
                    people: vec![person.into()],
                    ..Default::default()
                }),
            };
            ids.push(store.insert_article(&article, 0).unwrap().unwrap());
        }
        for asked in ["Koshanov", "Кошанов", "Қошанов"] {
            let mut found = store.article_ids_matching(asked, 0).unwrap();
            found.sort();
            assert_eq!(found, ids[..2], "{asked}");
        }
        assert_eq!(store.article_ids_matching("Bektenov", 0).unwrap(), [ids[2]]);
        assert!(store.article_ids_matching("Tokayev", 0).unwrap().is_empty());
        assert!(
            store
                .article_ids_matching("Koshanov", ids[1])
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn quotes_are_found_by_any_form_of_the_name() {
        let store = Store::open_in_memory().unwrap();
        let summary = Summary {
            quotes: vec![Quote {
                text: "Выборы — это шанс".into(),
                speaker: Some("Ерлан Кошанов".into()),
                speaker_role: None,
                via: None,
                score: 1.0,
            }],
            ..Default::default()
        };
        let article = NewArticle {
            source_id: None,
            url: "https://liter.kz/1".into(),
            canonical_url: None,
            title: "T".into(),
            text: "x".into(),
            published_at: None,
            language: "ru".into(),
            content_hash: "h".into(),
            minhash: vec![0; 4],
            story_id: None,
            summary: Some(summary),
        };
        store.insert_article(&article, 0).unwrap();
        for asked in [
            "Кошанов",
            "кошанова",
            "Кошановым",
            "Қошанов",
            "ерлан кошанов",
            "Koshanov",
            "Qoşanov",
            "Yerlan Koshanov",
        ] {
            assert_eq!(store.quotes_by(asked, 5).unwrap().len(), 1, "{asked}");
        }
        // A syndicated copy of the same story repeats the quote: shown once.
        let mut copy = article.clone();
        copy.url = "https://qazaq24.com/1".into();
        copy.content_hash = "h2".into();
        copy.story_id = Some(1);
        store.insert_article(&copy, 0).unwrap();
        let rows = store.quotes_by("Кошанов", 5).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].url, "https://liter.kz/1", "the first copy is kept");
        for asked in ["Кош", "Токаев", "Ерлан Токаев"] {
            assert!(store.quotes_by(asked, 5).unwrap().is_empty(), "{asked}");
        }
    }
}
