package org.vertstack.compute;

import org.vertstack.common.http.RequestSchemas;

/**
 * The declared schemas of compute's request bodies and list queries (resources in
 * {@code compute/schemas/}), after Nova's own (nova/api/openstack/compute/schemas): each is the
 * union of the microversions this cloud serves, and what only some microversions take is left to
 * the service. They run before policy, as in Nova, whose handlers enforce policy after the
 * schema decorator has passed.
 */
final class ComputeSchemas {

  static final RequestSchemas TABLE = RequestSchemas.beside(ComputeSchemas.class)
    .post("/v2.1/servers", "schemas/server-create.json")
    .put("/v2.1/servers/:id", "schemas/server-update.json")
    .post("/v2.1/servers/:id/action", "schemas/server-action.json")
    .post("/v2.1/servers/:id/metadata", "schemas/server-metadata.json")
    .put("/v2.1/servers/:id/metadata", "schemas/server-metadata.json")
    .put("/v2.1/servers/:id/metadata/:key", "schemas/server-metadata-item.json")
    .post("/v2.1/flavors", "schemas/flavor-create.json")
    .post("/v2.1/flavors/:id/os-extra_specs", "schemas/flavor-extra-specs.json")
    .put("/v2.1/flavors/:id/os-extra_specs/:key", "schemas/flavor-extra-spec-item.json")
    .post("/v2.1/flavors/:id/action", "schemas/flavor-action.json")
    .post("/v2.1/os-keypairs", "schemas/keypair-create.json")
    .post("/v2.1/os-server-groups", "schemas/server-group-create.json")
    .post("/v2.1/os-aggregates", "schemas/aggregate-create.json")
    .put("/v2.1/os-aggregates/:id", "schemas/aggregate-update.json")
    .post("/v2.1/os-aggregates/:id/action", "schemas/aggregate-action.json")
    .put("/v2.1/os-quota-sets/:project", "schemas/quota-set-update.json")
    .query("/v2.1/servers", "schemas/servers-query.json")
    .query("/v2.1/servers/detail", "schemas/servers-query.json")
    .query("/v2.1/flavors", "schemas/flavors-query.json")
    .query("/v2.1/flavors/detail", "schemas/flavors-query.json")
    .query("/v2.1/os-server-groups", "schemas/server-groups-query.json")
    .build();

  private ComputeSchemas() {
  }
}
