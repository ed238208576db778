package org.vertstack.identity;

import static org.vertstack.identity.Table.bool;
import static org.vertstack.identity.Table.json;
import static org.vertstack.identity.Table.number;
import static org.vertstack.identity.Table.text;

/** The Keystone collections that are plain table CRUD, by their URL name. */
final class Tables {

  private Tables() {
  }

  static final Table DOMAINS = new Table("domains", "domains", "domain",
    text("name", true, true), text("description", false, true), bool("enabled", true, true), json("tags", true));

  static final Table PROJECTS = new Table("projects", "projects", "project",
    text("name", true, true), text("domain_id", true, false), text("parent_id", true, false),
    text("description", false, true), bool("enabled", true, true), json("tags", true),
    bool("is_domain", true, false), json("extra", false));

  static final Table USERS = new Table("users", "users", "user",
    text("name", true, true), text("domain_id", true, false), bool("enabled", true, true),
    text("default_project_id", false, true), text("description", false, true), text("email", false, true),
    json("extra", false));

  static final Table GROUPS = new Table("groups", "groups", "group",
    text("name", true, true), text("domain_id", true, false), text("description", false, true));

  static final Table ROLES = new Table("roles", "roles", "role",
    text("name", true, true), text("domain_id", true, false), text("description", false, true));

  static final Table REGIONS = new Table("regions", "regions", "region",
    text("description", false, true), text("parent_region_id", true, true));

  static final Table SERVICES = new Table("services", "services", "service",
    text("type", true, true), text("name", true, true), text("description", false, true), bool("enabled", true, true));

  static final Table ENDPOINTS = new Table("endpoints", "endpoints", "endpoint",
    text("service_id", true, true), text("interface", true, true), text("region_id", true, true),
    text("url", false, true), bool("enabled", true, true));

  static final Table REGISTERED_LIMITS = new Table("registered_limits", "registered_limits", "registered_limit",
    text("service_id", true, false), text("region_id", true, false), text("resource_name", true, false),
    number("default_limit", false, true), text("description", false, true));

  static final Table LIMITS = new Table("limits", "limits", "limit",
    text("project_id", true, false), text("domain_id", true, false), text("service_id", true, false),
    text("region_id", true, false), text("resource_name", true, false),
    number("resource_limit", false, true), text("description", false, true));
}
