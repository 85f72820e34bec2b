-- Accounts and email: the outbox every email goes through, the single-use
-- links emailed to people (invitation, password reset, new email address),
-- and the requests counted for the reset rate limit.

-- An email is written here in the transaction of the change it belongs to
-- and sent by the mail worker; a failed send is retried, never dropped.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    created_at       TEXT NOT NULL,
    template         TEXT NOT NULL,
    from_name        TEXT NOT NULL,
    to_address       TEXT NOT NULL,
    to_name          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL,
    -- The link the email carries, printed in the server log when no SMTP
    -- server is configured, so a school can try Markwell on one machine.
    link             TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    sent_at          TEXT,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- Only a hash of each token is kept: the token itself exists only in the email.
CREATE TABLE account_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invitation', 'password-reset', 'new-email')),
    token_hash  TEXT NOT NULL UNIQUE,
    -- For 'new-email': the address that takes effect once the link is used.
    new_email   TEXT COLLATE NOCASE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);

-- "Send reset password link" requests, counted per email and per address
-- whether or not the email has an account, so the limit reveals nothing.
CREATE TABLE reset_requests (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    email    TEXT NOT NULL COLLATE NOCASE,
    address  TEXT NOT NULL
);
CREATE INDEX reset_requests_by_email ON reset_requests (email, at);
CREATE INDEX reset_requests_by_address ON reset_requests (address, at);

CREATE INDEX audit_log_by_actor ON audit_log (actor_id, at);
