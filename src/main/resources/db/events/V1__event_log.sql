-- The live feed's shared event log: the last dashboard.event-log-size resource events, numbered
-- once for the whole cluster by the sequencer (one controller at a time), so a feed client's
-- cursor replays on any controller. The live path never reads this table; replays of events no
-- longer in a controller's memory do.
CREATE TABLE event_log (
  id         bigint PRIMARY KEY,
  project_id text,
  event      text NOT NULL
);
