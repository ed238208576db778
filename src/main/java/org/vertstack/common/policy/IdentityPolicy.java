package org.vertstack.common.policy;

/**
 * Who may do what in the identity API (Keystone v3), shaped like Keystone's secure-RBAC
 * defaults. Target flags set by the identity service:
 * <ul>
 *   <li>{@code target.cloud_project}: the bootstrap admin project or the services' project;</li>
 *   <li>{@code target.cloud_user}: a user or group holding a system role, or any role on a cloud
 *       project (the bootstrap admin and the services' own users);</li>
 *   <li>{@code target.system_grant}: a grant on the system scope.</li>
 * </ul>
 * Domain admins manage users, groups, projects and grants inside their own domain only, and
 * never the cloud's own users and projects: otherwise the admin of the Default domain could
 * reset the cloud admin's password or grant itself admin on the admin project.
 */
public final class IdentityPolicy {

  private IdentityPolicy() {
  }

  private static final String SYSTEM_OR_DOMAIN_READER = "system_reader or domain_reader";
  private static final String MANAGE_IN_DOMAIN = "system_admin or (domain_admin and not target.cloud_project)";
  private static final String MANAGE_USER = "system_admin or (domain_admin and not target.cloud_user)";
  private static final String MANAGE_GROUP = "system_admin or (domain_admin and not target.cloud_user)";
  private static final String MANAGE_MEMBERS = "system_admin or (domain_admin and actor_in_domain and not target.cloud_user)";
  private static final String GRANT = "system_admin or (domain_admin and actor_in_domain and not target.cloud_project"
    + " and not target.system_grant)";

