-- Host aggregates (os-aggregates): named groups of hosts with metadata; an aggregate's
-- availability zone becomes its hosts' zone. A host keeps the zone it reports itself in
-- reported_zone, so leaving its last zoned aggregate gives that zone back.
CREATE TABLE aggregates (
  id                serial PRIMARY KEY,
  uuid              text NOT NULL UNIQUE,
  name              text NOT NULL UNIQUE,
  availability_zone text,
  metadata          jsonb NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz
);

CREATE TABLE aggregate_hosts (
  aggregate_id integer NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
  hostname     text NOT NULL,
  PRIMARY KEY (aggregate_id, hostname)
);

ALTER TABLE hosts ADD COLUMN reported_zone text NOT NULL DEFAULT 'nova';
UPDATE hosts SET reported_zone = availability_zone;
