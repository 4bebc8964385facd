-- Sources and their fetch state; articles with their dedupe keys; the
-- stemmed full-text index.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    url             TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('feed', 'listing')),
    language        TEXT,
    region          TEXT,
    official        INTEGER NOT NULL DEFAULT 0,
    link_selector   TEXT,
    paused          INTEGER NOT NULL DEFAULT 0,
    pause_reason    TEXT,
    etag            TEXT,
    last_modified   TEXT,
    error_count     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_success_at INTEGER,
    last_polled_at  INTEGER,
    next_poll_at    INTEGER NOT NULL DEFAULT 0,
    ttl_secs        INTEGER,
    created_at      INTEGER NOT NULL
);

CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    url            TEXT    NOT NULL UNIQUE,
    canonical_url  TEXT,
    title          TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    published_at   TEXT,
    language       TEXT    NOT NULL,
    content_hash   TEXT    NOT NULL,
    minhash        BLOB    NOT NULL,
    story_id       INTEGER NOT NULL,
    summary_json   TEXT,
    hidden         INTEGER NOT NULL DEFAULT 0,
    ingested_at    INTEGER NOT NULL
);
CREATE INDEX articles_canonical ON articles (canonical_url);
CREATE INDEX articles_hash ON articles (content_hash);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_ingested ON articles (ingested_at);

-- Stems, not words: see text::stem. Rowid is the article id.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
