package org.vertstack.identity;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.ApiKit;
import org.vertstack.common.http.ErrorFormat;
import org.vertstack.common.module.NodeContext;
import org.vertstack.common.module.ServiceModule;

import java.util.List;
import java.util.Set;

/** Identity (Keystone v3) at /identity: tokens, the catalog, projects, users, roles, limits. */
public final class IdentityModule implements ServiceModule<Void> {

  @Override
  public String name() {
    return "identity";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller");
  }

  @Override
  public Future<Void> start(NodeContext node) {
    // The catalog lists exactly the services this controller runs.
    JsonArray entries = new JsonArray();
    node.catalog().forEach(e -> entries.add(new JsonObject().put("type", e.type()).put("name", e.name()).put("path", e.path())));
    return node.vertx().deployVerticle(IdentityVerticle.class, new DeploymentOptions()
      .setConfig(node.config().copy().put("catalog-entries", entries))).mapEmpty();
  }

  @Override
  public void mount(Void handle, ApiKit api) {
    api.mount("/identity", ErrorFormat.KEYSTONE, IdentityApi.router(api.vertx(), api.config(), api.verifier()));
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("identity", "keystone", "/identity"));
  }
}
