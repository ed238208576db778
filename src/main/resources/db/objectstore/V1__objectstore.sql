-- Account and container databases of the object store. Names sort bytewise (COLLATE "C") so
-- listings are keyset scans of the primary keys: marker/prefix/end_marker are index ranges.

CREATE TABLE accounts (
  account     text PRIMARY KEY,
  meta        jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE containers (
  account       text NOT NULL,
  name          text COLLATE "C" NOT NULL,
  meta          jsonb NOT NULL DEFAULT '{}',
  object_count  bigint NOT NULL DEFAULT 0,
  bytes_used    bigint NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, name)
);

CREATE TABLE objects (
  account       text NOT NULL,
  container     text COLLATE "C" NOT NULL,
  name          text COLLATE "C" NOT NULL,
  size          bigint NOT NULL,
  etag          text NOT NULL,
  content_type  text NOT NULL,
  ts            text NOT NULL,
  last_modified timestamptz NOT NULL,
  PRIMARY KEY (account, container, name)
);
