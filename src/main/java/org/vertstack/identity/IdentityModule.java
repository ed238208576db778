package org.vertstack.identity;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.module.Modules;
import org.vertstack.common.module.ServiceModule;

import java.util.List;
import java.util.Set;

/** Identity (Keystone v3) at /identity: tokens, the catalog, projects, users, roles, limits. */
public final class IdentityModule implements ServiceModule {

  @Override
  public String name() {
    return "identity";
  }

  @Override
  public Set<String> roles() {
    return Set.of("controller");
  }

  @Override
  public Future<?> deploy(Vertx vertx, JsonObject config) {
    // The catalog lists exactly the services this controller runs.
    JsonArray entries = new JsonArray();
    for (ServiceModule module : Modules.forRoles(Modules.roles(config))) {
      module.catalog().forEach(e -> entries.add(new JsonObject().put("type", e.type()).put("name", e.name()).put("path", e.path())));
    }
    return vertx.deployVerticle(IdentityVerticle.class, new DeploymentOptions()
      .setConfig(config.copy().put("catalog-entries", entries)));
  }

  @Override
  public void mount(Vertx vertx, Router root, JsonObject config, TokenVerifier verifier) {
    root.route("/identity*").subRouter(IdentityApi.router(vertx, config, verifier));
  }

  @Override
  public List<CatalogEntry> catalog() {
    return List.of(new CatalogEntry("identity", "keystone", "/identity"));
  }
}
