-- Server actions beyond power: tags, shelving (the image a shelved server boots from again) and
-- resizes (a migration holds the old flavor's allocation until the resize is confirmed or reverted).

ALTER TABLE instances ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE instances ADD COLUMN shelved_image_id text;

CREATE TABLE migrations (
  id             bigserial PRIMARY KEY,
  instance_id    text NOT NULL REFERENCES instances (id),
  host_id        text NOT NULL REFERENCES hosts (id),
  old_flavor     jsonb NOT NULL,
  new_flavor     jsonb NOT NULL,
  -- what the old flavor held on the host while the resize waits for confirmation
  old_vcpus      integer NOT NULL,
  old_memory_mb  bigint NOT NULL,
  old_disk_gb    bigint NOT NULL,
  -- the vm_state a confirm or revert returns to (active or stopped)
  prior_vm_state text NOT NULL,
  status         text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX migrations_open ON migrations (instance_id) WHERE status IN ('migrating', 'finished');
