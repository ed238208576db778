-- Multi-store (Glance's enabled_backends): which stores hold an image's bytes, and which store
-- holds bytes staged by glance-direct. NULL stores: an image written before, in the one store
-- the node had then; the image service fills it in at start.
ALTER TABLE images ADD COLUMN stores text[];
ALTER TABLE images ADD COLUMN staging_store text;
UPDATE images SET stores = '{}' WHERE size IS NULL OR status NOT IN ('active', 'deactivated');
ALTER TABLE images ALTER COLUMN stores SET DEFAULT '{}';

-- Garbage is per store now; '' (rows from before): every enabled store.
ALTER TABLE garbage ADD COLUMN store text NOT NULL DEFAULT '';
ALTER TABLE garbage DROP CONSTRAINT garbage_pkey;
ALTER TABLE garbage ADD PRIMARY KEY (store, object);