  public static final Policy RULES = Policy.of(
    // without a token: the version documents, issuing a token, changing one's password (the old
    // password is the credential)
    "identity:get_versions", "anyone",
    "identity:authenticate", "anyone",
    "identity:change_password", "anyone",
    // tokens
    "identity:validate_token", "system_reader or owner",
    "identity:revoke_token", "system_admin or owner",
    "identity:get_auth_scopes", "authenticated",
    "identity:get_limit_model", "authenticated",
    // domains: the cloud operator's
    "identity:get_domain", "system_reader or token_domain",
    "identity:list_domains", SYSTEM_OR_DOMAIN_READER,
    "identity:create_domain", "system_admin",
    "identity:update_domain", "system_admin",
    "identity:delete_domain", "system_admin",
    // projects
    "identity:get_project", "system_reader or domain_reader or project_reader",
    "identity:list_projects", SYSTEM_OR_DOMAIN_READER,
    "identity:list_user_projects", "system_reader or domain_reader or owner",
    "identity:create_project", "system_admin or domain_admin",
    "identity:update_project", MANAGE_IN_DOMAIN,
    "identity:delete_project", MANAGE_IN_DOMAIN,
    // users
    "identity:get_user", "system_reader or domain_reader or owner",
    "identity:list_users", SYSTEM_OR_DOMAIN_READER,
    "identity:create_user", "system_admin or domain_admin",
    "identity:update_user", MANAGE_USER,
    "identity:delete_user", MANAGE_USER,
    // service users (a role on the services' project) are disabled or deleted with a system-scoped token only
    "identity:disable_service_user", "system_admin and system_scoped",
    // groups
    "identity:get_group", SYSTEM_OR_DOMAIN_READER,
    "identity:list_groups", SYSTEM_OR_DOMAIN_READER,
    "identity:list_groups_for_user", "system_reader or domain_reader or owner",
    "identity:list_users_in_group", SYSTEM_OR_DOMAIN_READER,
    "identity:check_user_in_group", SYSTEM_OR_DOMAIN_READER,
    "identity:create_group", "system_admin or domain_admin",
    "identity:update_group", MANAGE_GROUP,
    "identity:delete_group", MANAGE_GROUP,
    "identity:add_user_to_group", MANAGE_MEMBERS,
    "identity:remove_user_from_group", MANAGE_MEMBERS,
    // roles and grants
    "identity:get_role", "authenticated",
    "identity:list_roles", "authenticated",
    "identity:create_role", "system_admin",
    "identity:update_role", "system_admin",
    "identity:delete_role", "system_admin",
    "identity:list_role_inference_rules", "system_reader",
    "identity:check_implied_role", "system_reader",
    "identity:create_implied_role", "system_admin",
    "identity:delete_implied_role", "system_admin",
    "identity:check_grant", SYSTEM_OR_DOMAIN_READER,
    "identity:list_grants", SYSTEM_OR_DOMAIN_READER,
    "identity:create_grant", GRANT,
    "identity:revoke_grant", GRANT,
    "identity:list_role_assignments", "system_reader or domain_reader or owner",
    // the catalog: readable by anyone with a token (it is in every token), changed by the operator
    "identity:get_region", "authenticated",
    "identity:list_regions", "authenticated",
    "identity:create_region", "system_admin",
    "identity:update_region", "system_admin",
    "identity:delete_region", "system_admin",
    "identity:get_service", "authenticated",
    "identity:list_services", "authenticated",
    "identity:create_service", "system_admin",
    "identity:update_service", "system_admin",
    "identity:delete_service", "system_admin",
    "identity:get_endpoint", "authenticated",
    "identity:list_endpoints", "authenticated",
    "identity:create_endpoint", "system_admin",
    "identity:update_endpoint", "system_admin",
    "identity:delete_endpoint", "system_admin",
    // limits
    "identity:get_registered_limit", "authenticated",
    "identity:list_registered_limits", "authenticated",
    "identity:create_registered_limit", "system_admin",
    "identity:update_registered_limit", "system_admin",
    "identity:delete_registered_limit", "system_admin",
    "identity:get_limit", "system_reader or domain_reader or project_reader",
    "identity:list_limits", "system_reader or domain_reader or project_reader",
    "identity:create_limit", "system_admin",
    "identity:update_limit", "system_admin",
    "identity:delete_limit", "system_admin",
    // application credentials: their own user's
    "identity:create_application_credential", "owner",
    "identity:get_application_credential", "system_reader or owner",
    "identity:list_application_credentials", "system_reader or owner",
    "identity:delete_application_credential", "system_admin or owner",
    // projects' tags
    "identity:list_project_tags", "system_reader or domain_reader or project_reader",
    "identity:get_project_tag", "system_reader or domain_reader or project_reader",
    "identity:update_project_tags", MANAGE_IN_DOMAIN,
    "identity:create_project_tag", MANAGE_IN_DOMAIN,
    "identity:delete_project_tag", MANAGE_IN_DOMAIN,
    "identity:delete_project_tags", MANAGE_IN_DOMAIN,
    // trusts: the trustor creates and deletes, trustor and trustee read
    "identity:create_trust", "owner",
    "identity:list_trusts", "system_reader",
    "identity:list_trusts_for_trustor", "system_reader or owner",
    "identity:list_trusts_for_trustee", "system_reader or owner",
    "identity:get_trust", "system_reader or owner",
    "identity:delete_trust", "system_admin or owner",
    // credentials (EC2 included): their own user's
    "identity:create_credential", "system_admin or owner",
    "identity:get_credential", "system_reader or owner",
    "identity:list_credentials", "system_reader or owner",
    "identity:update_credential", "system_admin or owner",
    "identity:delete_credential", "system_admin or owner",
    "identity:ec2_create_credential", "system_admin or owner",
    "identity:ec2_get_credential", "system_reader or owner",
    "identity:ec2_list_credentials", "system_reader or owner",
    "identity:ec2_delete_credential", "system_admin or owner",
    // application credential access rules
    "identity:list_access_rules", "system_reader or owner",
    "identity:get_access_rule", "system_reader or owner",
    "identity:delete_access_rule", "system_admin or owner",
    // OAuth1 consumers, policy blobs, endpoint groups, domain configuration: the operator's
    "identity:create_consumer", "system_admin",
    "identity:get_consumer", "system_reader",
    "identity:list_consumers", "system_reader",
    "identity:update_consumer", "system_admin",
    "identity:delete_consumer", "system_admin",
    "identity:create_policy", "system_admin",
    "identity:get_policy", "system_reader",
    "identity:list_policies", "system_reader",
    "identity:update_policy", "system_admin",
    "identity:delete_policy", "system_admin",
    "identity:create_endpoint_group", "system_admin",
    "identity:get_endpoint_group", "system_reader",
    "identity:list_endpoint_groups", "system_reader",
    "identity:update_endpoint_group", "system_admin",
    "identity:delete_endpoint_group", "system_admin",
    "identity:create_domain_config", "system_admin",
    "identity:get_domain_config", "system_reader",
    "identity:get_domain_config_default", "system_reader",
    "identity:update_domain_config", "system_admin",
    "identity:delete_domain_config", "system_admin");



