package org.vertstack.identity;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;

/** The identity section of the configuration, with its defaults in one place. */
public record IdentitySettings(JsonObject section, Path stateDir, String publicUrl, String region) {

  public static IdentitySettings from(JsonObject config) {
    return new IdentitySettings(config.getJsonObject("identity", new JsonObject()), Path.of(config.getString("state-dir")),
      config.getString("public-url"), config.getString("region", "RegionOne"));
  }

  /** Keystone's own URL, under the front door. */
  public String identityUrl() {
    return publicUrl + "/identity";
  }

  /** The first admin's password; empty: generated at the first start and shown once. */
  public String adminPassword() {
    return section.getString("admin-password");
  }

  public long tokenTtlSeconds() {
    return section.getLong("token-ttl-seconds", 3600L);
  }

  /** Encrypts the token-signing private keys; empty: a secret file in the state dir. */
  public String keySecret() {
    return section.getString("key-secret");
  }

  public Duration keyRotation() {
    return Duration.ofMillis((long) (section.getDouble("key-rotation-days", 30.0) * 86_400_000L));
  }

  public long keyRotationCheckSeconds() {
    return section.getLong("key-rotation-check-seconds", 60L);
  }

  /** bcrypt's cost factor for new password hashes. */
  public int passwordHashCost() {
    return section.getInteger("password-hash-cost", 10);
  }

  public int lockoutFailureAttempts() {
    return section.getInteger("lockout-failure-attempts", 6);
  }

  public long lockoutDurationSeconds() {
    return section.getLong("lockout-duration-seconds", 1800L);
  }

  /** Tempest's setting: a project's admin acts as the cloud's admin (never on in production). */
  public boolean anyProjectAdmin() {
    return section.getBoolean("any-project-admin", false);
  }
}
