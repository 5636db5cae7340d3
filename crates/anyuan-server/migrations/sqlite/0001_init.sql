-- Anyuan schema, SQLite. Released migrations are never edited: add a new file.
-- Integers are BIGINT and text is TEXT only, so sqlx's Any driver reads both
-- backends the same way (i64, String).

-- Server-wide facts, e.g. `district_id`: the district unit this server serves.
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Accounts live only on the server; the organisation (units, classes, the
-- staff directory) is synced records.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,          -- UUID
    login         TEXT NOT NULL UNIQUE,      -- lower-case
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,             -- district_admin | school_admin | staff
    unit_id       TEXT NOT NULL,             -- a unit record's id
    disabled      BIGINT NOT NULL DEFAULT 0, -- 1: cannot sign in, no sessions
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

-- Sessions: only the SHA-256 of the opaque bearer token is stored.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,          -- lower-case hex SHA-256 of the token
    user_id       TEXT NOT NULL REFERENCES users(id),
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL,           -- sliding: moved on use, never past absolute_ms
    absolute_ms   BIGINT NOT NULL            -- never extended
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_ms);

-- The merged current state of every synced record. seq is the change-log
-- position of its last change: pulls page by it (seq > cursor).
CREATE TABLE records (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    unit_id   TEXT NOT NULL,
    parent_id TEXT,
    seq       BIGINT NOT NULL,
    body      TEXT NOT NULL                  -- JSON RecordV1: fields with their stamps
) WITHOUT ROWID;                             -- SQLite: one b-tree keyed by id
CREATE UNIQUE INDEX records_seq ON records(seq);
CREATE INDEX records_unit_seq ON records(unit_id, seq);

-- Append-only history of every accepted change, including writes that lost
-- the merge: who, when, which device, what.
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY,        -- SQLite: the rowid itself, no extra index
    change_id    TEXT NOT NULL UNIQUE,       -- the device's idempotency key
    record_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    parent_id    TEXT,
    author_id    TEXT NOT NULL,
    author_role  TEXT NOT NULL,
    device       TEXT NOT NULL,
    stamp        TEXT NOT NULL,              -- HLC string: byte order = stamp order
    pushed_stamp TEXT,                       -- the device's stamp, when the server re-stamped
    fields       TEXT NOT NULL,              -- JSON {name: {"v", "seen"?}} as applied
    received_ms  BIGINT NOT NULL
);
CREATE INDEX changes_record ON changes(record_id, seq);

-- The last change-log seq used, and the highest stamp in the log (where a
-- restarted server resumes its clock). Every push transaction locks this row
-- first, so transactions that write the log commit in seq order.
CREATE TABLE sync_seq (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    value     BIGINT NOT NULL,
    max_stamp TEXT
);
INSERT INTO sync_seq (id, value) VALUES (1, 0);

-- Failed sign-ins, for rate limiting per account and per client address.
CREATE TABLE login_failures (
    key   TEXT NOT NULL,                     -- "login:<name>" or "addr:<ip>"
    at_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at_ms);
CREATE INDEX login_failures_at ON login_failures(at_ms);
