package org.vertstack.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The RSA key pair tokens are signed with, kept in the state directory (owner-only) so that
 * tokens survive a restart. Blocking: call from a worker.
 */
record SigningKeys(String privatePem, String publicPem) {

  static SigningKeys loadOrCreate(Path stateDir) throws Exception {
    Path dir = stateDir.resolve("keys");
    Path file = dir.resolve("token-signing-key.pem");
    if (!Files.exists(file)) {
      Files.createDirectories(dir);
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair pair = gen.generateKeyPair();
      Path tmp = dir.resolve("token-signing-key.pem.tmp");
      Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    String privatePem = Files.readString(file);
    return new SigningKeys(privatePem, publicPemOf(privatePem));
  }

  private static String publicPemOf(String privatePem) throws Exception {
    String b64 = privatePem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    byte[] publicDer = rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
    return pem("PUBLIC KEY", publicDer);
  }

  private static String pem(String type, byte[] der) throws IOException {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
