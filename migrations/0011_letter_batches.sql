-- Printed letters survive a lost reply. Making letters gives each link a
-- new code on a letter, beside the codes it already has; its current code
-- keeps working until an admin confirms the batch printed, when the letter's
-- code takes its place and codes on that child's earlier letters stop. If
-- the letters never arrive (a closed laptop, a dropped connection), nothing
-- a parent already holds has stopped working, and printing again simply
-- makes other new codes. Only hashes are stored, as before.

CREATE TABLE letter_batches (
    id            INTEGER PRIMARY KEY,
    made_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    made_at       TEXT NOT NULL,
    letters       INTEGER NOT NULL,
    confirmed_at  TEXT,
    confirmed_by  INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE letter_codes (
    id         INTEGER PRIMARY KEY,
    link_id    INTEGER NOT NULL REFERENCES parent_links (id) ON DELETE CASCADE,
    batch_id   INTEGER NOT NULL REFERENCES letter_batches (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL UNIQUE,
    made_at    TEXT NOT NULL,
    UNIQUE (link_id, batch_id)
);
CREATE INDEX letter_codes_by_batch ON letter_codes (batch_id);
