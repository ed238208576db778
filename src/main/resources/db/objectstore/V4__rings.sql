-- The cloud's object ring, defined once for every node: each change (a storage node's devices
-- registered, an endpoint moved) is a new version; nodes use the newest. The ring document holds
-- the devices, zones, weights, partition power, replicas, the partition table and the hash salt
-- (empty for a ring made before salting, so existing objects are still found).
CREATE TABLE rings (
  version    bigint PRIMARY KEY,
  ring       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
