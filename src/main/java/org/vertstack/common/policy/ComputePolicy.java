package org.vertstack.common.policy;

/**
 * Who may do what in the compute API (Nova v2.1), after Nova's secure-RBAC defaults: a project's
 * readers list and show its servers, its members create and act on them, the cloud's admin does
 * everything and sees every project ({@code all_tenants}). The target of a server rule is the
 * server's project; of a listing, the project listed (the caller's own unless an admin asks
 * for another). Another project's server is a 404, as in Nova.
 */
public final class ComputePolicy {

  private ComputePolicy() {
  }

  private static final String P = "os_compute_api:";
  private static final String READ = "system_reader or project_reader";
  private static final String WRITE = "system_admin or project_member";
  private static final String ADMIN_OR_OWN = "system_admin or project_reader";

  /** Typing into a guest is changing it: the project's members (and the cloud's admins), as in Nova. */
  public static final String SERIAL_CONSOLE = P + "os-remote-consoles";

  public static final Policy RULES = Policy.of(
    P + "versions", "anyone",
    // flavors: public ones readable by all, managed by the operator
    P + "flavors:index", "reader",
    P + "flavors:show", "authenticated",
    P + "os-flavor-manage:create", "system_admin",
    P + "os-flavor-manage:delete", "system_admin",
    P + "os-flavor-extra-specs:index", "authenticated",
    P + "os-flavor-extra-specs:show", "authenticated",
    P + "os-flavor-extra-specs:create", "system_admin",
    P + "os-flavor-extra-specs:update", "system_admin",
    P + "os-flavor-extra-specs:delete", "system_admin",
    // private flavors: the admin sees them all and says which projects may use one
    P + "os-flavor-access:list_private", "system_admin",
    P + "os-flavor-access", "system_admin",
    P + "os-flavor-access:add_tenant_access", "system_admin",
    P + "os-flavor-access:remove_tenant_access", "system_admin",
    // key pairs: the caller's own user's
    P + "os-keypairs:index", "reader",
    P + "os-keypairs:show", "reader",
    P + "os-keypairs:create", "member",
    P + "os-keypairs:delete", "member",
    P + "os-keypairs:other_user", "system_admin",
    // servers
    P + "servers:index", ADMIN_OR_OWN,
    P + "servers:detail", ADMIN_OR_OWN,
    P + "servers:index:get_all_tenants", "system_admin",
    P + "servers:allow_all_filters", "system_admin",
    P + "servers:show", READ,
    P + "servers:create", "project_member",
    P + "servers:update", WRITE,
    P + "servers:delete", WRITE,
    P + "servers:action", WRITE,
    P + "os-extended-server-attributes", "system_admin",
    P + "os-lock-server:unlock:unlock_override", "system_admin",
    P + "os-deferred-delete:force", "system_admin",
    P + "os-instance-actions:list", READ,
    P + "os-instance-actions:show", READ,
    P + "os-instance-actions:events:details", "system_admin",
    P + "servers:create_image", WRITE,
    P + "servers:rebuild", WRITE,
    P + "servers:resize", WRITE,
    P + "servers:confirm_resize", WRITE,
    P + "servers:revert_resize", WRITE,
    P + "os-shelve:shelve", WRITE,
    P + "os-shelve:shelve_offload", WRITE,
    P + "os-shelve:unshelve", WRITE,
    P + "os-deferred-delete:restore", WRITE,
    P + "os-admin-actions:reset_state", "system_admin",
    SERIAL_CONSOLE, WRITE,
    P + "server-metadata:index", READ,
    P + "server-metadata:show", READ,
    P + "server-metadata:create", WRITE,
    P + "server-metadata:update_all", WRITE,
    P + "server-metadata:update", WRITE,
    P + "server-metadata:delete", WRITE,
    P + "os-server-tags:index", READ,
    P + "os-server-tags:show", READ,
    P + "os-server-tags:update_all", WRITE,
    P + "os-server-tags:update", WRITE,
    P + "os-server-tags:delete_all", WRITE,
    P + "os-server-tags:delete", WRITE,
    P + "os-security-groups:list", READ,
    // server groups: a project's, as its servers (all_projects lists every project's, for the admin)
    P + "os-server-groups:index", ADMIN_OR_OWN,
    P + "os-server-groups:index:all_projects", "system_admin",
    P + "os-server-groups:show", READ,
    P + "os-server-groups:create", "project_member",
    P + "os-server-groups:delete", WRITE,
    P + "os-server-password:show", READ,
    P + "os-server-password:clear", WRITE,
    // limits, quotas, usage: one's own project, or any for the admin
    P + "limits", ADMIN_OR_OWN,
    P + "os-quota-sets:show", ADMIN_OR_OWN,
    P + "os-quota-sets:detail", ADMIN_OR_OWN,
    P + "os-quota-sets:defaults", ADMIN_OR_OWN,
    P + "os-quota-sets:update", "system_admin",
    P + "os-simple-tenant-usage:list", "system_admin",
    P + "os-simple-tenant-usage:show", ADMIN_OR_OWN,
    // the cloud's hosts: the operator's
    P + "os-availability-zone:list", "reader",
    P + "os-availability-zone:detail", "system_admin",  // lists the hosts, as Nova's default ADMIN
    P + "os-hypervisors:list", "system_admin",
    P + "os-hypervisors:list-detail", "system_admin",
    P + "os-hypervisors:search", "system_admin",
    P + "os-hypervisors:show", "system_admin",
    P + "os-hypervisors:uptime", "system_admin",
    P + "os-hypervisors:statistics", "system_admin",
    P + "os-hypervisors:servers", "system_admin",
    P + "os-services:list", "system_admin",
    P + "os-services:update", "system_admin",
    P + "os-aggregates:index", "system_admin");

