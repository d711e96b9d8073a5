-- The portal's part of the ledger: sessions, idempotency records of writes,
-- billing changes (for the prorated lines of the next invoice) and the
-- notifications inbox. Users, invoices and the audit log are in 0001.
-- Times are TEXT in RFC 3339 UTC with nanoseconds ("...T09:30:00.000000000Z")
-- so that they compare as strings.

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,            -- hex SHA-256 of the session token
  tenant_id  TEXT NOT NULL REFERENCES tenants(id),
  user_id    TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE idempotency (
  tenant_id    TEXT NOT NULL REFERENCES tenants(id),
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT NOT NULL,
  at           TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
);

CREATE TABLE billing_changes (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  at        TEXT NOT NULL,
  body      TEXT NOT NULL                 -- JSON of core/billing.Change
);
CREATE INDEX billing_changes_tenant ON billing_changes (tenant_id, at);

CREATE TABLE notifications (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  id        TEXT NOT NULL,
  kind      TEXT NOT NULL,
  message   TEXT NOT NULL,
  at        TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX notifications_tenant ON notifications (tenant_id, at);

CREATE INDEX users_tenant ON users (tenant_id);
CREATE INDEX cdrs_tenant_start ON cdrs (tenant_id, started_at);
