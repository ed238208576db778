package org.vertstack.compute;

import java.util.List;
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

  private record Extension(String alias, String name, String description) {
  }

  private static final List<Extension> SERVED = List.of(
    new Extension("OS-DCF", "DiskConfig", "Disk Management Extension (every server is MANUAL)."),
    new Extension("OS-EXT-AZ", "ExtendedAvailabilityZone", "Extended Availability Zone support."),
    new Extension("OS-EXT-SRV-ATTR", "ExtendedServerAttributes", "Extended Server Attributes support."),
    new Extension("OS-EXT-STS", "ExtendedStatus", "Extended Status support."),
    new Extension("OS-FLV-DISABLED", "FlavorDisabled", "Support to show the disabled status of a flavor."),
    new Extension("OS-FLV-EXT-DATA", "FlavorExtraData", "Provide additional data for flavors."),
    new Extension("OS-SRV-USG", "ServerUsage", "Adds launched_at and terminated_at on Servers."),
    new Extension("os-access-ips", "AccessIPs", "Access IPs support."),
    new Extension("os-admin-actions", "AdminActions", "Admin-only server actions: os-resetState."),
    new Extension("os-aggregates", "Aggregates", "Admin-only aggregate administration."),
    new Extension("os-availability-zone", "AvailabilityZone", "Availability zones of servers and their listing."),
    new Extension("os-console-output", "ConsoleOutput", "Console log output support, with tailing ability."),
    new Extension("os-consoles", "Consoles", "Interactive console support (the serial console, through os-remote-consoles)."),
    new Extension("os-create-backup", "CreateBackup", "Create a backup of a server."),
    new Extension("os-deferred-delete", "DeferredDelete", "Instance deferred delete."),
    new Extension("os-extended-quotas", "ExtendedQuotas", "Admins may delete a project's quota and force a quota update."),
    new Extension("os-flavor-access", "FlavorAccess", "Flavor access support."),
    new Extension("os-flavor-extra-specs", "FlavorExtraSpecs", "Flavors extra specs support."),
    new Extension("os-flavor-manage", "FlavorManage", "Flavor create/delete API support."),
    new Extension("os-flavor-rxtx", "FlavorRxtx", "Support to show the rxtx status of a flavor."),
    new Extension("os-hosts", "Hosts", "Admin-only host administration."),
    new Extension("os-hypervisors", "Hypervisors", "Admin-only hypervisor administration."),
    new Extension("os-instance-actions", "InstanceActions", "View a log of actions and events taken on an instance."),
    new Extension("os-instance_usage_audit_log", "OSInstanceUsageAuditLog", "Admin-only Task Log Monitoring."),
    new Extension("os-keypairs", "Keypairs", "Keypair Support."),
    new Extension("os-lock-server", "LockServer", "Enable lock/unlock server actions."),
    new Extension("os-migrations", "Migrations", "Provide data on migrations."),
    new Extension("os-pause-server", "PauseServer", "Enable pause/unpause server actions."),
    new Extension("os-quota-class-sets", "QuotaClasses", "Quota classes management support."),
    new Extension("os-quota-sets", "Quotas", "Quotas management support."),
    new Extension("os-remote-consoles", "RemoteConsoles", "Interactive console support."),
    new Extension("os-server-diagnostics", "ServerDiagnostics", "Allow Admins to view server diagnostics through server action."),
    new Extension("os-server-external-events", "ServerExternalEvents", "Server External Event Triggers."),
    new Extension("os-server-group-quotas", "ServerGroupQuotas", "Adds quota support to server groups."),
    new Extension("os-server-groups", "ServerGroups", "Server group support."),
    new Extension("os-server-list-multi-status", "ServerListMultiStatus", "Allow to filter the servers by a set of status values."),
    new Extension("os-server-password", "ServerPassword", "Server password support."),
    new Extension("os-server-sort-keys", "ServerSortKeys", "Add sorting support in get Server v2 API."),
    new Extension("os-server-start-stop", "ServerStartStop", "Start/Stop instance compute API support."),
    new Extension("os-services", "Services", "Services support."),
    new Extension("os-shelve", "Shelve", "Instance shelve mode."),
    new Extension("os-simple-tenant-usage", "SimpleTenantUsage", "Simple tenant usage extension."),
    new Extension("os-suspend-server", "SuspendServer", "Enable suspend/resume server actions."),
    new Extension("os-used-limits", "UsedLimits", "Provide data on limited resources that are being used."),
    new Extension("os-user-data", "UserData", "Add user_data to the Create Server API.")
  );

  static JsonObject list() {
    JsonArray out = new JsonArray();
    for (Extension e : SERVED) {
      out.add(render(e));
    }
    return new JsonObject().put("extensions", out);
  }

  static JsonObject show(String alias) {
    for (Extension e : SERVED) {
      if (e.alias().equals(alias)) {
        return new JsonObject().put("extension", render(e));
      }
    }
    throw Errors.notFound("The resource could not be found.");
  }

  private static JsonObject render(Extension e) {
    return new JsonObject().put("alias", e.alias()).put("name", e.name()).put("description", e.description())
      .put("namespace", "http://docs.openstack.org/compute/ext/fake_xml").put("updated", "2014-12-03T00:00:00Z")
      .put("links", new JsonArray());
  }
}