  private static final String V3 = "/identity/v3";

  /** Every route of the identity API and the rule deciding it (the service checks it with the target it loads). */
  public static final RouteRules ROUTES = RouteRules.of(RULES,
    "GET /identity/", "identity:get_versions",
    "GET " + V3, "identity:get_versions",
    "GET " + V3 + "/", "identity:get_versions",
    "POST " + V3 + "/auth/tokens", "identity:authenticate",
    "POST " + V3 + "/users/:id/password", "identity:change_password",
    "GET " + V3 + "/auth/tokens", "identity:validate_token",
    "HEAD " + V3 + "/auth/tokens", "identity:validate_token",
    "DELETE " + V3 + "/auth/tokens", "identity:revoke_token",
    "GET " + V3 + "/auth/*", "identity:get_auth_scopes",
    "GET " + V3 + "/limits/model", "identity:get_limit_model",
    "GET " + V3 + "/role_assignments", "identity:list_role_assignments",
    "GET " + V3 + "/role_inferences", "identity:list_role_inference_rules",
    "GET " + V3 + "/roles/:prior/implies", "identity:list_role_inference_rules",
    "PUT " + V3 + "/roles/:prior/implies/:implied", "identity:create_implied_role",
    "GET " + V3 + "/roles/:prior/implies/:implied", "identity:check_implied_role",
    "HEAD " + V3 + "/roles/:prior/implies/:implied", "identity:check_implied_role",
    "DELETE " + V3 + "/roles/:prior/implies/:implied", "identity:delete_implied_role",
    "GET " + V3 + "/groups/:group/users", "identity:list_users_in_group",
    "GET " + V3 + "/users/:user/groups", "identity:list_groups_for_user",
    "PUT " + V3 + "/groups/:group/users/:user", "identity:add_user_to_group",
    "HEAD " + V3 + "/groups/:group/users/:user", "identity:check_user_in_group",
    "DELETE " + V3 + "/groups/:group/users/:user", "identity:remove_user_from_group",
    "GET " + V3 + "/users/:user/projects", "identity:list_user_projects",
    "POST " + V3 + "/users/:user/application_credentials", "identity:create_application_credential",
    "GET " + V3 + "/users/:user/application_credentials", "identity:list_application_credentials",
    "GET " + V3 + "/users/:user/application_credentials/:id", "identity:get_application_credential",
    "DELETE " + V3 + "/users/:user/application_credentials/:id", "identity:delete_application_credential",
    // the extensions: trusts, credentials, OAuth1 consumers, policies, endpoint groups, domain configuration,
    // access rules, project tags, regions with a given id (before the grants: a trust's roles are not a grant)
    "POST " + V3 + "/OS-TRUST/trusts", "identity:create_trust",
    "GET " + V3 + "/OS-TRUST/trusts", "identity:list_trusts",
    "GET " + V3 + "/OS-TRUST/trusts/:id", "identity:get_trust",
    "DELETE " + V3 + "/OS-TRUST/trusts/:id", "identity:delete_trust",
    "GET " + V3 + "/OS-TRUST/trusts/:id/roles", "identity:get_trust",
    "GET " + V3 + "/OS-TRUST/trusts/:id/roles/:role", "identity:get_trust",
    "HEAD " + V3 + "/OS-TRUST/trusts/:id/roles/:role", "identity:get_trust",
    "POST " + V3 + "/credentials", "identity:create_credential",
    "GET " + V3 + "/credentials", "identity:list_credentials",
    "GET " + V3 + "/credentials/:id", "identity:get_credential",
    "PATCH " + V3 + "/credentials/:id", "identity:update_credential",
    "DELETE " + V3 + "/credentials/:id", "identity:delete_credential",
    "POST " + V3 + "/users/:user/credentials/OS-EC2", "identity:ec2_create_credential",
    "GET " + V3 + "/users/:user/credentials/OS-EC2", "identity:ec2_list_credentials",
    "GET " + V3 + "/users/:user/credentials/OS-EC2/:access", "identity:ec2_get_credential",
    "DELETE " + V3 + "/users/:user/credentials/OS-EC2/:access", "identity:ec2_delete_credential",
    "POST " + V3 + "/OS-OAUTH1/consumers", "identity:create_consumer",
    "GET " + V3 + "/OS-OAUTH1/consumers", "identity:list_consumers",
    "GET " + V3 + "/OS-OAUTH1/consumers/:id", "identity:get_consumer",
    "PATCH " + V3 + "/OS-OAUTH1/consumers/:id", "identity:update_consumer",
    "DELETE " + V3 + "/OS-OAUTH1/consumers/:id", "identity:delete_consumer",
    "POST " + V3 + "/policies", "identity:create_policy",
    "GET " + V3 + "/policies", "identity:list_policies",
    "GET " + V3 + "/policies/:id", "identity:get_policy",
    "PATCH " + V3 + "/policies/:id", "identity:update_policy",
    "DELETE " + V3 + "/policies/:id", "identity:delete_policy",
    "POST " + V3 + "/OS-EP-FILTER/endpoint_groups", "identity:create_endpoint_group",
    "GET " + V3 + "/OS-EP-FILTER/endpoint_groups", "identity:list_endpoint_groups",
    "GET " + V3 + "/OS-EP-FILTER/endpoint_groups/:id", "identity:get_endpoint_group",
    "HEAD " + V3 + "/OS-EP-FILTER/endpoint_groups/:id", "identity:get_endpoint_group",
    "PATCH " + V3 + "/OS-EP-FILTER/endpoint_groups/:id", "identity:update_endpoint_group",
    "DELETE " + V3 + "/OS-EP-FILTER/endpoint_groups/:id", "identity:delete_endpoint_group",
    "GET " + V3 + "/domains/config/*default", "identity:get_domain_config_default",
    "PUT " + V3 + "/domains/:domain/config", "identity:create_domain_config",
    "GET " + V3 + "/domains/:domain/config*", "identity:get_domain_config",
    "HEAD " + V3 + "/domains/:domain/config*", "identity:get_domain_config",
    "PATCH " + V3 + "/domains/:domain/config*", "identity:update_domain_config",
    "DELETE " + V3 + "/domains/:domain/config*", "identity:delete_domain_config",
    "GET " + V3 + "/users/:user/access_rules", "identity:list_access_rules",
    "GET " + V3 + "/users/:user/access_rules/:id", "identity:get_access_rule",
    "DELETE " + V3 + "/users/:user/access_rules/:id", "identity:delete_access_rule",
    "GET " + V3 + "/projects/:project/tags", "identity:list_project_tags",
    "PUT " + V3 + "/projects/:project/tags", "identity:update_project_tags",
    "DELETE " + V3 + "/projects/:project/tags", "identity:delete_project_tags",
    "PUT " + V3 + "/projects/:project/tags/:tag", "identity:create_project_tag",
    "GET " + V3 + "/projects/:project/tags/:tag", "identity:get_project_tag",
    "HEAD " + V3 + "/projects/:project/tags/:tag", "identity:get_project_tag",
    "DELETE " + V3 + "/projects/:project/tags/:tag", "identity:delete_project_tag",
    "PUT " + V3 + "/regions/:id", "identity:create_region",
    "POST " + V3 + "/ec2tokens", "identity:authenticate",
    // grants on projects, domains and the system, direct and inherited
    "GET " + V3 + "/*/roles", "identity:list_grants",
    "GET " + V3 + "/*/roles/inherited_to_projects", "identity:list_grants",
    "PUT " + V3 + "/*/roles/:role*", "identity:create_grant",
    "GET " + V3 + "/*/roles/:role*", "identity:check_grant",
    "HEAD " + V3 + "/*/roles/:role*", "identity:check_grant",
    "DELETE " + V3 + "/*/roles/:role*", "identity:revoke_grant",
    // the collections: identity:list_projects, identity:get_user, ...
    "GET " + V3 + "/:collection", "identity:list_*",
    "POST " + V3 + "/:collection", "identity:create_*",
    "GET " + V3 + "/:collection/:id", "identity:get_*",
    "HEAD " + V3 + "/:collection/:id", "identity:get_*",
    "PATCH " + V3 + "/:collection/:id", "identity:update_*",
    "DELETE " + V3 + "/:collection/:id", "identity:delete_*");
}
