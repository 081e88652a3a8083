-- Candybridge schema, version 1 (PostgreSQL). Times are Unix epoch milliseconds unless named *_s,
-- as on SQLite, so one JdbcStore serves both.

CREATE TABLE stripe_event (
  event_id      TEXT    PRIMARY KEY,
  type          TEXT    NOT NULL,
  object_id     TEXT    NOT NULL,
  created_s     BIGINT  NOT NULL,
  api_version   TEXT    NOT NULL,
  payload       TEXT,
  plan_summary  TEXT    NOT NULL,
  received_at   BIGINT  NOT NULL
);
CREATE INDEX stripe_event_object ON stripe_event (object_id, type);

CREATE TABLE delivery (
  id              BIGSERIAL PRIMARY KEY,
  dedupe_key      TEXT    NOT NULL UNIQUE,
  event_id        TEXT    NOT NULL REFERENCES stripe_event (event_id),
  method          TEXT    NOT NULL,
  params          TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  attempt_count   INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  last_error      TEXT,
  claimed_by      TEXT,
  claimed_at      BIGINT,
  lease_until     BIGINT,
  version         BIGINT  NOT NULL DEFAULT 0,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL
);
CREATE INDEX delivery_due ON delivery (status, next_attempt_at);
CREATE INDEX delivery_event ON delivery (event_id);

CREATE TABLE delivery_attempt (
  id               BIGSERIAL PRIMARY KEY,
  delivery_id      BIGINT  NOT NULL REFERENCES delivery (id),
  attempt_number   INTEGER NOT NULL,
  trigger          TEXT    NOT NULL,
  started_at       BIGINT  NOT NULL,
  duration_ms      BIGINT  NOT NULL,
  http_status      INTEGER,
  response_excerpt TEXT,
  error            TEXT,
  verdict          TEXT    NOT NULL,
  UNIQUE (delivery_id, attempt_number)
);
