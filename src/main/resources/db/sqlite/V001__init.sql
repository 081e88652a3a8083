-- Candybridge schema, version 1 (SQLite). Times are Unix epoch milliseconds unless named *_s.

CREATE TABLE stripe_event (
  event_id      TEXT    PRIMARY KEY,         -- evt_…: the ingress dedupe key
  type          TEXT    NOT NULL,
  object_id     TEXT    NOT NULL,            -- data.object.id (cs_… for sessions)
  created_s     INTEGER NOT NULL,            -- Stripe's created, Unix seconds
  api_version   TEXT    NOT NULL,
  payload       TEXT,                        -- exact signed body; purged after retention
  plan_summary  TEXT    NOT NULL,            -- what the workflows decided, e-mail free
  received_at   INTEGER NOT NULL
);
CREATE INDEX stripe_event_object ON stripe_event (object_id, type);

CREATE TABLE delivery (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key      TEXT    NOT NULL UNIQUE,   -- purchase:cs_…: one sale, one purchase
  event_id        TEXT    NOT NULL REFERENCES stripe_event (event_id),
  method          TEXT    NOT NULL,
  params          TEXT    NOT NULL,          -- JSON object of the business parameters
  status          TEXT    NOT NULL,
  attempt_count   INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  claimed_by      TEXT,
  claimed_at      INTEGER,
  lease_until     INTEGER,
  version         INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX delivery_due ON delivery (status, next_attempt_at);
CREATE INDEX delivery_event ON delivery (event_id);

CREATE TABLE delivery_attempt (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id      INTEGER NOT NULL REFERENCES delivery (id),
  attempt_number   INTEGER NOT NULL,
  trigger          TEXT    NOT NULL,
  started_at       INTEGER NOT NULL,
  duration_ms      INTEGER NOT NULL,
  http_status      INTEGER,
  response_excerpt TEXT,
  error            TEXT,
  verdict          TEXT    NOT NULL,
  UNIQUE (delivery_id, attempt_number)
);
