-- Configurable workflows: which workflow planned a delivery, whether it still needs a Stripe API
-- lookup before sending, and every workflow's decision on every event (for history).
ALTER TABLE delivery ADD COLUMN workflow TEXT NOT NULL DEFAULT '';
ALTER TABLE delivery ADD COLUMN needs_lookup INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stripe_event ADD COLUMN decisions TEXT NOT NULL DEFAULT '[]';
