-- School Usage counts activity per person per school day rather than one row
-- per event: recording is one upsert in the transaction that already writes,
-- and a month's page reads a few thousand rows however busy the markbook was.
CREATE TABLE usage_days (
    -- The school's own calendar date (UK time), so a month is a range of days.
    day      TEXT NOT NULL,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL
             CHECK (kind IN ('sign-in', 'visit', 'assessment', 'comment', 'report-published', 'import')),
    client   TEXT NOT NULL CHECK (client IN ('browser', 'app')),
    count    INTEGER NOT NULL CHECK (count > 0),
    -- The latest event of the day (UTC), for "Last sign-in".
    last_at  TEXT NOT NULL,
    PRIMARY KEY (day, user_id, kind, client)
) WITHOUT ROWID;

-- Sign-ins recorded before this table existed; their day is taken in UTC.
INSERT INTO usage_days (day, user_id, kind, client, count, last_at)
SELECT substr(at, 1, 10), user_id, kind, client, count(*), max(at)
FROM usage_events
WHERE kind IN ('sign-in', 'assessment', 'comment', 'report-published', 'import')
GROUP BY substr(at, 1, 10), user_id, kind, client;

DROP TABLE usage_events;
