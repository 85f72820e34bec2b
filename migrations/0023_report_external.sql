-- A report's External results section, in words (one result a line),
-- frozen when the report is published like its attendance and behaviour:
-- an import undone later changes nothing a parent has been sent.
ALTER TABLE reports ADD COLUMN external_words TEXT;
