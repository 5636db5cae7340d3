-- Anyuan schema, SQLite. Released migrations are never edited: add a new file.

-- Accounts live only on the server; the people they belong to are synced records.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,          -- UUID
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,             -- argon2 PHC string
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,             -- district_admin | school_admin | staff
    unit_id       TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_ms    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,          -- SHA-256 of the opaque token
    user_id       TEXT NOT NULL REFERENCES users(id),
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL,           -- sliding: moved on use, up to absolute_ms
    absolute_ms   BIGINT NOT NULL            -- never extended
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The merged current state of every synced record; seq is the change-log
-- position of its last change, which is what pulls page by.
CREATE TABLE records (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    unit_id  TEXT NOT NULL,
    seq      BIGINT NOT NULL,
    body     TEXT NOT NULL                   -- JSON: fields with their stamps
);
CREATE INDEX records_seq ON records(seq);
CREATE INDEX records_unit_seq ON records(unit_id, seq);

-- Append-only history of every accepted change (who, when, which device, what).
CREATE TABLE changes (
    seq          BIGINT PRIMARY KEY,
    change_id    TEXT NOT NULL UNIQUE,
    record_id    TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    device       TEXT NOT NULL,
    stamp        TEXT NOT NULL,
    received_ms  BIGINT NOT NULL,
    body         TEXT NOT NULL               -- JSON: the change as accepted
);
CREATE INDEX changes_record ON changes(record_id, seq);

-- One counter for the change log; allocating from it serialises writers.
CREATE TABLE sync_seq (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO sync_seq (id, value) VALUES (1, 0);

-- Login attempts, for rate limiting by account and by address.
CREATE TABLE login_attempts (
    key        TEXT NOT NULL,                -- "login:<name>" or "addr:<ip>"
    at_ms      BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts(key, at_ms);
