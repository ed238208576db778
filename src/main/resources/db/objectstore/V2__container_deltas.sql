-- Object writes record their effect on the container's counters as rows here instead of
-- updating the one container row (which serialised every write to a container on that row's
-- lock). Readers add the pending rows; a periodic fold moves them into containers.
CREATE TABLE container_deltas (
  id         bigserial PRIMARY KEY,
  account    text NOT NULL,
  container  text COLLATE "C" NOT NULL,
  objects    bigint NOT NULL,
  bytes      bigint NOT NULL
);
CREATE INDEX container_deltas_container ON container_deltas (account, container);
