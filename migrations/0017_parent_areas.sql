-- What parents see: an admin switches each area of a child's records on or
-- off in School settings. An area switched off is absent from the parent's
-- pages and makes no notifications.
ALTER TABLE school ADD COLUMN parents_see_reports INTEGER NOT NULL DEFAULT 1 CHECK (parents_see_reports IN (0, 1));
ALTER TABLE school ADD COLUMN parents_see_behaviour INTEGER NOT NULL DEFAULT 1 CHECK (parents_see_behaviour IN (0, 1));
ALTER TABLE school ADD COLUMN parents_see_achievements INTEGER NOT NULL DEFAULT 1 CHECK (parents_see_achievements IN (0, 1));
ALTER TABLE school ADD COLUMN parents_see_attendance INTEGER NOT NULL DEFAULT 1 CHECK (parents_see_attendance IN (0, 1));
ALTER TABLE school ADD COLUMN parents_see_homework INTEGER NOT NULL DEFAULT 1 CHECK (parents_see_homework IN (0, 1));

-- The notification kinds parents are told about now: the one place the
-- switches meet the notifications.
CREATE VIEW notification_kinds_shown (kind) AS
    SELECT 'report' FROM school WHERE id = 1 AND parents_see_reports
    UNION ALL SELECT 'behaviour' FROM school WHERE id = 1 AND parents_see_behaviour
    UNION ALL SELECT 'achievement' FROM school WHERE id = 1 AND parents_see_achievements
    UNION ALL SELECT 'homework' FROM school WHERE id = 1 AND parents_see_homework;
