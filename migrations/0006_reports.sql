-- Online reports: reporting sessions, a report per pupil with the teacher's
-- comment, SLT review, and publishing to parents. School dates are
-- 'YYYY-MM-DD'; moments are UTC stamps, as elsewhere.

CREATE TABLE report_sessions (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE
                       CHECK (length(trim(name)) BETWEEN 1 AND 60),
    -- The sections a report in this session has.
    with_attainment    INTEGER NOT NULL DEFAULT 1 CHECK (with_attainment IN (0, 1)),
    with_external      INTEGER NOT NULL DEFAULT 0 CHECK (with_external IN (0, 1)),
    with_comment       INTEGER NOT NULL DEFAULT 1 CHECK (with_comment IN (0, 1)),
    with_attendance    INTEGER NOT NULL DEFAULT 0 CHECK (with_attendance IN (0, 1)),
    with_behaviour     INTEGER NOT NULL DEFAULT 0 CHECK (with_behaviour IN (0, 1)),
    -- The length a comment should keep to, shown to the teacher as a guide.
    comment_guide      INTEGER NOT NULL DEFAULT 1200 CHECK (comment_guide BETWEEN 200 AND 4000),
    writing_opens_on   TEXT NOT NULL,
    writing_closes_on  TEXT NOT NULL,
    publish_on         TEXT NOT NULL,
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL,
    -- Set by the first Publish; the session can't be edited after it.
    published_at       TEXT,
    published_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK (writing_opens_on <= writing_closes_on AND writing_closes_on <= publish_on),
    CHECK (with_attainment + with_external + with_comment + with_attendance + with_behaviour > 0)
);

-- The groups and the year groups a session covers.
CREATE TABLE report_session_groups (
    session_id  INTEGER NOT NULL REFERENCES report_sessions (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, group_id)
) WITHOUT ROWID;

CREATE TABLE report_session_years (
    session_id  INTEGER NOT NULL REFERENCES report_sessions (id) ON DELETE CASCADE,
    year_group  INTEGER NOT NULL CHECK (year_group BETWEEN 0 AND 13),
    PRIMARY KEY (session_id, year_group)
) WITHOUT ROWID;

-- One pupil's report in one session.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES report_sessions (id) ON DELETE CASCADE,
    pupil_id      INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    -- The class the comment is written from, and the pupil's year then.
    group_id      INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    year_group    INTEGER NOT NULL CHECK (year_group BETWEEN 0 AND 13),
    status        TEXT NOT NULL DEFAULT 'writing'
                  CHECK (status IN ('writing', 'ready', 'returned', 'approved', 'published')),
    comment       TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 6000),
    -- Bumped by every save, so an autosave never overwrites a newer comment.
    version       INTEGER NOT NULL DEFAULT 0,
    written_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    written_at    TEXT,
    review_note   TEXT CHECK (length(review_note) <= 1000),
    reviewed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at   TEXT,
    created_at    TEXT NOT NULL,
    published_at  TEXT,
    UNIQUE (session_id, pupil_id),
    CHECK ((status = 'published') = (published_at IS NOT NULL)),
    CHECK (status <> 'returned' OR review_note IS NOT NULL)
);
CREATE INDEX reports_by_group ON reports (session_id, group_id, status);
CREATE INDEX reports_by_pupil ON reports (pupil_id, published_at);

-- Attainment per subject, frozen when the report is published, so a parent
-- reads what was published whatever the markbook says later.
CREATE TABLE report_attainment (
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    subject     TEXT NOT NULL,
    -- In words a parent understands, never a key or a colour.
    words       TEXT NOT NULL,
    secured     INTEGER NOT NULL CHECK (secured >= 0),
    judged      INTEGER NOT NULL CHECK (judged >= secured),
    PRIMARY KEY (report_id, position)
) WITHOUT ROWID;

-- Who was emailed about a published report: one email per report and parent.
CREATE TABLE report_notices (
    report_id  INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    parent_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    outbox_id  INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    queued_at  TEXT NOT NULL,
    PRIMARY KEY (report_id, parent_id)
) WITHOUT ROWID;
