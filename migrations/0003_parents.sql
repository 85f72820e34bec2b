-- Parents: access codes for the printed invitation letters, and the indexes
-- the Parents list and the pupil search page through.

-- One access code per parent–child link. Only a SHA-256 of the code is kept:
-- the code itself exists only on the printed letter (or on screen once, after
-- "Reissue code"), so a copy of the database can't be used to sign up.
ALTER TABLE parent_links ADD COLUMN access_code_hash TEXT;
ALTER TABLE parent_links ADD COLUMN code_issued_at TEXT;
CREATE UNIQUE INDEX parent_links_by_code ON parent_links (access_code_hash)
    WHERE access_code_hash IS NOT NULL;

CREATE INDEX users_by_role_and_name
    ON users (role, surname COLLATE NOCASE, first_name COLLATE NOCASE);
