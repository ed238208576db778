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
    IdentitySettings settings = IdentitySettings.from(conf);
    Path stateDir = settings.stateDir();
    String publicUrl = settings.publicUrl();
    String region = settings.region();
    long ttl = settings.tokenTtlSeconds();
    db = Databases.pool(vertx, conf, "identity");
    List<CatalogEntry> running = conf.getJsonArray("catalog-entries", new JsonArray()).stream()
      .map(o -> (JsonObject) o)
      .map(o -> new CatalogEntry(o.getString("type"), o.getString("name"), o.getString("path")))
      .toList();
    return Databases.migrate(vertx, conf, "identity")
      .compose(v -> vertx.executeBlocking(() -> KeyEncryption.load(settings.keySecret(), stateDir)))
      .compose(encryption -> {
        this.encryption = encryption;
        return new SigningKeys(vertx, db, encryption, ttl).start(stateDir);
      })
      .compose(keys -> {
        rotateKeys(keys, settings);
        Passwords passwords = new Passwords(vertx, settings.passwordHashCost());
        Revoker revoker = new Revoker(vertx, db, ttl);
        Catalog catalog = new Catalog(db);
        ServiceBinder binder = new ServiceBinder(vertx);
        binder.setAddress(TokenAuthority.ADDRESS).register(TokenAuthority.class, new TokenAuthorityImpl(keys, revoker));
        binder.setAddress(QuotaService.ADDRESS).register(QuotaService.class, new QuotaServiceImpl(db));
        Services.servedHere(vertx, TokenAuthority.ADDRESS);
        Services.servedHere(vertx, QuotaService.ADDRESS);
        return new Bootstrap(vertx, db, passwords).run(settings.adminPassword(), region, stateDir, publicUrl)
          .compose(v -> catalog.sync(running, publicUrl, region))
          .compose(v -> TokenVerifier.get(vertx))
          .map(verifier -> {
            TokenIssuer issuer = new TokenIssuer(vertx, keys, ttl, settings.anyProjectAdmin());
            Assignments assignments = new Assignments(db);
            Authenticator authenticator = new Authenticator(db, passwords, issuer, assignments, verifier,
              settings.lockoutFailureAttempts(), settings.lockoutDurationSeconds());
            IdentityService service = new IdentityServiceImpl(vertx, db, settings.identityUrl(), passwords, authenticator,
              assignments, catalog, revoker, issuer);
            binder.setAddress(IdentityService.ADDRESS).register(IdentityService.class, service);
            Services.servedHere(vertx, IdentityService.ADDRESS);
            String identityUrl = settings.identityUrl();
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
  private void rotateKeys(SigningKeys keys, IdentitySettings settings) {
    vertx.eventBus().consumer(TokenAuthority.KEYS_CHANGED, msg -> keys.reload());
    java.time.Duration every = settings.keyRotation();
    long check = settings.keyRotationCheckSeconds();
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
