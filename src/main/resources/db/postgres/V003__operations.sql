-- Operations: a replayed delivery's next attempt is MANUAL (and is not retried automatically).
ALTER TABLE delivery ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
CREATE INDEX delivery_created ON delivery (created_at);
CREATE INDEX stripe_event_received ON stripe_event (received_at);
-- Lease expiry scans in-flight claims on every instance.
CREATE INDEX delivery_lease ON delivery (status, lease_until);
