package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * First start: domain Default, projects admin and service, roles admin/member/reader (admin
 * implies member implies reader), region, user admin with the admin role on project admin and
 * on the system. Idempotent: later starts change nothing but the URL in clouds.yaml.
 */
final class Bootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  static final String DEFAULT_DOMAIN = "default";
  static final String SERVICE_PROJECT = "service";

  private final Vertx vertx;
  private final Pool db;
  private final Passwords passwords;

  Bootstrap(Vertx vertx, Pool db, Passwords passwords) {
    this.vertx = vertx;
    this.db = db;
    this.passwords = passwords;
  }

  Future<Void> run(String configuredPassword, String region, Path stateDir, String publicUrl) {
    return db.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(4242)").execute()
      .compose(v -> tx.preparedQuery("INSERT INTO domains (id, name, description) VALUES ($1, 'Default', 'The default domain') ON CONFLICT DO NOTHING")
        .execute(Tuple.of(DEFAULT_DOMAIN)))
      .compose(v -> tx.preparedQuery("INSERT INTO regions (id, description) VALUES ($1, '') ON CONFLICT DO NOTHING").execute(Tuple.of(region)))
      .compose(v -> tx.query("""
          INSERT INTO roles (id, name) VALUES
            (md5('role-admin'), 'admin'), (md5('role-member'), 'member'), (md5('role-reader'), 'reader')
          ON CONFLICT DO NOTHING""").execute())
      .compose(v -> tx.query("""
          INSERT INTO implied_roles (prior_role_id, implied_role_id) VALUES
            (md5('role-admin'), md5('role-member')), (md5('role-member'), md5('role-reader'))
          ON CONFLICT DO NOTHING""").execute())
      .compose(v -> tx.preparedQuery("""
          INSERT INTO projects (id, name, domain_id, description) VALUES
            (md5('project-admin'), 'admin', $1, 'Bootstrap project for administering the cloud'),
            (md5('project-service'), 'service', $1, 'Project of the services'' own users')
          ON CONFLICT DO NOTHING""").execute(Tuple.of(DEFAULT_DOMAIN)))
      .compose(v -> tx.query("SELECT id FROM users WHERE id = md5('user-admin')").execute())
      .compose(rows -> {
        if (rows.size() > 0) {
          return Future.succeededFuture((String) null);
        }
        boolean generated = configuredPassword == null || configuredPassword.isBlank();
        String password = generated ? Passwords.randomSecret() : configuredPassword;
        return passwords.hash(password).compose(hash -> tx.preparedQuery(
              "INSERT INTO users (id, name, domain_id, password_hash, default_project_id, password_changed_at) "
                + "VALUES (md5('user-admin'), 'admin', $1, $2, md5('project-admin'), now())")
            .execute(Tuple.of(DEFAULT_DOMAIN, hash)))
          .compose(x -> tx.query("""
              INSERT INTO assignments (actor_type, actor_id, target_type, target_id, role_id) VALUES
                ('user', md5('user-admin'), 'project', md5('project-admin'), md5('role-admin')),
                ('user', md5('user-admin'), 'system', 'all', md5('role-admin'))
              ON CONFLICT DO NOTHING""").execute())
          .map(x -> {
            if (generated) {
              // To the terminal only, never through the logger: a log file is often readable by others.
              // The only other copy is clouds.yaml, owner-only.
              System.err.printf("%n  Created user 'admin' (system admin) with the generated password: %s%n"
                + "  (written to %s, readable by its owner only; it is not shown again)%n%n", password, stateDir.resolve("clouds.yaml"));
              System.err.flush();
              LOG.info("Created user 'admin' with a generated password: see the terminal or {}", stateDir.resolve("clouds.yaml"));
            }
            return password;
          });
      }))
      .compose(newPassword -> vertx.executeBlocking(() -> {
        writeCloudsYaml(stateDir.resolve("clouds.yaml"), publicUrl, region, newPassword);
        return null;
      }));
  }

  /**
   * clouds.yaml for the admin: written when the admin is created; on later starts only the
   * URL is brought up to date (the password is not kept anywhere else).
   */
  static void writeCloudsYaml(Path file, String publicUrl, String region, String password) throws Exception {
    String existing = password == null && Files.exists(file) ? Files.readString(file) : null;
    if (password == null) {
      if (existing == null) {
        return;
      }
      Matcher m = Pattern.compile("password: '((?:[^']|'')*)'").matcher(existing);
      if (!m.find()) {
        return;
      }
      password = m.group(1).replace("''", "'");
    }
    String yaml = """
      # Written by VertStack. Use: OS_CLIENT_CONFIG_FILE=%s openstack --os-cloud vertstack token issue
      clouds:
        vertstack:
          auth:
            auth_url: %s/identity/v3
            username: admin
            password: '%s'
            project_name: admin
            user_domain_name: Default
            project_domain_name: Default
          region_name: %s
          identity_api_version: 3
          interface: public
      """.formatted(file, publicUrl, password.replace("'", "''"), region);
    Path tmp = file.resolveSibling("clouds.yaml.tmp");
    Files.writeString(tmp, yaml);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

}
