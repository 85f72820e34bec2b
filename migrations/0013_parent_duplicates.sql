-- Possible duplicates: parents the MIS lists twice under different email
-- addresses (found by name and phone number) or one address on two
-- names. An admin merges them or says they are not the same person.

-- A parent's phone number as the MIS gives it, digits only ("07689415547").
ALTER TABLE users ADD COLUMN phone TEXT;

-- Two parent accounts that may be one person, until an admin decides.
-- A merge removes the merged account, and this row with it; "not the same
-- person" keeps the row, so the pair is never listed again.
CREATE TABLE parent_duplicates (
    id          INTEGER PRIMARY KEY,
    first_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    second_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Why they look like one person, in words.
    reason      TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    not_same_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    not_same_at TEXT,
    CHECK (first_id < second_id),
    UNIQUE (first_id, second_id)
);

-- A merged parent's MIS contact id, now the kept parent's: a sync finds the
-- kept account under either id instead of making the merged one again.
CREATE TABLE merged_mis_ids (
    mis_id   TEXT PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
) WITHOUT ROWID;
