-- MIS sync: records carry the school MIS's own identifiers, so a sync
-- matches them again next time; links say whether the MIS made them, so a
-- sync never removes one an admin made by hand; and every check and apply
-- is kept, with each change it listed.

-- A parent's contact id in the MIS (staff: their sourcedId), where the file
-- has one. Without it a contact is matched by email address.
ALTER TABLE users ADD COLUMN mis_id TEXT;
CREATE UNIQUE INDEX users_by_mis_id ON users (mis_id) WHERE mis_id IS NOT NULL;

-- 1 when a sync made the account inactive (its last link went): a later
-- sync that links it again makes it active again. An admin's choice stands.
ALTER TABLE users ADD COLUMN inactive_by_sync INTEGER NOT NULL DEFAULT 0
    CHECK (inactive_by_sync IN (0, 1));

-- A class the MIS keeps: its members are the file's.
ALTER TABLE groups ADD COLUMN mis_id TEXT;
CREATE UNIQUE INDEX groups_by_mis_id ON groups (mis_id) WHERE mis_id IS NOT NULL;

-- 1 when a sync made (or took over) the link: a whole-school file that no
-- longer has it removes it. Hand-made links (0) go only when the MIS says
-- the contact may not have access.
ALTER TABLE parent_links ADD COLUMN from_mis INTEGER NOT NULL DEFAULT 0
    CHECK (from_mis IN (0, 1));

CREATE TABLE mis_syncs (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    -- NULL: `markwell import`, a scheduled sync.
    actor_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    file_name     TEXT NOT NULL,
    format        TEXT NOT NULL,
    -- 'checked': what the file would change; 'applied': what it changed;
    -- 'refused': a file that couldn't be read, its problems as the lines.
    outcome       TEXT NOT NULL CHECK (outcome IN ('checked', 'applied', 'refused')),
    -- A check's: what applying it must still come to (see mis::sync).
    digest        TEXT,
    added         INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    removed       INTEGER NOT NULL,
    revoked       INTEGER NOT NULL,
    not_imported  INTEGER NOT NULL
);
CREATE INDEX mis_syncs_by_time ON mis_syncs (at);

-- Each change a check listed (or an apply made), in the words shown.
CREATE TABLE mis_sync_lines (
    sync_id  INTEGER NOT NULL REFERENCES mis_syncs (id) ON DELETE CASCADE,
    line     INTEGER NOT NULL,
    section  TEXT NOT NULL,
    words    TEXT NOT NULL,
    PRIMARY KEY (sync_id, line)
);

-- The file a check read, kept until it is applied (or for a day), so
-- "Apply changes" applies the very file that was checked.
CREATE TABLE mis_sync_files (
    sync_id  INTEGER PRIMARY KEY REFERENCES mis_syncs (id) ON DELETE CASCADE,
    bytes    BLOB NOT NULL
);

-- Parent adoption: when each parent was last given a way in (an emailed
-- invitation, a letter's access code) and when they were last seen, so the
-- office can see who still needs a letter after a sync.
CREATE VIEW parent_adoption (parent_id, invited_at, last_seen_at) AS
SELECT u.id,
       (SELECT max(at) FROM (
            SELECT t.created_at AS at FROM account_tokens t
             WHERE t.user_id = u.id AND t.purpose = 'invitation'
            UNION ALL
            SELECT l.code_issued_at FROM parent_links l WHERE l.parent_id = u.id
            UNION ALL
            SELECT c.made_at FROM letter_codes c JOIN parent_links l ON l.id = c.link_id
             WHERE l.parent_id = u.id)),
       (SELECT max(at) FROM (
            SELECT u.last_sign_in_at AS at
            UNION ALL
            SELECT s.last_used_at FROM sign_ins s WHERE s.user_id = u.id))
FROM users u
WHERE u.role = 'parent';
