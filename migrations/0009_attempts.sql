-- Failed sign-ins and reset requests were two tables with the same columns
-- and the same rate-limit queries; one table with the kind of attempt keeps
-- one query for both.
CREATE TABLE attempts (
    id       INTEGER PRIMARY KEY,
    -- 'sign-in' (a failed sign-in) or 'reset' (a reset link asked for).
    kind     TEXT NOT NULL CHECK (kind IN ('sign-in', 'reset')),
    at       TEXT NOT NULL,
    email    TEXT NOT NULL COLLATE NOCASE,
    address  TEXT NOT NULL
);
CREATE INDEX attempts_by_email ON attempts (kind, email, at);
CREATE INDEX attempts_by_address ON attempts (kind, address, at);

INSERT INTO attempts (kind, at, email, address)
SELECT 'sign-in', at, email, address FROM sign_in_failures;
INSERT INTO attempts (kind, at, email, address)
SELECT 'reset', at, email, address FROM reset_requests;
DROP TABLE sign_in_failures;
DROP TABLE reset_requests;
