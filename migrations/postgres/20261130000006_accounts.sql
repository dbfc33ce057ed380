-- PostgreSQL twin of migrations/sqlite/20261130000006_accounts.sql.

-- Accounts people expect: every session remembers the epoch of the person
-- it signed in; raising the person's epoch (a password changed or reset)
-- ends every session begun before.
ALTER TABLE people ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;

-- One-time links with which a person sets a new password, made by the
-- ambassador. Only the SHA-256 digest of the token is stored; the link
-- works once, until `expires_at` (UTC, `YYYY-MM-DDTHH:MM:SSZ`, bound by the
-- server).
CREATE TABLE password_resets (
    token_hash TEXT   PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_by BIGINT NOT NULL REFERENCES people (id),
    expires_at TEXT   NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_resets_person ON password_resets (person_id);
