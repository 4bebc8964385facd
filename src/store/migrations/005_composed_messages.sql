-- A message's text is kept as the pieces it is made of, in order: a JSON
-- array of texts (short ones, written in place) and ids of
-- message_bodies (long ones many messages share: a story's block in every
-- digest that carries it, a broadcast sent to every subscriber). Queuing a
-- digest then writes a short list instead of its whole text.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('digest', 'instant', 'broadcast', 'notice')),
    batch           TEXT    NOT NULL,
    part            INTEGER NOT NULL DEFAULT 0,
    body            TEXT    NOT NULL,
    disable_preview INTEGER NOT NULL DEFAULT 1,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    telegram_id     INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    silent          INTEGER NOT NULL DEFAULT 0,
    keyboard        TEXT,
    UNIQUE (chat_id, batch, part)
);
INSERT INTO outbox_new (id, chat_id, kind, batch, part, body, disable_preview, status, attempts,
        next_attempt_at, last_error, telegram_id, created_at, sent_at, silent, keyboard)
    SELECT id, chat_id, kind, batch, part, '[' || body_id || ']', disable_preview, status, attempts,
        next_attempt_at, last_error, telegram_id, created_at, sent_at, silent, keyboard
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);

CREATE TABLE digest_pages_new (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    batch      TEXT    NOT NULL,
    page       INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    -- the button under this page (the next one's), as reply_markup JSON
    keyboard   TEXT,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    UNIQUE (chat_id, batch, page)
);
INSERT INTO digest_pages_new (id, chat_id, batch, page, body, keyboard, created_at, sent_at)
    SELECT id, chat_id, batch, page, '[' || body_id || ']', keyboard, created_at, sent_at
    FROM digest_pages;
DROP TABLE digest_pages;
ALTER TABLE digest_pages_new RENAME TO digest_pages;
CREATE INDEX digest_pages_created ON digest_pages (created_at);

-- What each digest held and why, for /why N: the entries' JSON array, as
-- pieces like a message (each entry a shared piece).
CREATE TABLE digests_new (
    chat_id    INTEGER NOT NULL,
    batch      TEXT    NOT NULL,
    entries    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, batch)
);
INSERT INTO digests_new (chat_id, batch, entries, created_at)
    SELECT chat_id, batch, '[' || entries_body || ']', created_at FROM digests;
DROP TABLE digests;
ALTER TABLE digests_new RENAME TO digests;
CREATE INDEX digests_chat ON digests (chat_id, created_at);
