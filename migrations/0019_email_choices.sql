-- What a parent also wants by email, chosen in their Settings. No row means
-- the defaults: an email when a report is published, and no daily summary.
CREATE TABLE parent_email_choices (
    parent_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reports      INTEGER NOT NULL DEFAULT 1 CHECK (reports IN (0, 1)),
    -- Each kind the daily summary lists, with when the parent ticked it
    -- (NULL: not ticked), so a summary never reaches back before they asked.
    behaviour_since    TEXT,
    achievements_since TEXT,
    homework_since     TEXT,
    -- The school day the last summary went, so none goes twice in a day.
    summary_sent_on TEXT
);

-- When a notification went out in a daily summary: each goes in one at most.
ALTER TABLE notifications ADD COLUMN summarised_at TEXT;