  private static final String V = "/compute/v2.1";

  public static final RouteRules ROUTES = RouteRules.of(RULES,
    "GET /compute/", P + "versions",
    "GET " + V, P + "versions",
    "GET " + V + "/", P + "versions",
    "GET /compute/v2/", P + "versions",
    "GET " + V + "/flavors", P + "flavors:index",
    "GET " + V + "/flavors/detail", P + "flavors:index",
    "GET " + V + "/flavors/:id", P + "flavors:show",
    "POST " + V + "/flavors", P + "os-flavor-manage:create",
    "DELETE " + V + "/flavors/:id", P + "os-flavor-manage:delete",
    "GET " + V + "/flavors/:id/os-extra_specs", P + "os-flavor-extra-specs:index",
    "POST " + V + "/flavors/:id/os-extra_specs", P + "os-flavor-extra-specs:create",
    "GET " + V + "/flavors/:id/os-extra_specs/:key", P + "os-flavor-extra-specs:show",
    "PUT " + V + "/flavors/:id/os-extra_specs/:key", P + "os-flavor-extra-specs:update",
    "DELETE " + V + "/flavors/:id/os-extra_specs/:key", P + "os-flavor-extra-specs:delete",
    "GET " + V + "/flavors/:id/os-flavor-access", P + "os-flavor-access",
    // the body names the action: addTenantAccess or removeTenantAccess (the same rule's table entry)
    "POST " + V + "/flavors/:id/action", P + "os-flavor-access:add_tenant_access",
    "GET " + V + "/os-server-groups", P + "os-server-groups:index",
    "POST " + V + "/os-server-groups", P + "os-server-groups:create",
    "GET " + V + "/os-server-groups/:id", P + "os-server-groups:show",
    "DELETE " + V + "/os-server-groups/:id", P + "os-server-groups:delete",
    "GET " + V + "/os-keypairs", P + "os-keypairs:index",
    "POST " + V + "/os-keypairs", P + "os-keypairs:create",
    "GET " + V + "/os-keypairs/:name", P + "os-keypairs:show",
    "DELETE " + V + "/os-keypairs/:name", P + "os-keypairs:delete",
    "POST " + V + "/servers", P + "servers:create",
    "GET " + V + "/servers", P + "servers:index",
    "GET " + V + "/servers/detail", P + "servers:detail",
    "GET " + V + "/servers/:id", P + "servers:show",
    "PUT " + V + "/servers/:id", P + "servers:update",
    "DELETE " + V + "/servers/:id", P + "servers:delete",
    "POST " + V + "/servers/:id/action", P + "servers:action",
    "GET " + V + "/servers/:id/os-instance-actions", P + "os-instance-actions:list",
    "GET " + V + "/servers/:id/os-instance-actions/:req", P + "os-instance-actions:show",
    "GET " + V + "/servers/:id/serial-console", SERIAL_CONSOLE,
    "POST " + V + "/servers/:id/remote-consoles", SERIAL_CONSOLE,
    "GET " + V + "/servers/:id/metadata", P + "server-metadata:index",
    "POST " + V + "/servers/:id/metadata", P + "server-metadata:create",
    "PUT " + V + "/servers/:id/metadata", P + "server-metadata:update_all",
    "GET " + V + "/servers/:id/metadata/:key", P + "server-metadata:show",
    "PUT " + V + "/servers/:id/metadata/:key", P + "server-metadata:update",
    "DELETE " + V + "/servers/:id/metadata/:key", P + "server-metadata:delete",
    "GET " + V + "/servers/:id/tags", P + "os-server-tags:index",
    "PUT " + V + "/servers/:id/tags", P + "os-server-tags:update_all",
    "DELETE " + V + "/servers/:id/tags", P + "os-server-tags:delete_all",
    "GET " + V + "/servers/:id/tags/:tag", P + "os-server-tags:show",
    "PUT " + V + "/servers/:id/tags/:tag", P + "os-server-tags:update",
    "DELETE " + V + "/servers/:id/tags/:tag", P + "os-server-tags:delete",
    "GET " + V + "/servers/:id/os-security-groups", P + "os-security-groups:list",
    "GET " + V + "/servers/:id/os-server-password", P + "os-server-password:show",
    "DELETE " + V + "/servers/:id/os-server-password", P + "os-server-password:clear",
    "GET " + V + "/limits", P + "limits",
    "GET " + V + "/os-availability-zone", P + "os-availability-zone:list",
    "GET " + V + "/os-availability-zone/detail", P + "os-availability-zone:detail",
    "GET " + V + "/os-hypervisors", P + "os-hypervisors:list",
    "GET " + V + "/os-hypervisors/detail", P + "os-hypervisors:list-detail",
    "GET " + V + "/os-hypervisors/:pattern/search", P + "os-hypervisors:search",
    "GET " + V + "/os-hypervisors/:id/uptime", P + "os-hypervisors:uptime",
    "GET " + V + "/os-hypervisors/statistics", P + "os-hypervisors:statistics",
    "GET " + V + "/os-hypervisors/:pattern/servers", P + "os-hypervisors:servers",
    "GET " + V + "/os-hypervisors/:id", P + "os-hypervisors:show",
    "GET " + V + "/os-services", P + "os-services:list",
    "PUT " + V + "/os-services/:id", P + "os-services:update",
    "GET " + V + "/os-quota-sets/:project", P + "os-quota-sets:show",
    "GET " + V + "/os-quota-sets/:project/detail", P + "os-quota-sets:detail",
    "GET " + V + "/os-quota-sets/:project/defaults", P + "os-quota-sets:defaults",
    "PUT " + V + "/os-quota-sets/:project", P + "os-quota-sets:update",
    "GET " + V + "/os-aggregates", P + "os-aggregates:index",
    "GET " + V + "/os-simple-tenant-usage", P + "os-simple-tenant-usage:list",
    "GET " + V + "/os-simple-tenant-usage/:project", P + "os-simple-tenant-usage:show");
}
