-- The markbook benchmarks' grid, added to a database holding the demo school:
-- the demo teacher's set "Bench 6" of 35 pupils against a subject "Bench" of
-- 150 Year 6 criteria, with a judgement in every one of the 5,250 cells.
--
-- Run by `cargo bench -p server --bench markbook` (include_str! and
-- sqlx::raw_sql) and by scripts/bench-browser.sh (sqlite3), so both benchmark
-- the same grid. One transaction; plain SQL that both can run.

BEGIN IMMEDIATE;

INSERT INTO groups (name, kind, year_group, created_by, created_at)
SELECT 'Bench 6', 'set', 6, id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM users WHERE email = 'teacher@oakfield.example';

INSERT INTO group_teachers (group_id, user_id)
SELECT id, created_by FROM groups WHERE name = 'Bench 6';

-- Year 6 pupils first, then any others, should the school have fewer than 35.
INSERT INTO group_pupils (group_id, pupil_id)
SELECT (SELECT id FROM groups WHERE name = 'Bench 6'), id
FROM pupils WHERE active = 1
ORDER BY year_group = 6 DESC, id
LIMIT 35;

INSERT INTO subjects (name, position)
SELECT 'Bench', COALESCE(MAX(position), 0) + 1 FROM subjects;

-- Statements about 60 characters long, strands cycling over five names.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
INSERT INTO criteria (subject_id, year_group, strand, statement, position, created_at)
SELECT (SELECT id FROM subjects WHERE name = 'Bench'), 6,
       CASE i % 5
           WHEN 1 THEN 'Number and place value'
           WHEN 2 THEN 'Calculation'
           WHEN 3 THEN 'Fractions'
           WHEN 4 THEN 'Measurement'
           ELSE 'Geometry'
       END,
       printf('Bench criterion %d: explains a method and checks the answer', i),
       i, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM n;

-- Every cell judged, the three levels spread across the grid without a
-- short repeating pattern (which would flatter the page's compressed size).
WITH levels AS (SELECT id, ROW_NUMBER() OVER (ORDER BY position) - 1 AS k FROM scale_levels),
     size AS (SELECT COUNT(*) AS c FROM scale_levels)
INSERT INTO judgements (pupil_id, criterion_id, level_id, set_by, set_at)
SELECT gp.pupil_id, c.id, l.id, g.created_by, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM groups g
JOIN group_pupils gp ON gp.group_id = g.id
JOIN subjects s ON s.name = 'Bench'
JOIN criteria c ON c.subject_id = s.id
JOIN size
JOIN levels l ON l.k = ((gp.pupil_id * gp.pupil_id * 131 + c.id * c.id * 71 + gp.pupil_id * c.id * 37) % 1009) % size.c
WHERE g.name = 'Bench 6';

COMMIT;
