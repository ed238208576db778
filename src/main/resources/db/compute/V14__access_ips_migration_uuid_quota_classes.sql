-- The addresses a server's owner says it is reached at (accessIPv4/accessIPv6: Nova keeps them as
-- given, they configure nothing) and the uuid os-migrations shows from microversion 2.59.

ALTER TABLE instances ADD COLUMN access_ip_v4 text;
ALTER TABLE instances ADD COLUMN access_ip_v6 text;

ALTER TABLE migrations ADD COLUMN uuid text NOT NULL UNIQUE DEFAULT gen_random_uuid()::text;

-- os-quota-class-sets values the quota engine does not hold: every value of a class other than
-- "default" (kept and shown, used by nothing, as in Nova), and the "default" class's keys Nova
-- still shows before 2.50/2.57 and no longer enforces (network and injected-file quotas). The
-- "default" class's enforced limits are the identity service's registered limits.
CREATE TABLE quota_class_values (
  class_name text NOT NULL,
  resource   text NOT NULL,
  hard_limit bigint NOT NULL,
  PRIMARY KEY (class_name, resource)
);
