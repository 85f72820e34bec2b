-- Ext. data: results of assessments taken outside the markbook (screening
-- checks, tests), imported from spreadsheets. Each import can be undone as a
-- whole, so every result remembers the import that wrote it and every
-- import remembers the results it replaced.

-- An assessment: a name and the day it was taken, scored in a range
-- (lowest..highest, with an optional pass mark such as the Phonics Screening
-- Check's threshold) or graded from a list (grades, one per line, lowest
-- first). Exactly one of the two.
CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    taken_on    TEXT NOT NULL,
    lowest      INTEGER,
    highest     INTEGER,
    pass_mark   INTEGER,
    -- What reaching the pass mark is called ("Working at the expected standard").
    pass_words  TEXT,
    grades      TEXT,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (name COLLATE NOCASE, taken_on),
    CHECK ((lowest IS NOT NULL AND highest IS NOT NULL AND lowest < highest AND grades IS NULL)
        OR (lowest IS NULL AND highest IS NULL AND pass_mark IS NULL AND grades IS NOT NULL))
);

-- A spreadsheet uploaded for import, kept until it is imported (or a day
-- has passed) so the mapping and preview steps need not send it again.
CREATE TABLE result_files (
    id           INTEGER PRIMARY KEY,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uploaded_at  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    bytes        BLOB NOT NULL
);

-- One import: who, when, from which file, and how many results it added,
-- replaced and left as they were. Undone imports stay listed.
CREATE TABLE result_imports (
    id             INTEGER PRIMARY KEY,
    assessment_id  INTEGER NOT NULL REFERENCES assessments (id),
    file_name      TEXT NOT NULL,
    imported_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    imported_at    TEXT NOT NULL,
    added          INTEGER NOT NULL,
    replaced       INTEGER NOT NULL,
    skipped        INTEGER NOT NULL,
    undone_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    undone_at      TEXT
);
CREATE INDEX result_imports_by_assessment ON result_imports (assessment_id);

-- A pupil's result in an assessment: a score or a grade.
CREATE TABLE external_results (
    assessment_id  INTEGER NOT NULL REFERENCES assessments (id),
    pupil_id       INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    score          INTEGER,
    grade          TEXT,
    import_id      INTEGER NOT NULL REFERENCES result_imports (id),
    PRIMARY KEY (assessment_id, pupil_id),
    CHECK ((score IS NULL) <> (grade IS NULL))
) WITHOUT ROWID;
CREATE INDEX external_results_by_pupil ON external_results (pupil_id);
CREATE INDEX external_results_by_import ON external_results (import_id);

-- What an import replaced, put back if it is undone.
CREATE TABLE replaced_results (
    import_id      INTEGER NOT NULL REFERENCES result_imports (id),
    pupil_id       INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    score          INTEGER,
    grade          TEXT,
    from_import    INTEGER NOT NULL REFERENCES result_imports (id),
    PRIMARY KEY (import_id, pupil_id)
) WITHOUT ROWID;
