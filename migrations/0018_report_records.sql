-- A report's Attendance and Behaviour sections, in words, frozen when the
-- report is published like its attainment: a later mark or point changes
-- nothing a parent has already been sent.
ALTER TABLE reports ADD COLUMN attendance_words TEXT;
ALTER TABLE reports ADD COLUMN behaviour_words TEXT;
