-- Metadata definitions (Glance's /v2/metadefs): namespaces of property/object/tag definitions
-- that clients (e.g. a dashboard) offer when editing images, flavors or volumes.

CREATE TABLE metadef_namespaces (
  namespace    text PRIMARY KEY,
  display_name text,
  description  text,
  visibility   text NOT NULL DEFAULT 'private',
  protected    boolean NOT NULL DEFAULT false,
  owner        text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at   timestamptz NOT NULL DEFAULT date_trunc('second', now())
);
CREATE INDEX metadef_namespaces_owner ON metadef_namespaces (owner);

CREATE TABLE metadef_resource_types (
  name       text PRIMARY KEY,
  protected  boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('second', now())
);
-- the resource types Glance ships with
INSERT INTO metadef_resource_types (name, protected) VALUES
  ('OS::Glance::Image', true), ('OS::Cinder::Volume', true), ('OS::Nova::Flavor', true),
  ('OS::Nova::Aggregate', true), ('OS::Nova::Server', true);

CREATE TABLE metadef_associations (
  namespace         text NOT NULL REFERENCES metadef_namespaces (namespace) ON DELETE CASCADE ON UPDATE CASCADE,
  resource_type     text NOT NULL REFERENCES metadef_resource_types (name),
  prefix            text,
  properties_target text,
  created_at        timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at        timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  PRIMARY KEY (namespace, resource_type)
);
CREATE INDEX metadef_associations_type ON metadef_associations (resource_type);

-- Objects, properties and tags of a namespace: each a named JSON definition of one kind.
CREATE TABLE metadef_items (
  namespace  text NOT NULL REFERENCES metadef_namespaces (namespace) ON DELETE CASCADE ON UPDATE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('object', 'property', 'tag')),
  name       text NOT NULL,
  body       jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
  PRIMARY KEY (namespace, kind, name)
);
