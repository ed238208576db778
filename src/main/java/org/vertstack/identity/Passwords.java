package org.vertstack.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Passwords are stored as bcrypt hashes (BouncyCastle), computed on worker threads: a hash takes
 * tens of milliseconds by design and must never run on an event loop.
 */
final class Passwords {

  /** bcrypt reads at most 72 bytes; Keystone caps passwords similarly. */
  static final int MAX_LENGTH = 72;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final int cost;
  /**
   * Checked against when the user does not exist, so both paths cost the same time. Made on a
   * worker at start: a bcrypt hash must not hold up an event loop.
   */
  private final Future<String> decoy;

  Passwords(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
    this.decoy = vertx.executeBlocking(() -> hashNow(randomSecret(), cost), false);
  }

  Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password, cost), false);
  }

  /** True when the password matches; a null hash (no password set) never matches. */
  Future<Boolean> verify(String password, String hash) {
    return decoy.compose(fake -> vertx.executeBlocking(() -> {
      boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? fake : hash, bytes(password));
      return ok && hash != null;
    }, false));
  }

  private static String hashNow(String password, int cost) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", bytes(password), salt, cost);
  }

  private static byte[] bytes(String password) {
    byte[] b = password.getBytes(StandardCharsets.UTF_8);
    return b.length <= MAX_LENGTH ? b : java.util.Arrays.copyOf(b, MAX_LENGTH);
  }

  static String randomSecret() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
