-- Near-duplicate fingerprints in a narrow table of their own: finding a
-- new article's story reads these few hundred bytes a row, never the
-- articles' texts. Kept by Store::insert_article; filled here for the
-- articles already stored.
CREATE TABLE article_fingerprints (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    source_id   INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    story_id    INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL,
    minhash     BLOB    NOT NULL
);
CREATE INDEX article_fingerprints_ingested ON article_fingerprints (ingested_at);
INSERT INTO article_fingerprints (article_id, source_id, story_id, ingested_at, minhash)
    SELECT id, source_id, story_id, ingested_at, minhash FROM articles;

-- A source's article count (sources list, /sources) without a table scan.
CREATE INDEX articles_source ON articles (source_id);
