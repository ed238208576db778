package org.vertstack.identity;

import org.vertstack.common.http.Errors;

import java.util.Map;

/** The collections behind the generic calls, by their URL name. */
final class IdentityCollections {

  final IdentityCollection domains;
  final IdentityCollection projects;
  final IdentityCollection users;
  final IdentityCollection groups;
  private final Map<String, IdentityCollection> byName;

  IdentityCollections(IdentityBackend backend) {
    domains = new DomainCollection(backend);
    projects = new ProjectCollection(backend);
    users = new UserCollection(backend);
    groups = new GroupCollection(backend);
    byName = Map.of("domains", domains, "projects", projects, "users", users, "groups", groups,
      "roles", new RoleCollection(backend), "regions", new RegionCollection(backend),
      "services", new ServiceCollection(backend), "endpoints", new EndpointCollection(backend),
      "registered_limits", LimitCollection.registeredLimits(backend), "limits", LimitCollection.limits(backend));
  }

  IdentityCollection named(String collection) {
    IdentityCollection c = byName.get(collection);
    if (c == null) {
      throw Errors.notFound("Unknown collection " + collection + ".");
    }
    return c;
  }
}
