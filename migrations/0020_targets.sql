-- A pupil's target in a subject: the judgement they should reach by the
-- end of the year, set by their teachers or an admin. No row: no target.
CREATE TABLE pupil_targets (
    pupil_id    INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    subject_id  INTEGER NOT NULL REFERENCES subjects (id),
    level_id    INTEGER NOT NULL REFERENCES scale_levels (id),
    set_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at      TEXT NOT NULL,
    PRIMARY KEY (pupil_id, subject_id)
) WITHOUT ROWID;
