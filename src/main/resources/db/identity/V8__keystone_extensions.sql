-- Keystone's remaining v3 APIs: trusts, credentials (EC2 included), OAuth1 consumers, policies,
-- domain-specific configuration, endpoint groups, application-credential access rules; and what
-- users and projects were missing: extra attributes, projects acting as domains.

-- A revoked grant ends the user's tokens on that one scope (project, domain or 'system') only.
ALTER TABLE revocations ADD COLUMN scope_id text;

-- Keystone keeps attributes it does not know on users and projects and shows them back.
ALTER TABLE users ADD COLUMN extra jsonb NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN extra jsonb NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN is_domain boolean NOT NULL DEFAULT false;

CREATE TABLE trusts (
  id              text PRIMARY KEY,
  trustor_user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  trustee_user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id      text REFERENCES projects(id) ON DELETE CASCADE,
  impersonation   boolean NOT NULL,
  expires_at      timestamptz,
  remaining_uses  integer,
  allow_redelegation boolean NOT NULL DEFAULT false,
  roles           jsonb NOT NULL DEFAULT '[]',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trusts_trustor ON trusts (trustor_user_id);
CREATE INDEX trusts_trustee ON trusts (trustee_user_id);

-- The blob is AES-256-GCM encrypted with the identity key secret; an ec2 credential is found by
-- the SHA-256 of its access key (also its id when created, as in Keystone).
CREATE TABLE credentials (
  id            text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id    text REFERENCES projects(id) ON DELETE CASCADE,
  type          text NOT NULL,
  blob          bytea NOT NULL,
  access_sha256 text UNIQUE,
  extra         jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credentials_user ON credentials (user_id);

-- The consumer secret is shown once and kept as a bcrypt hash.
CREATE TABLE oauth_consumers (
  id          text PRIMARY KEY,
  description text,
  secret_hash text NOT NULL,
  extra       jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE policies (
  id         text PRIMARY KEY,
  type       text NOT NULL,
  blob       text NOT NULL,
  extra      jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE domain_configs (
  domain_id text PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
  config    jsonb NOT NULL
);

CREATE TABLE endpoint_groups (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  description text,
  filters     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE access_rules (
  id      text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  service text NOT NULL,
  path    text NOT NULL,
  method  text NOT NULL
);
CREATE UNIQUE INDEX access_rules_unique ON access_rules (user_id, service, path, method);

CREATE TABLE application_credential_access_rules (
  application_credential_id text NOT NULL REFERENCES application_credentials(id) ON DELETE CASCADE,
  access_rule_id            text NOT NULL REFERENCES access_rules(id),
  PRIMARY KEY (application_credential_id, access_rule_id)
);
