-- The markbook: subjects and their criteria, the school's scale, and the
-- judgements teachers record against them, with every change kept.

CREATE TABLE subjects (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    position  INTEGER NOT NULL
);

-- A statement pupils are assessed against, for one year group and strand.
-- Retired criteria leave the grid but keep their judgements and history.
CREATE TABLE criteria (
    id          INTEGER PRIMARY KEY,
    subject_id  INTEGER NOT NULL REFERENCES subjects (id),
    year_group  INTEGER NOT NULL CHECK (year_group BETWEEN 0 AND 13),
    strand      TEXT NOT NULL,
    statement   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    retired_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX criteria_by_subject ON criteria (subject_id, year_group, position);

-- The school's scale: the key a teacher types, its label and colour, and
-- whether a judgement at that level counts as the criterion secured.
CREATE TABLE scale_levels (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    label     TEXT NOT NULL,
    colour    TEXT NOT NULL,
    secured   INTEGER NOT NULL CHECK (secured IN (0, 1)),
    position  INTEGER NOT NULL
);

-- The current judgement of a pupil against a criterion. It belongs to the
-- pupil: every teacher who can see the pupil sees it.
CREATE TABLE judgements (
    pupil_id      INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    criterion_id  INTEGER NOT NULL REFERENCES criteria (id),
    level_id      INTEGER NOT NULL REFERENCES scale_levels (id),
    set_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at        TEXT NOT NULL,
    PRIMARY KEY (pupil_id, criterion_id)
) WITHOUT ROWID;
CREATE INDEX judgements_by_criterion ON judgements (criterion_id);

-- Every change to a judgement, clearing included (level_id NULL).
CREATE TABLE judgement_history (
    id            INTEGER PRIMARY KEY,
    pupil_id      INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    criterion_id  INTEGER NOT NULL REFERENCES criteria (id),
    level_id      INTEGER REFERENCES scale_levels (id),
    set_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at        TEXT NOT NULL
);
CREATE INDEX judgement_history_by_cell ON judgement_history (pupil_id, criterion_id, id);

-- The group and subject each member of staff last opened, so Markbook opens there.
CREATE TABLE markbook_choices (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    group_id    INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    subject_id  INTEGER REFERENCES subjects (id) ON DELETE SET NULL
);
