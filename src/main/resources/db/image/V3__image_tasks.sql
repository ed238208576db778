-- Tasks of images (Glance v2.12 GET /v2/images/{id}/tasks): one per import, with the request that
-- asked for it, so a client can follow an import to its end.
CREATE TABLE image_tasks (
  id         text PRIMARY KEY,
  image_id   text NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  type       text NOT NULL,
  status     text NOT NULL,
  owner      text,
  user_id    text,
  request_id text,
  input      jsonb NOT NULL DEFAULT '{}',
  result     jsonb,
  message    text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  expires_at timestamptz
);
CREATE INDEX image_tasks_image ON image_tasks (image_id, created_at);
