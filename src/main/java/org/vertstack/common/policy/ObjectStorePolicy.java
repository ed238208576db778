package org.vertstack.common.policy;

/**
 * Who may do what in the object store (Swift v1). An account belongs to one project
 * ({@code AUTH_<project>}): its readers read, its members write, as do system readers and
 * admins. Beyond the owners, the proxy sets these target flags:
 * <ul>
 *   <li>{@code target.read_acl}, {@code target.write_acl}: the container's X-Container-Read /
 *       X-Container-Write grants the caller (a project, a user, or the referrer {@code .r:*}
 *       for reads; read only on objects unless {@code .rlistings});</li>
 *   <li>{@code target.temp_url}: a valid TempURL signature covers exactly this method and object
 *       within its key's account or container.</li>
 * </ul>
 * The ring (its admin API under {@code /object-store/ring}) is the operator's: where every
 * tenant's bytes live is the cloud's business, and a change moves data between storage nodes.
 * Swift has no policy file of its own; the rule names follow the resource and the verb.
 */
public final class ObjectStorePolicy {

  private ObjectStorePolicy() {
  }

  private static final String OWNER_READ = "system_reader or project_reader or reseller_admin";
  private static final String OWNER_WRITE = "system_admin or project_member or reseller_admin";

  public static final Policy RULES = Policy.of(
    "object_store:get_info", "anyone",
    "object_store:read_account", OWNER_READ,
    "object_store:write_account", OWNER_WRITE,
    "object_store:read_container", OWNER_READ + " or target.read_acl",
    "object_store:write_container", OWNER_WRITE,
    "object_store:read_object", OWNER_READ + " or target.read_acl or target.temp_url",
    "object_store:write_object", OWNER_WRITE + " or target.write_acl or target.temp_url",
    // what a listing or HEAD shows: ACLs to the owners, TempURL keys to those who may write
    "object_store:show_acls", OWNER_READ,
    "object_store:show_temp_url_keys", OWNER_WRITE,
    "object_store:healthcheck", "anyone",
    "object_store:get_ring", "system_reader",
    "object_store:update_ring", "system_admin");

  private static final String V1 = "/object-store/v1/:account";

  public static final RouteRules ROUTES = RouteRules.of(RULES,
    "GET /info", "object_store:get_info",
    "GET /object-store/info", "object_store:get_info",
    "GET /object-store/v1/info", "object_store:get_info",
    "GET /object-store/crossdomain.xml", "object_store:get_info",
    "GET /object-store/healthcheck", "object_store:healthcheck",
    "GET /object-store/ring/", "object_store:get_ring",
    "POST /object-store/ring/*", "object_store:update_ring",
    "PATCH /object-store/ring/*", "object_store:update_ring",
    "DELETE /object-store/ring/*", "object_store:update_ring",
    "GET " + V1, "object_store:read_account",
    "HEAD " + V1, "object_store:read_account",
    "POST " + V1, "object_store:write_account",
    // the account's bulk operations (extract-archive, bulk-delete) write its objects
    "PUT " + V1, "object_store:write_object",
    "DELETE " + V1, "object_store:write_object",
    "GET " + V1 + "/:container", "object_store:read_container",
    "HEAD " + V1 + "/:container", "object_store:read_container",
    "PUT " + V1 + "/:container", "object_store:write_container",
    "POST " + V1 + "/:container", "object_store:write_container",
    "DELETE " + V1 + "/:container", "object_store:write_container",
    "GET " + V1 + "/:container/:object", "object_store:read_object",
    "HEAD " + V1 + "/:container/:object", "object_store:read_object",
    "PUT " + V1 + "/:container/:object", "object_store:write_object",
    "POST " + V1 + "/:container/:object", "object_store:write_object",
    "DELETE " + V1 + "/:container/:object", "object_store:write_object",
    "COPY " + V1 + "/:container/:object", "object_store:write_object");
}
