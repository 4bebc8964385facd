-- What the summarizer found in each article, for digest filtering, /quotes
-- and /why; subscribers and their settings; moderators, bans and the audit
-- trail; the outbox every message goes through; what each digest held.

CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    topic      TEXT    NOT NULL,
    score      REAL    NOT NULL,
    is_primary INTEGER NOT NULL DEFAULT 0,
    -- set by a moderator's /retopic: kept over the summarizer's
    corrected  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX article_topics_topic ON article_topics (topic, article_id);

CREATE TABLE article_regions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    region     TEXT    NOT NULL,
    PRIMARY KEY (article_id, region)
);
CREATE INDEX article_regions_region ON article_regions (region, article_id);

CREATE TABLE article_people (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    person     TEXT    NOT NULL,
    PRIMARY KEY (article_id, person)
);
CREATE INDEX article_people_person ON article_people (person);

CREATE TABLE quotes (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    speaker      TEXT,
    speaker_role TEXT,
    via          TEXT,
    score        REAL    NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_id, position);
CREATE INDEX quotes_speaker ON quotes (speaker);

CREATE TABLE subscribers (
    chat_id          INTEGER PRIMARY KEY,
    chat_kind        TEXT    NOT NULL DEFAULT 'private' CHECK (chat_kind IN ('private', 'group')),
    title            TEXT,
    language         TEXT    NOT NULL DEFAULT 'ru',
    status           TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'blocked')),
    schedule         TEXT    NOT NULL DEFAULT 'daily' CHECK (schedule IN ('instant', 'daily', 'weekly')),
    -- minutes after local midnight, and for weekly the day (1 = Monday)
    schedule_minute  INTEGER NOT NULL DEFAULT 540,
    schedule_weekday INTEGER NOT NULL DEFAULT 1,
    timezone         TEXT    NOT NULL DEFAULT 'Asia/Almaty',
    low_bandwidth    INTEGER NOT NULL DEFAULT 0,
    -- articles with a larger id than this have not been in a digest yet
    seen_article_id  INTEGER NOT NULL DEFAULT 0,
    last_digest_at   INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE subscriber_topics (
    chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    topic   TEXT    NOT NULL,
    PRIMARY KEY (chat_id, topic)
);
CREATE TABLE subscriber_regions (
    chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    region  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, region)
);
CREATE TABLE subscriber_follows (
    chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    phrase  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, phrase)
);

-- Everyone who ever wrote to the bot: language, role, ban.
CREATE TABLE users (
    user_id    INTEGER PRIMARY KEY,
    name       TEXT,
    language   TEXT,
    role       TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'owner')),
    banned     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT,
    detail   TEXT,
    allowed  INTEGER NOT NULL
);
CREATE INDEX audit_at ON audit (at);

-- Texts stored once however many chats get them (subscribers who follow
-- the same things get the same digest): messages and digest entries.
CREATE TABLE message_bodies (
    id   INTEGER PRIMARY KEY,
    hash TEXT    NOT NULL UNIQUE,
    text TEXT    NOT NULL
);

-- Every message to Telegram is written here before it is sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('digest', 'instant', 'broadcast', 'notice')),
    batch           TEXT    NOT NULL,
    part            INTEGER NOT NULL DEFAULT 0,
    body_id         INTEGER NOT NULL REFERENCES message_bodies(id),
    disable_preview INTEGER NOT NULL DEFAULT 1,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    telegram_id     INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    UNIQUE (chat_id, batch, part)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);

-- What each digest held and why, for /why N: the entries as JSON, stored
-- once in message_bodies however many subscribers got that digest.
CREATE TABLE digests (
    chat_id      INTEGER NOT NULL,
    batch        TEXT    NOT NULL,
    entries_body INTEGER NOT NULL REFERENCES message_bodies(id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (chat_id, batch)
);
CREATE INDEX digests_chat ON digests (chat_id, created_at);

CREATE TABLE broadcasts (
    id         INTEGER PRIMARY KEY,
    author_id  INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'queued', 'cancelled')),
    created_at INTEGER NOT NULL
);

-- Keyword stems moderators add to a topic, on top of data/topics.toml.
CREATE TABLE topic_keywords (
    topic    TEXT    NOT NULL,
    language TEXT    NOT NULL,
    stem     TEXT    NOT NULL,
    added_by INTEGER,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (topic, language, stem)
);

-- Small named values: the Telegram update offset, the last poll time.
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
