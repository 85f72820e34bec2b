-- Where each person is signed in: one row per signed-in session, named in
-- the session's own data, so Settings can list a person's sessions and end
-- any one of them. A session whose row has ended is signed out at its next
-- request.
CREATE TABLE sign_ins (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Browser and system, in words, read from the user agent at sign-in.
    device        TEXT NOT NULL,
    -- Signed in from Markwell installed as an app rather than a browser tab.
    installed_app INTEGER NOT NULL DEFAULT 0 CHECK (installed_app IN (0, 1)),
    signed_in_at  TEXT NOT NULL,
    -- Brought up to date every few minutes while the session is in use.
    last_used_at  TEXT NOT NULL,
    ended_at      TEXT
);
CREATE INDEX sign_ins_open ON sign_ins (user_id) WHERE ended_at IS NULL;

-- A parent who deleted their account: the row stays (without email or
-- password, and inactive) so the school's Parents page says what happened
-- until an admin removes it.
ALTER TABLE users ADD COLUMN deleted_at TEXT;

-- Leavers: a parent reaches a linked pupil only while the pupil is on the
-- roll; staff keep their reach of pupils who have left (their history). The
-- rest of the rule is as 0008 wrote it.
DROP VIEW pupil_reach;
CREATE VIEW pupil_reach (viewer_id, pupil_id) AS
SELECT u.id, p.id
FROM users u JOIN pupils p
WHERE u.role = 'admin'
   OR (u.role = 'teacher' AND u.is_slt = 1)
   OR (u.role = 'teacher' AND EXISTS (
           SELECT 1 FROM group_pupils gp JOIN group_reach r ON r.group_id = gp.group_id
           WHERE gp.pupil_id = p.id AND r.viewer_id = u.id))
   OR (u.role = 'parent' AND p.active = 1 AND EXISTS (
           SELECT 1 FROM parent_links l WHERE l.pupil_id = p.id AND l.parent_id = u.id));

-- Who a teacher may add to a set they made or edit (School settings,
-- "Teachers may add to their own sets"): 'year-groups', the pupils in the
-- year groups of the classes assigned to them, or 'anyone' on the roll.
ALTER TABLE school ADD COLUMN teachers_add_to_sets TEXT NOT NULL DEFAULT 'year-groups'
    CHECK (teachers_add_to_sets IN ('year-groups', 'anyone'));

-- The pupils each staff member may add to a group: admins and SLT any pupil
-- on the roll; a teacher as the school's setting says. A set a teacher
-- makes is in their reach, so this is what keeps a teacher from widening
-- their own reach to the whole school.
CREATE VIEW pupil_addable (viewer_id, pupil_id) AS
SELECT u.id, p.id
FROM users u JOIN pupils p JOIN school s
WHERE p.active = 1
  AND (u.role = 'admin'
   OR (u.role = 'teacher' AND u.is_slt = 1)
   OR (u.role = 'teacher' AND (s.teachers_add_to_sets = 'anyone' OR p.year_group IN (
           SELECT g.year_group FROM groups g JOIN group_teachers gt ON gt.group_id = g.id
           WHERE gt.user_id = u.id AND g.kind = 'class' AND g.year_group IS NOT NULL))));

-- An email the mail server refused for good (an address that can't be
-- delivered to) stops being retried after a few tries; admins see it, with
-- the reason, on the person's page.
ALTER TABLE outbox ADD COLUMN given_up_at TEXT;
