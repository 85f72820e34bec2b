-- Targets can be imported from a spreadsheet on Ext. data, like results,
-- and an import of targets can be undone as a whole. An import sets the
-- targets of one subject; each target remembers the import that set it
-- (NULL: set by hand on Progress), and each import what it replaced.

CREATE TABLE target_imports (
    id           INTEGER PRIMARY KEY,
    subject_id   INTEGER NOT NULL REFERENCES subjects (id),
    file_name    TEXT NOT NULL,
    imported_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    imported_at  TEXT NOT NULL,
    added        INTEGER NOT NULL,
    replaced     INTEGER NOT NULL,
    skipped      INTEGER NOT NULL,
    undone_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    undone_at    TEXT
);
CREATE INDEX target_imports_by_subject ON target_imports (subject_id);

ALTER TABLE pupil_targets ADD COLUMN import_id INTEGER REFERENCES target_imports (id);
CREATE INDEX pupil_targets_by_import ON pupil_targets (import_id);

-- The target an import replaced, as it was, put back if the import is
-- undone while the pupil still has the imported target.
CREATE TABLE replaced_targets (
    import_id    INTEGER NOT NULL REFERENCES target_imports (id),
    pupil_id     INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    level_id     INTEGER NOT NULL REFERENCES scale_levels (id),
    set_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at       TEXT NOT NULL,
    from_import  INTEGER REFERENCES target_imports (id),
    PRIMARY KEY (import_id, pupil_id)
) WITHOUT ROWID;

-- The pupils whose targets each viewer may set: an admin every pupil, a
-- teacher the pupils of the groups they teach (not those SLT only read).
-- The same rule as changing a group's judgements, pupil by pupil.
CREATE VIEW pupil_write_reach (viewer_id, pupil_id) AS
SELECT u.id, p.id
FROM users u JOIN pupils p
WHERE u.role = 'admin'
   OR (u.role = 'teacher' AND EXISTS (
           SELECT 1 FROM group_pupils gp JOIN group_reach r ON r.group_id = gp.group_id
           WHERE gp.pupil_id = p.id AND r.viewer_id = u.id AND r.teaches));
