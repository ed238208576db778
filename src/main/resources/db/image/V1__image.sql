-- Image (Glance v2) owns this schema. Ids are UUIDs like Glance's; bytes live in the object store.

CREATE TABLE images (
  id               text PRIMARY KEY,
  name             text,
  owner            text,
  status           text NOT NULL,
  visibility       text NOT NULL,
  protected        boolean NOT NULL DEFAULT false,
  os_hidden        boolean NOT NULL DEFAULT false,
  disk_format      text,
  container_format text,
  min_disk         integer NOT NULL DEFAULT 0,
  min_ram          integer NOT NULL DEFAULT 0,
  size             bigint,
  virtual_size     bigint,
  checksum         text,
  os_hash_algo     text,
  os_hash_value    text,
  tags             text[] NOT NULL DEFAULT '{}',
  properties       jsonb NOT NULL DEFAULT '{}',
  -- which upload currently owns the bytes (so a stale upload cannot overwrite a newer one)
  upload_id        text,
  -- bytes staged by glance-direct, waiting for an import call
  staged           boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at       timestamptz NOT NULL DEFAULT date_trunc('second', now())
);
CREATE INDEX images_owner ON images (owner);
CREATE INDEX images_visibility ON images (visibility);
CREATE INDEX images_created ON images (created_at DESC, id DESC);
CREATE INDEX images_name ON images (name);

CREATE TABLE members (
  image_id   text NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  member     text NOT NULL,
  status     text NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  PRIMARY KEY (image_id, member)
);
CREATE INDEX members_member ON members (member, status);

-- Bytes that must be removed from the store (failed uploads, deleted images); retried until gone.
CREATE TABLE garbage (
  object     text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
