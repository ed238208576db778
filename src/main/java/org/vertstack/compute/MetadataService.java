package org.vertstack.compute;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Nova's metadata service (nova/api/metadata) as it runs behind Neutron's metadata proxy: the
 * proxy names the instance in {@code X-Instance-ID} and its project in {@code X-Tenant-ID}, and
 * signs the id with the shared secret ({@code X-Instance-ID-Signature}, hex HMAC-SHA256, Nova's
 * {@code metadata_proxy_shared_secret}). A request without a valid signature is a 403, an
 * instance that does not exist or is not the named project's a 404 (Nova's answers). What an
 * instance is told is what its config drive holds: {@link ConfigDrive#files} builds both.
 */
final class MetadataService {

  static final String SECRET_FILE = "metadata-proxy-shared-secret";
  private static final java.util.regex.Pattern UUID_FORMAT = java.util.regex.Pattern.compile("[0-9a-fA-F-]{32,36}");

  private final Servers servers;
  private final SecretKeySpec secret;

  private MetadataService(Servers servers, String secret) {
    this.servers = servers;
    this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /**
   * The service with {@code compute.metadata-proxy-shared-secret}, or else the secret kept in
   * {@code <state-dir>/compute/metadata-proxy-shared-secret} (made at the first start, owner-only).
   */
  static Future<MetadataService> start(Vertx vertx, ComputeSettings settings, Servers servers) {
    String configured = settings.metadataProxySharedSecret();
    if (!configured.isBlank()) {
      return Future.succeededFuture(new MetadataService(servers, configured));
    }
    Path dir = settings.computeDir();
    return vertx.executeBlocking(() -> new MetadataService(servers, keptSecret(dir)));
  }

  /** Blocking: reads the secret file, making it first if there is none. */
  static String keptSecret(Path dir) throws java.io.IOException {
    Path file = dir.resolve(SECRET_FILE);
    if (!Files.exists(file)) {
      Files.createDirectories(dir);
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      Path tmp = dir.resolve(SECRET_FILE + ".tmp-" + ProcessHandle.current().pid());
      Files.writeString(tmp, HexFormat.of().formatHex(b) + "\n");
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE); // a second controller on the same directory keeps the first's
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return Files.readString(file).strip();
  }

  /** The signature a metadata proxy sends for {@code instanceId}: hex HMAC-SHA256 with the shared secret. */
  String sign(String instanceId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return HexFormat.of().formatHex(mac.doFinal(instanceId.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The files of the instance the proxy's headers name (the config drive's layout: {@code
   * openstack/<version>/meta_data.json}, {@code ec2/latest/meta-data.json}, ...). Each header is
   * given as all its values (a repeated one is a 400, as in Nova).
   */
  Future<Map<String, byte[]>> files(List<String> instanceIds, List<String> tenantIds, List<String> signatures) {
    if (instanceIds.size() > 1 || tenantIds.size() > 1 || signatures.size() > 1) {
      throw Errors.badRequest("Multiple X-Instance-ID, X-Tenant-ID or X-Instance-ID-Signature headers found within request.");
    }
    if (instanceIds.isEmpty() || signatures.isEmpty()) {
      throw Errors.forbidden("The request does not name a signed instance (X-Instance-ID and X-Instance-ID-Signature).");
    }
    String id = instanceIds.get(0);
    byte[] expected = sign(id).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signatures.get(0).trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8))) {
      throw Errors.forbidden("Invalid proxy request signature.");
    }
    if (tenantIds.isEmpty()) {
      throw Errors.badRequest("X-Tenant-ID header is missing from request.");
    }
    String tenant = tenantIds.get(0);
    if (!UUID_FORMAT.matcher(id).matches()) {
      throw Errors.notFound("Instance " + id + " could not be found.");
    }
    return servers.reload(id).map(inst -> {
      if (inst == null || inst.getBoolean("deleted")) {
        throw Errors.notFound("Instance " + id + " could not be found.");
      }
      if (!tenant.equals(inst.getString("project_id"))) {
        throw Errors.notFound("Tenant_id " + tenant + " does not match tenant_id of instance " + id + ".");
      }
      JsonObject image = new JsonObject().put("id", inst.getString("image_ref")).put("disk_format", inst.getString("image_format"));
      return ConfigDrive.files(ServerOperations.buildRequest(inst, image));
    });
  }
}
