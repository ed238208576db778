package org.vertstack.identity;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Encrypts the private signing keys stored in the database (AES-256-GCM). The secret is
 * {@code identity.key-secret} when set, else the file {@code <state-dir>/keys/key-encryption-secret}
 * (created at the first start, owner-only). Every controller must hold the same secret: set
 * the same {@code identity.key-secret} everywhere, or copy that file from the first controller.
 */
final class KeyEncryption {

  static final String SECRET_FILE = "key-encryption-secret";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE_BYTES = 12;

  private final SecretKeySpec key;

  private KeyEncryption(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest(("vertstack-signing-keys:" + secret).getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(digest, "AES");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyEncryption of(String secret) {
    return new KeyEncryption(secret);
  }

  /** The configured secret, or the state directory's (created if absent). Blocking. */
  static KeyEncryption load(String configured, Path stateDir) throws Exception {
    if (configured != null && !configured.isBlank()) {
      return new KeyEncryption(configured);
    }
    Path dir = stateDir.resolve("keys");
    Path file = dir.resolve(SECRET_FILE);
    if (!Files.exists(file)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      byte[] b = new byte[32];
      RANDOM.nextBytes(b);
      Path tmp = dir.resolve(SECRET_FILE + ".tmp");
      Files.writeString(tmp, Base64.getEncoder().encodeToString(b) + "\n");
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
    return new KeyEncryption(Files.readString(file).strip());
  }

  byte[] encrypt(String kid, byte[] plain) throws Exception {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
    byte[] sealed = c.doFinal(plain);
    byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
    System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
    return out;
  }

  /** Fails with a message an operator can act on when the secret is not the one used to encrypt. */
  byte[] decrypt(String kid, byte[] stored) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, NONCE_BYTES));
    c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
    try {
      return c.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("the token signing key " + kid + " in the database was encrypted with another "
        + "key-encryption secret: every controller needs the same one (set identity.key-secret to the same value "
        + "everywhere, or copy <state-dir>/keys/" + SECRET_FILE + " from the first controller)");
    }
  }
}
