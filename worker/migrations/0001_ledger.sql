-- Tollgate ledger of record (D1). Money is TEXT holding an exact decimal
-- string; times are TEXT in RFC 3339 UTC. Every table is keyed by tenant.

CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  home        TEXT NOT NULL CHECK (length(home) = 2),
  currency    TEXT NOT NULL DEFAULT 'USD',
  webhook_url TEXT,
  created_at  TEXT NOT NULL
);

CREATE TABLE users (
  tenant_id     TEXT NOT NULL REFERENCES tenants(id),
  id            TEXT NOT NULL,
  email         TEXT NOT NULL,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash TEXT,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (email)
);

CREATE TABLE numbers (
  tenant_id      TEXT NOT NULL REFERENCES tenants(id),
  number         TEXT NOT NULL,
  user_id        TEXT,
  contract       TEXT NOT NULL CHECK (contract IN ('monthly', 'annual', 'inbound')),
  contract_start TEXT NOT NULL,
  contract_end   TEXT,
  released_at    TEXT,
  PRIMARY KEY (tenant_id, number)
);

CREATE TABLE subscriptions (
  tenant_id      TEXT NOT NULL REFERENCES tenants(id),
  id             TEXT NOT NULL,
  product        TEXT NOT NULL,
  user_id        TEXT,
  quantity       INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
  unit_price     TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  effective_to   TEXT,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE cdrs (
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  call_id     TEXT NOT NULL,
  user_id     TEXT,
  dialled     TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  started_at  TEXT NOT NULL,
  seconds     INTEGER NOT NULL CHECK (seconds >= 0),
  received_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, call_id)
);

CREATE TABLE charges (
  tenant_id  TEXT NOT NULL REFERENCES tenants(id),
  call_id    TEXT NOT NULL,
  line       INTEGER NOT NULL,
  covered_by TEXT NOT NULL,
  minutes    INTEGER NOT NULL DEFAULT 0,
  amount     TEXT NOT NULL,
  currency   TEXT NOT NULL,
  cycle      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, call_id, line)
);

CREATE TABLE invoices (
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  id          TEXT NOT NULL,
  cycle_start TEXT NOT NULL,
  cycle_end   TEXT NOT NULL,
  total       TEXT NOT NULL,
  currency    TEXT NOT NULL,
  body        TEXT NOT NULL,
  issued_at   TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, cycle_start)
);

CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id  TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '{}',
  at         TEXT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);

CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL REFERENCES tenants(id),
  hash        TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);
