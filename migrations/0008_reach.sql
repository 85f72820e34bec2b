-- Markwell's one reach rule: which groups and pupils each person may reach.
-- Every query that lists or checks groups or pupils for someone joins
-- through these views with `viewer_id = ?`, so the rule is written here and
-- nowhere else. Changing it is a migration that replaces the views.

-- Groups: admins and SLT reach every group; a teacher the groups assigned to
-- them or made by them; parents none. `teaches` marks the groups the person
-- teaches or made (SLT reach more than they teach).
CREATE VIEW group_reach (viewer_id, group_id, teaches) AS
SELECT viewer_id, group_id, teaches
FROM (SELECT u.id AS viewer_id, u.role AS role, u.is_slt AS is_slt, g.id AS group_id,
             (g.created_by IS u.id OR EXISTS (
                 SELECT 1 FROM group_teachers gt
                 WHERE gt.group_id = g.id AND gt.user_id = u.id)) AS teaches
      FROM users u JOIN groups g)
WHERE role = 'admin' OR (role = 'teacher' AND (is_slt = 1 OR teaches));

-- Pupils: admins and SLT reach every pupil; a teacher the pupils of the
-- groups they reach; a parent the pupils linked to them.
CREATE VIEW pupil_reach (viewer_id, pupil_id) AS
SELECT u.id, p.id
FROM users u JOIN pupils p
WHERE u.role = 'admin'
   OR (u.role = 'teacher' AND u.is_slt = 1)
   OR (u.role = 'teacher' AND EXISTS (
           SELECT 1 FROM group_pupils gp JOIN group_reach r ON r.group_id = gp.group_id
           WHERE gp.pupil_id = p.id AND r.viewer_id = u.id))
   OR (u.role = 'parent' AND EXISTS (
           SELECT 1 FROM parent_links l WHERE l.pupil_id = p.id AND l.parent_id = u.id));
