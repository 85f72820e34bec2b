-- What the school holds about each pupil for Progress's filters, from the MIS
-- sync. NULL: the school's files have never said, so the filter isn't offered.
-- sen is the DfE's SEN provision code: N none, K SEN support, E EHC plan.
ALTER TABLE pupils ADD COLUMN sex TEXT CHECK (sex IN ('F', 'M'));
ALTER TABLE pupils ADD COLUMN sen TEXT CHECK (sen IN ('N', 'K', 'E'));
ALTER TABLE pupils ADD COLUMN pupil_premium INTEGER CHECK (pupil_premium IN (0, 1));
ALTER TABLE pupils ADD COLUMN eal INTEGER CHECK (eal IN (0, 1));
