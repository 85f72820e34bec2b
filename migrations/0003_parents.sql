-- Parents: access codes for the printed invitation letters, and the indexes
-- the Parents list and the pupil search page through.

-- One access code per parent–child link. Only a SHA-256 of the code is kept:
-- the code itself exists only on the printed letter (or on screen once, after
-- "Reissue code"), so reading the database doesn't show anyone a code.
ALTER TABLE parent_links ADD COLUMN access_code_hash TEXT;
ALTER TABLE parent_links ADD COLUMN code_issued_at TEXT;
CREATE UNIQUE INDEX parent_links_by_code ON parent_links (access_code_hash)
    WHERE access_code_hash IS NOT NULL;

CREATE INDEX users_by_role_and_name
    ON users (role, surname COLLATE NOCASE, first_name COLLATE NOCASE);

-- Failed sign-ups with an access code, counted per address and per code for
-- the rate limit, so codes and dates of birth can't be found by trying many.
CREATE TABLE access_code_failures (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    address  TEXT NOT NULL,
    -- The link whose code was right but whose date of birth was not.
    link_id  INTEGER REFERENCES parent_links (id) ON DELETE CASCADE
);
CREATE INDEX access_code_failures_by_address ON access_code_failures (address, at);
CREATE INDEX access_code_failures_by_link ON access_code_failures (link_id, at);
