-- Homework: set for a group with a title, a description and a due date;
-- each pupil's hand-in recorded from a list of the group. A pupil without
-- a row hasn't handed it in.
CREATE TABLE homework (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT,
    due_on       TEXT NOT NULL,
    set_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at       TEXT NOT NULL
);
CREATE INDEX homework_by_group ON homework (group_id, due_on);

CREATE TABLE homework_hand_ins (
    homework_id  INTEGER NOT NULL REFERENCES homework (id) ON DELETE CASCADE,
    pupil_id     INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('handed_in', 'late')),
    recorded_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (homework_id, pupil_id)
) WITHOUT ROWID;

-- Parents are told when homework is set: notifications gain the kind, and
-- homework removed takes its notifications with it. SQLite can't change a
-- CHECK, so the table is made again with its rows.
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pupil_id     INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    entry_id     INTEGER REFERENCES classroom_entries (id) ON DELETE CASCADE,
    homework_id  INTEGER REFERENCES homework (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('behaviour', 'achievement', 'report', 'homework')),
    what         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    read_at      TEXT
);
INSERT INTO notifications_new (id, parent_id, pupil_id, entry_id, kind, what, created_at, read_at)
    SELECT id, parent_id, pupil_id, entry_id, kind, what, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_by_parent ON notifications (parent_id, created_at);
