-- Attendance, as the school's MIS registers it: Markwell never takes a
-- register, it imports the marks so parents and staff can read them.

-- One mark per pupil per session, with the national attendance code as the
-- MIS wrote it ("/", "L", "I", "Y1", …) and, for a late arrival, the
-- minutes late when the MIS gives them. A later import of the same session
-- replaces the mark: the MIS is the register.
CREATE TABLE attendance_marks (
    pupil_id      INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    date          TEXT NOT NULL,
    session       TEXT NOT NULL CHECK (session IN ('AM', 'PM')),
    code          TEXT NOT NULL,
    minutes_late  INTEGER CHECK (minutes_late BETWEEN 0 AND 600),
    PRIMARY KEY (pupil_id, date, session)
) WITHOUT ROWID;

-- A year's figures from a Common Transfer File's attendance summary, for
-- years (or schools) Markwell holds no daily marks of. `year` is the year
-- the school year starts in: 2025 is 2025/26.
CREATE TABLE attendance_years (
    pupil_id      INTEGER NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    year          INTEGER NOT NULL,
    possible      INTEGER NOT NULL CHECK (possible >= 0),
    attended      INTEGER NOT NULL CHECK (attended >= 0),
    authorised    INTEGER NOT NULL CHECK (authorised >= 0),
    unauthorised  INTEGER NOT NULL CHECK (unauthorised >= 0),
    PRIMARY KEY (pupil_id, year)
) WITHOUT ROWID;
