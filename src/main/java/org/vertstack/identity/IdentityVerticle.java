package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;
import org.vertstack.common.module.Services;
import io.vertx.sqlclient.Pool;
import org.vertstack.common.auth.TokenAuthority;
import org.vertstack.common.auth.TokenVerifier;
import org.vertstack.common.db.Databases;
import org.vertstack.common.module.ServiceModule.CatalogEntry;
import org.vertstack.common.quota.QuotaService;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The identity back end: migrates its schema, loads the signing key, bootstraps, syncs the
 * catalog, then serves IdentityService, TokenAuthority and QuotaService on the event bus.
 */
public class IdentityVerticle extends VerticleBase {

  private Pool db;
  private KeyEncryption encryption;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    JsonObject identity = conf.getJsonObject("identity");
    Path stateDir = Path.of(conf.getString("state-dir"));
    String publicUrl = conf.getString("public-url");
    String region = conf.getString("region", "RegionOne");
    long ttl = identity.getLong("token-ttl-seconds", 3600L);
    db = Databases.pool(vertx, conf, "identity");
    List<CatalogEntry> running = conf.getJsonArray("catalog-entries", new JsonArray()).stream()
      .map(o -> (JsonObject) o)
      .map(o -> new CatalogEntry(o.getString("type"), o.getString("name"), o.getString("path")))
      .toList();
    return Databases.migrate(vertx, conf, "identity")
      .compose(v -> vertx.executeBlocking(() -> KeyEncryption.load(identity.getString("key-secret"), stateDir)))
      .compose(encryption -> {
        this.encryption = encryption;
        return new SigningKeys(vertx, db, encryption, ttl).start(stateDir);
      })
      .compose(keys -> {
        rotateKeys(keys, identity);
        Passwords passwords = new Passwords(vertx, identity.getInteger("password-hash-cost", 10));
        Revoker revoker = new Revoker(vertx, db, ttl);
        Catalog catalog = new Catalog(db);
        ServiceBinder binder = new ServiceBinder(vertx);
        binder.setAddress(TokenAuthority.ADDRESS).register(TokenAuthority.class, new TokenAuthorityImpl(keys, revoker));
        binder.setAddress(QuotaService.ADDRESS).register(QuotaService.class, new QuotaServiceImpl(db));
        Services.servedHere(vertx, TokenAuthority.ADDRESS);
        Services.servedHere(vertx, QuotaService.ADDRESS);
        return new Bootstrap(vertx, db, passwords).run(identity.getString("admin-password"), region, stateDir, publicUrl)
          .compose(v -> catalog.sync(running, publicUrl, region))
          .compose(v -> TokenVerifier.get(vertx))
          .map(verifier -> {
            TokenIssuer issuer = new TokenIssuer(vertx, keys, ttl, identity.getBoolean("any-project-admin", false));
            Assignments assignments = new Assignments(db);
            Authenticator authenticator = new Authenticator(db, passwords, issuer, assignments, verifier,
              identity.getInteger("lockout-failure-attempts", 6), identity.getLong("lockout-duration-seconds", 1800L));
            IdentityService service = new IdentityServiceImpl(vertx, db, publicUrl + "/identity", passwords, authenticator,
              assignments, catalog, revoker, issuer);
            binder.setAddress(IdentityService.ADDRESS).register(IdentityService.class, service);
            Services.servedHere(vertx, IdentityService.ADDRESS);
            String identityUrl = publicUrl + "/identity";
            Credentials credentials = new Credentials(db, encryption, assignments, identityUrl);
            binder.setAddress(IdentityExtensions.ADDRESS).register(IdentityExtensions.class, new IdentityExtensionsImpl(Map.of(
              "trusts", new Trusts(db, assignments, revoker, identityUrl),
              "credentials", credentials,
              "ec2tokens", new Ec2Tokens(credentials, authenticator),
              "consumers", new OAuthConsumers(db, passwords, identityUrl),
              "policies", new Policies(db, identityUrl),
              "endpoint_groups", new EndpointGroups(db, identityUrl),
              "domain_config", new DomainConfigs(db),
              "access_rules", new AccessRules(db, identityUrl),
              "project_tags", new ProjectTags(db))));
            Services.servedHere(vertx, IdentityExtensions.ADDRESS);
            return null;
          });
      });
  }

  /**
   * Keeps the shared key set fresh: rotates when the signing key is older than
   * identity.key-rotation-days (any controller may; one wins), and reloads it when any controller
   * says it changed, so every node signs with the newest key and verifies with all.
   */
  private void rotateKeys(SigningKeys keys, JsonObject identity) {
    vertx.eventBus().consumer(TokenAuthority.KEYS_CHANGED, msg -> keys.reload());
    double days = identity.getDouble("key-rotation-days", 30.0);
    java.time.Duration every = java.time.Duration.ofMillis((long) (days * 86_400_000L));
    long check = identity.getLong("key-rotation-check-seconds", 60L);
    vertx.setPeriodic(check * 1000, id -> keys.rotateIfDue(every)
      .compose(changed -> changed ? keys.reload().map(true) : Future.succeededFuture(false))
      .onSuccess(changed -> {
        if (changed) {
          vertx.eventBus().publish(TokenAuthority.KEYS_CHANGED, new JsonObject());
        }
      })
      .onFailure(err -> org.slf4j.LoggerFactory.getLogger(IdentityVerticle.class).warn("key rotation: {}", err.getMessage())));
  }

  @Override
  public Future<?> stop() {
    return db == null ? Future.succeededFuture() : db.close();
  }
}
