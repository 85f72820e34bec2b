-- The school's terms, each by the day it ends in every school year (month
-- and day, "12-20"), in the order of the school year from September.
-- Progress takes each pupil's picture at the end of a term from
-- judgement_history. England's terms to start with; a day in the holiday
-- after a term does as well as its last day, since nothing is judged then.
CREATE TABLE school_terms (
    position  INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    ends_on   TEXT NOT NULL
);

INSERT INTO school_terms (position, name, ends_on) VALUES
    (1, 'Autumn', '12-20'),
    (2, 'Spring', '04-10'),
    (3, 'Summer', '07-31');
