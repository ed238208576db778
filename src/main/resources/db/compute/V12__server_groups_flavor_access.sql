-- Server groups (Nova's os-server-groups) and what the scheduler needs to honour them atomically;
-- flavor extra specs and private flavors' project access.

CREATE TABLE server_groups (
  id          text PRIMARY KEY,
  project_id  text NOT NULL,
  user_id     text NOT NULL,
  name        text NOT NULL,
  policy      text NOT NULL CHECK (policy IN ('affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity')),
  rules       jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX server_groups_project ON server_groups (project_id);

-- An instance is in at most one group (Nova's scheduler hint names one).
CREATE TABLE server_group_members (
  instance_id text PRIMARY KEY REFERENCES instances (id),
  group_id    text NOT NULL REFERENCES server_groups (id) ON DELETE CASCADE
);
CREATE INDEX server_group_members_group ON server_group_members (group_id);

-- How many of a hard-policy group's members each host holds, written by the claim statement itself:
-- a second host row of an affinity group (the unique index) or one member too many on a host of an
-- anti-affinity group (the CHECK) aborts the claim, so two concurrent boots cannot both break the policy
-- (a plain NOT EXISTS in the claim would read a snapshot from before the other boot's claim committed).
CREATE TABLE server_group_hosts (
  group_id    text NOT NULL REFERENCES server_groups (id) ON DELETE CASCADE,
  host_id     text NOT NULL,
  affinity    boolean NOT NULL,
  members     integer NOT NULL,
  max_members integer NOT NULL,
  PRIMARY KEY (group_id, host_id),
  CHECK (members >= 0 AND members <= max_members)
);
CREATE UNIQUE INDEX server_group_hosts_one_affinity_host ON server_group_hosts (group_id) WHERE affinity AND members > 0;

CREATE TABLE flavor_extra_specs (
  flavor_id text NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
  key       text NOT NULL,
  value     text NOT NULL,
  PRIMARY KEY (flavor_id, key)
);

CREATE TABLE flavor_projects (
  flavor_id  text NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
  project_id text NOT NULL,
  PRIMARY KEY (flavor_id, project_id)
);
