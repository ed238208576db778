-- Identity (Keystone v3) owns this schema. Ids are 32-char hex like Keystone's, except the
-- bootstrap domain 'default'.

CREATE TABLE domains (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  enabled     boolean NOT NULL DEFAULT true,
  tags        jsonb NOT NULL DEFAULT '[]',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX domains_name ON domains (lower(name));

CREATE TABLE projects (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  domain_id   text NOT NULL REFERENCES domains(id),
  parent_id   text REFERENCES projects(id),
  description text NOT NULL DEFAULT '',
  enabled     boolean NOT NULL DEFAULT true,
  tags        jsonb NOT NULL DEFAULT '[]',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX projects_name ON projects (domain_id, lower(name));

CREATE TABLE users (
  id                  text PRIMARY KEY,
  name                text NOT NULL,
  domain_id           text NOT NULL REFERENCES domains(id),
  password_hash       text,
  enabled             boolean NOT NULL DEFAULT true,
  default_project_id  text,
  description         text,
  email               text,
  failed_attempts     integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  password_changed_at timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_name ON users (domain_id, lower(name));

CREATE TABLE groups (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  domain_id   text NOT NULL REFERENCES domains(id),
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX groups_name ON groups (domain_id, lower(name));

CREATE TABLE group_members (
  group_id text NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id  text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);

CREATE TABLE roles (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  domain_id   text REFERENCES domains(id),
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roles_name ON roles (coalesce(domain_id, ''), lower(name));

CREATE TABLE implied_roles (
  prior_role_id   text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  implied_role_id text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  PRIMARY KEY (prior_role_id, implied_role_id)
);

-- actor_type: user | group; target_type: project | domain | system (target_id 'all').
CREATE TABLE assignments (
  actor_type  text NOT NULL,
  actor_id    text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  role_id     text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  inherited   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (actor_type, actor_id, target_type, target_id, role_id, inherited)
);
CREATE INDEX assignments_target ON assignments (target_type, target_id);

CREATE TABLE regions (
  id               text PRIMARY KEY,
  description      text NOT NULL DEFAULT '',
  parent_region_id text REFERENCES regions(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE services (
  id          text PRIMARY KEY,
  type        text NOT NULL,
  name        text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  enabled     boolean NOT NULL DEFAULT true,
  managed     boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE endpoints (
  id         text PRIMARY KEY,
  service_id text NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  interface  text NOT NULL,
  region_id  text REFERENCES regions(id),
  url        text NOT NULL,
  enabled    boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE application_credentials (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  user_id      text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id   text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  secret_hash  text NOT NULL,
  description  text,
  expires_at   timestamptz,
  unrestricted boolean NOT NULL DEFAULT false,
  roles        jsonb NOT NULL DEFAULT '[]',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_creds_name ON application_credentials (user_id, name);

CREATE TABLE revocations (
  id            bigserial PRIMARY KEY,
  audit_id      text,
  user_id       text,
  project_id    text,
  issued_before timestamptz,
  expires_at    timestamptz NOT NULL
);

CREATE TABLE registered_limits (
  id            text PRIMARY KEY,
  service_id    text NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  region_id     text REFERENCES regions(id),
  resource_name text NOT NULL,
  default_limit bigint NOT NULL,
  description   text
);
CREATE UNIQUE INDEX registered_limits_unique ON registered_limits (service_id, coalesce(region_id, ''), resource_name);

CREATE TABLE limits (
  id             text PRIMARY KEY,
  project_id     text REFERENCES projects(id) ON DELETE CASCADE,
  domain_id      text REFERENCES domains(id) ON DELETE CASCADE,
  service_id     text NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  region_id      text REFERENCES regions(id),
  resource_name  text NOT NULL,
  resource_limit bigint NOT NULL,
  description    text
);
CREATE UNIQUE INDEX limits_unique ON limits (coalesce(project_id, ''), coalesce(domain_id, ''), service_id, coalesce(region_id, ''), resource_name);

-- The quota engine's usage counters, one row per project, service type and resource.
CREATE TABLE quota_usage (
  project_id    text NOT NULL,
  service_type  text NOT NULL,
  resource_name text NOT NULL,
  in_use        bigint NOT NULL DEFAULT 0 CHECK (in_use >= 0),
  PRIMARY KEY (project_id, service_type, resource_name)
);
