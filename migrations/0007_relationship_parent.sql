-- A link's relationship becomes optional: "parent" is what a link holds until
-- someone (or the MIS) records mother, father, carer, grandparent or other.
-- SQLite can't change a CHECK in place, so parent_links is rebuilt. With
-- foreign keys on, dropping it would cascade into access_code_failures, so
-- that table's rows are kept aside and put back.

CREATE TABLE parent_links_new (
    id                       INTEGER PRIMARY KEY,
    parent_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pupil_id                 INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    relationship             TEXT NOT NULL
        CHECK (relationship IN ('parent', 'mother', 'father', 'carer', 'grandparent', 'other')),
    parental_responsibility  INTEGER NOT NULL DEFAULT 1 CHECK (parental_responsibility IN (0, 1)),
    created_at               TEXT NOT NULL,
    access_code_hash         TEXT,
    code_issued_at           TEXT,
    UNIQUE (parent_id, pupil_id)
);
INSERT INTO parent_links_new
    (id, parent_id, pupil_id, relationship, parental_responsibility, created_at,
     access_code_hash, code_issued_at)
SELECT id, parent_id, pupil_id, relationship, parental_responsibility, created_at,
       access_code_hash, code_issued_at
FROM parent_links;

CREATE TEMP TABLE access_code_failures_kept AS SELECT id, at, address, link_id FROM access_code_failures;
DROP TABLE access_code_failures;
DROP TABLE parent_links;
ALTER TABLE parent_links_new RENAME TO parent_links;
CREATE INDEX parent_links_by_pupil ON parent_links (pupil_id);
CREATE UNIQUE INDEX parent_links_by_code ON parent_links (access_code_hash)
    WHERE access_code_hash IS NOT NULL;

CREATE TABLE access_code_failures (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    address  TEXT NOT NULL,
    -- The link whose code was right but whose date of birth was not.
    link_id  INTEGER REFERENCES parent_links (id) ON DELETE CASCADE
);
INSERT INTO access_code_failures (id, at, address, link_id)
SELECT id, at, address, link_id FROM access_code_failures_kept;
DROP TABLE access_code_failures_kept;
CREATE INDEX access_code_failures_by_address ON access_code_failures (address, at);
CREATE INDEX access_code_failures_by_link ON access_code_failures (link_id, at);
