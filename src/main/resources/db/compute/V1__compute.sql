-- The compute service (Nova v2.1): flavors, key pairs, hosts with their inventory and
-- heartbeats, instances with Nova's state fields, placement-style allocations, the action log.

CREATE TABLE flavors (
  id           text PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  vcpus        integer NOT NULL CHECK (vcpus > 0),
  ram_mb       integer NOT NULL CHECK (ram_mb > 0),
  disk_gb      integer NOT NULL CHECK (disk_gb >= 0),
  ephemeral_gb integer NOT NULL DEFAULT 0,
  swap_mb      integer NOT NULL DEFAULT 0,
  rxtx_factor  double precision NOT NULL DEFAULT 1.0,
  is_public    boolean NOT NULL DEFAULT true,
  description  text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE keypairs (
  user_id     text NOT NULL,
  name        text NOT NULL,
  type        text NOT NULL DEFAULT 'ssh',
  public_key  text NOT NULL,
  fingerprint text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, name)
);

-- One row per compute node. *_used is what allocations hold; a claim is one conditional UPDATE.
CREATE TABLE hosts (
  id                 text PRIMARY KEY,
  hostname           text NOT NULL UNIQUE,
  hypervisor_type    text NOT NULL,
  hypervisor_version bigint NOT NULL DEFAULT 0,
  host_ip            text NOT NULL DEFAULT '127.0.0.1',
  vcpus              integer NOT NULL,
  memory_mb          bigint NOT NULL,
  disk_gb            bigint NOT NULL,
  vcpus_used         integer NOT NULL DEFAULT 0,
  memory_mb_used     bigint NOT NULL DEFAULT 0,
  disk_gb_used       bigint NOT NULL DEFAULT 0,
  cpu_ratio          double precision NOT NULL DEFAULT 4.0,
  ram_ratio          double precision NOT NULL DEFAULT 1.0,
  disk_ratio         double precision NOT NULL DEFAULT 1.0,
  availability_zone  text NOT NULL DEFAULT 'nova',
  enabled            boolean NOT NULL DEFAULT true,
  disabled_reason    text,
  forced_down        boolean NOT NULL DEFAULT false,
  last_heartbeat     timestamptz NOT NULL DEFAULT now(),
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (vcpus_used >= 0 AND memory_mb_used >= 0 AND disk_gb_used >= 0)
);

CREATE TABLE instances (
  id                text PRIMARY KEY,
  project_id        text NOT NULL,
  user_id           text NOT NULL,
  name              text NOT NULL,
  description       text,
  image_ref         text NOT NULL,
  flavor            jsonb NOT NULL,
  key_name          text,
  key_data          text,
  user_data         text,
  metadata          jsonb NOT NULL DEFAULT '{}',
  availability_zone text,
  requested_az      text,
  host_id           text,
  host              text,
  vm_state          text NOT NULL,
  task_state        text,
  power_state       integer NOT NULL DEFAULT 0,
  locked            boolean NOT NULL DEFAULT false,
  locked_by         text,
  locked_reason     text,
  fault             jsonb,
  attempts          integer NOT NULL DEFAULT 0,
  reservation_id    text NOT NULL,
  launch_index      integer NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  launched_at       timestamptz,
  terminated_at     timestamptz,
  deleted           boolean NOT NULL DEFAULT false
);
CREATE INDEX instances_project ON instances (project_id, created_at, id);
CREATE INDEX instances_host ON instances (host_id) WHERE NOT deleted;
CREATE INDEX instances_updated ON instances (updated_at);

-- What each instance holds on its host (released on delete, failed build or reschedule).
CREATE TABLE allocations (
  instance_id text PRIMARY KEY REFERENCES instances (id),
  host_id     text NOT NULL REFERENCES hosts (id),
  vcpus       integer NOT NULL,
  memory_mb   bigint NOT NULL,
  disk_gb     bigint NOT NULL
);

CREATE TABLE instance_actions (
  id          bigserial PRIMARY KEY,
  instance_id text NOT NULL,
  action      text NOT NULL,
  request_id  text NOT NULL,
  user_id     text,
  project_id  text,
  start_time  timestamptz NOT NULL DEFAULT now(),
  finish_time timestamptz,
  result      text,
  message     text
);
CREATE INDEX instance_actions_instance ON instance_actions (instance_id, start_time);
