package org.vertstack.compute;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

/**
 * /extensions: Nova's legacy (v2.0) extension listing, kept for old clients. As in Nova it is a
 * fixed list; here it names only what this compute API serves (microversions say the rest).
 */
final class Extensions {

  private Extensions() {
  }

  /** alias, name, description. */
  private static final String[][] SERVED = {
    {"OS-DCF", "DiskConfig", "Disk Management Extension (every server is MANUAL)."},
    {"OS-EXT-AZ", "ExtendedAvailabilityZone", "Extended Availability Zone support."},
    {"OS-EXT-SRV-ATTR", "ExtendedServerAttributes", "Extended Server Attributes support."},
    {"OS-EXT-STS", "ExtendedStatus", "Extended Status support."},
    {"OS-FLV-DISABLED", "FlavorDisabled", "Support to show the disabled status of a flavor."},
    {"OS-FLV-EXT-DATA", "FlavorExtraData", "Provide additional data for flavors."},
    {"OS-SRV-USG", "ServerUsage", "Adds launched_at and terminated_at on Servers."},
    {"os-access-ips", "AccessIPs", "Access IPs support."},
    {"os-admin-actions", "AdminActions", "Admin-only server actions: os-resetState."},
    {"os-aggregates", "Aggregates", "Admin-only aggregate administration."},
    {"os-availability-zone", "AvailabilityZone", "Availability zones of servers and their listing."},
    {"os-console-output", "ConsoleOutput", "Console log output support, with tailing ability."},
    {"os-consoles", "Consoles", "Interactive console support (the serial console, through os-remote-consoles)."},
    {"os-create-backup", "CreateBackup", "Create a backup of a server."},
    {"os-deferred-delete", "DeferredDelete", "Instance deferred delete."},
    {"os-extended-quotas", "ExtendedQuotas", "Admins may delete a project's quota and force a quota update."},
    {"os-flavor-access", "FlavorAccess", "Flavor access support."},
    {"os-flavor-extra-specs", "FlavorExtraSpecs", "Flavors extra specs support."},
    {"os-flavor-manage", "FlavorManage", "Flavor create/delete API support."},
    {"os-flavor-rxtx", "FlavorRxtx", "Support to show the rxtx status of a flavor."},
    {"os-hosts", "Hosts", "Admin-only host administration."},
    {"os-hypervisors", "Hypervisors", "Admin-only hypervisor administration."},
    {"os-instance-actions", "InstanceActions", "View a log of actions and events taken on an instance."},
    {"os-instance_usage_audit_log", "OSInstanceUsageAuditLog", "Admin-only Task Log Monitoring."},
    {"os-keypairs", "Keypairs", "Keypair Support."},
    {"os-lock-server", "LockServer", "Enable lock/unlock server actions."},
    {"os-migrations", "Migrations", "Provide data on migrations."},
    {"os-pause-server", "PauseServer", "Enable pause/unpause server actions."},
    {"os-quota-class-sets", "QuotaClasses", "Quota classes management support."},
    {"os-quota-sets", "Quotas", "Quotas management support."},
    {"os-remote-consoles", "RemoteConsoles", "Interactive console support."},
    {"os-server-diagnostics", "ServerDiagnostics", "Allow Admins to view server diagnostics through server action."},
    {"os-server-external-events", "ServerExternalEvents", "Server External Event Triggers."},
    {"os-server-group-quotas", "ServerGroupQuotas", "Adds quota support to server groups."},
    {"os-server-groups", "ServerGroups", "Server group support."},
    {"os-server-list-multi-status", "ServerListMultiStatus", "Allow to filter the servers by a set of status values."},
    {"os-server-password", "ServerPassword", "Server password support."},
    {"os-server-sort-keys", "ServerSortKeys", "Add sorting support in get Server v2 API."},
    {"os-server-start-stop", "ServerStartStop", "Start/Stop instance compute API support."},
    {"os-services", "Services", "Services support."},
    {"os-shelve", "Shelve", "Instance shelve mode."},
    {"os-simple-tenant-usage", "SimpleTenantUsage", "Simple tenant usage extension."},
    {"os-suspend-server", "SuspendServer", "Enable suspend/resume server actions."},
    {"os-used-limits", "UsedLimits", "Provide data on limited resources that are being used."},
    {"os-user-data", "UserData", "Add user_data to the Create Server API."},
  };

  static JsonObject list() {
    JsonArray out = new JsonArray();
    for (String[] e : SERVED) {
      out.add(render(e));
    }
    return new JsonObject().put("extensions", out);
  }

  static JsonObject show(String alias) {
    for (String[] e : SERVED) {
      if (e[0].equals(alias)) {
        return new JsonObject().put("extension", render(e));
      }
    }
    throw Errors.notFound("The resource could not be found.");
  }

  private static JsonObject render(String[] e) {
    return new JsonObject().put("alias", e[0]).put("name", e[1]).put("description", e[2])
      .put("namespace", "http://docs.openstack.org/compute/ext/fake_xml").put("updated", "2014-12-03T00:00:00Z")
      .put("links", new JsonArray());
  }
}
