-- What users of other news bots expect: a compact layout, muted sources,
-- excluded words, quiet hours and channels as subscribers; digests that
-- page with a "more" button; silent sends and keyboards in the outbox.

-- subscribers gains the kind 'channel' (a CHECK is only changed by a
-- rebuild: foreign keys are off while migrations run), a layout and quiet
-- hours (minutes after local midnight; both NULL: none), and who bound a
-- channel.
CREATE TABLE subscribers_new (
    chat_id          INTEGER PRIMARY KEY,
    chat_kind        TEXT    NOT NULL DEFAULT 'private' CHECK (chat_kind IN ('private', 'group', 'channel')),
    title            TEXT,
    language         TEXT    NOT NULL DEFAULT 'ru',
    status           TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'blocked')),
    schedule         TEXT    NOT NULL DEFAULT 'daily' CHECK (schedule IN ('instant', 'daily', 'weekly')),
    schedule_minute  INTEGER NOT NULL DEFAULT 540,
    schedule_weekday INTEGER NOT NULL DEFAULT 1,
    timezone         TEXT    NOT NULL DEFAULT 'Asia/Almaty',
    low_bandwidth    INTEGER NOT NULL DEFAULT 0,
    seen_article_id  INTEGER NOT NULL DEFAULT 0,
    last_digest_at   INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    layout           TEXT    NOT NULL DEFAULT 'full' CHECK (layout IN ('full', 'compact')),
    quiet_from       INTEGER,
    quiet_to         INTEGER,
    bound_by         INTEGER
);
INSERT INTO subscribers_new (chat_id, chat_kind, title, language, status, schedule, schedule_minute,
        schedule_weekday, timezone, low_bandwidth, seen_article_id, last_digest_at, created_at, updated_at, layout)
    SELECT chat_id, chat_kind, title, language, status, schedule, schedule_minute,
        schedule_weekday, timezone, low_bandwidth, seen_article_id, last_digest_at, created_at, updated_at,
        CASE WHEN chat_kind = 'group' THEN 'compact' ELSE 'full' END
    FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;

CREATE TABLE subscriber_mutes (
    chat_id   INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (chat_id, source_id)
);
CREATE TABLE subscriber_excludes (
    chat_id INTEGER NOT NULL REFERENCES subscribers(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    phrase  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, phrase)
);

-- The later pages of a digest, sent one by one from the "more" button.
-- `sent_at` is set once: a second press sends nothing.
CREATE TABLE digest_pages (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    batch      TEXT    NOT NULL,
    page       INTEGER NOT NULL,
    body_id    INTEGER NOT NULL,
    -- the button under this page (the next one's), as reply_markup JSON
    keyboard   TEXT,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    UNIQUE (chat_id, batch, page)
);
CREATE INDEX digest_pages_created ON digest_pages (created_at);

-- Outbox: sent without a notification (quiet hours), and an inline keyboard.
ALTER TABLE outbox ADD COLUMN silent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN keyboard TEXT;
