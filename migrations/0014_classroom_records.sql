-- Classroom records: behaviour points and achievements teachers record
-- during lessons, which parents see on their child's page.

-- The school's list of behaviours: each positive or negative, with its
-- points. A behaviour taken off the list is retired, not deleted, so the
-- entries recorded with it keep their meaning.
CREATE TABLE behaviours (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    points      INTEGER NOT NULL CHECK (points BETWEEN -5 AND 5 AND points <> 0),
    position    INTEGER NOT NULL,
    retired_at  TEXT
);
CREATE UNIQUE INDEX behaviours_by_name ON behaviours (name COLLATE NOCASE)
    WHERE retired_at IS NULL;

INSERT INTO behaviours (name, points, position) VALUES
    ('Great effort', 1, 1),
    ('Kindness', 1, 2),
    ('Helping others', 1, 3),
    ('Excellent work', 2, 4),
    ('Homework not done', -1, 5),
    ('Disruption', -1, 6),
    ('Unkind words', -1, 7);

-- One entry for one pupil: a behaviour (with its points as they were when
-- recorded) or an achievement ("Star of the week"), with an optional note.
-- `group_id` is where it was recorded, for the teacher's recent list.
CREATE TABLE classroom_entries (
    id            INTEGER PRIMARY KEY,
    pupil_id      INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    group_id      INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('behaviour', 'achievement')),
    behaviour_id  INTEGER REFERENCES behaviours (id),
    title         TEXT NOT NULL,
    points        INTEGER NOT NULL DEFAULT 0,
    note          TEXT,
    recorded_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at   TEXT NOT NULL,
    CHECK ((kind = 'behaviour') = (behaviour_id IS NOT NULL)),
    CHECK (kind = 'behaviour' OR points = 0)
);
CREATE INDEX classroom_entries_by_pupil ON classroom_entries (pupil_id, recorded_at);
CREATE INDEX classroom_entries_by_group ON classroom_entries (group_id, recorded_at);

-- What each parent is told about: a behaviour entry, an achievement, a
-- report published. One row per parent linked to the pupil when it
-- happened; a parent whose link is removed no longer sees the pupil's
-- (the list joins the reach rule).
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pupil_id    INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    -- An entry undone or removed takes its notifications with it.
    entry_id    INTEGER REFERENCES classroom_entries (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('behaviour', 'achievement', 'report')),
    -- What happened, in words: "Kindness +1", "Star of the week".
    what        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_by_parent ON notifications (parent_id, created_at);
