-- The school, the people in it, and the records every feature builds on.
-- Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SSZ' so they sort as text.

CREATE TABLE school (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Staff and parents share one table so an email address belongs to one
-- account only, whatever its kind.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'teacher', 'parent')),
    is_slt           INTEGER NOT NULL DEFAULT 0 CHECK (is_slt IN (0, 1)),
    first_name       TEXT NOT NULL,
    surname          TEXT NOT NULL,
    -- Contacts without an email address are kept but can never sign in.
    email            TEXT UNIQUE COLLATE NOCASE,
    -- NULL until the person sets a password from their invitation.
    password_hash    TEXT,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Bumped to end every session of the account at its next request.
    session_epoch    INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    last_sign_in_at  TEXT,
    CHECK (is_slt = 0 OR role <> 'parent')
);

CREATE TABLE pupils (
    id             INTEGER PRIMARY KEY,
    upn            TEXT NOT NULL UNIQUE,
    first_name     TEXT NOT NULL,
    surname        TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL,
    year_group     INTEGER NOT NULL CHECK (year_group BETWEEN 0 AND 13),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL
);
CREATE INDEX pupils_by_surname ON pupils (surname COLLATE NOCASE, first_name COLLATE NOCASE);

-- A class or a set. A teacher may create their own (created_by).
CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('class', 'set')),
    year_group  INTEGER CHECK (year_group BETWEEN 0 AND 13),
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE group_teachers (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_teachers_by_user ON group_teachers (user_id);

CREATE TABLE group_pupils (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    pupil_id  INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, pupil_id)
);
CREATE INDEX group_pupils_by_pupil ON group_pupils (pupil_id);

CREATE TABLE parent_links (
    id                       INTEGER PRIMARY KEY,
    parent_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pupil_id                 INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    relationship             TEXT NOT NULL
        CHECK (relationship IN ('mother', 'father', 'carer', 'grandparent', 'other')),
    parental_responsibility  INTEGER NOT NULL DEFAULT 1 CHECK (parental_responsibility IN (0, 1)),
    created_at               TEXT NOT NULL,
    UNIQUE (parent_id, pupil_id)
);
CREATE INDEX parent_links_by_pupil ON parent_links (pupil_id);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action    TEXT NOT NULL,
    subject   TEXT,
    address   TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TABLE usage_events (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    client   TEXT NOT NULL CHECK (client IN ('browser', 'app'))
);
CREATE INDEX usage_events_by_time ON usage_events (at, user_id);

-- Failed sign-ins, counted per email and per address for the rate limit.
CREATE TABLE sign_in_failures (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    email    TEXT NOT NULL COLLATE NOCASE,
    address  TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, at);
