-- X-Delete-At of each listed object, so the expirer finds what is due with one index scan
-- (Swift keeps a separate queue account for this; a partial index is the same thing here).
ALTER TABLE objects ADD COLUMN delete_at bigint;
CREATE INDEX objects_expiring ON objects (delete_at) WHERE delete_at IS NOT NULL;
