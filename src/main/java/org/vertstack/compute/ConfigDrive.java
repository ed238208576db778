package org.vertstack.compute;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a config drive, laid out as Nova's (nova/api/metadata/base.py) so that cloud-init
 * and other guests' agents read it: {@code openstack/<version>/meta_data.json}, {@code user_data},
 * {@code vendor_data.json}, {@code vendor_data2.json} and {@code network_data.json} for each
 * metadata version a guest may ask for (each file from the version that introduced it), plus
 * {@code openstack/latest/}, and the EC2 flavour {@code ec2/<version>/meta-data.json} and
 * {@code user-data}. The facts come with the build request (the agent never reads the database).
 */
final class ConfigDrive {

  /** Nova's OpenStack metadata versions (Folsom to Victoria). */
  static final List<String> VERSIONS = List.of("2012-08-10", "2013-04-04", "2013-10-17", "2015-10-15", "2016-06-30",
    "2016-10-06", "2017-02-22", "2018-08-27", "2020-10-14");
  private static final String GRIZZLY = "2013-04-04";
  private static final String HAVANA = "2013-10-17";
  private static final String LIBERTY = "2015-10-15";
  private static final String NEWTON_ONE = "2016-06-30";
  private static final String NEWTON_TWO = "2016-10-06";
  private static final List<String> EC2_VERSIONS = List.of("2009-04-04", "latest");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ConfigDrive() {
  }

  /**
   * The drive's files by path. {@code facts}: instance_id, name, hostname, project_id,
   * availability_zone, launch_index, reservation_id, flavor_name, image_id, key_name, key_data,
   * metadata (object), user_data (base64, optional).
   */
  static Map<String, byte[]> files(JsonObject facts) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    byte[] userData = userData(facts);
    JsonObject empty = new JsonObject();
    JsonObject network = new JsonObject().put("links", new JsonArray()).put("networks", new JsonArray())
      .put("services", new JsonArray()); // no network service runs: no ports to describe
    for (String version : versionsAndLatest()) {
      String dir = "openstack/" + version + "/";
      out.put(dir + "meta_data.json", json(metaData(facts, version)));
      if (userData != null) {
        out.put(dir + "user_data", userData);
      }
      if (atLeast(version, HAVANA)) {
        out.put(dir + "vendor_data.json", json(empty));
      }
      if (atLeast(version, LIBERTY)) {
        out.put(dir + "network_data.json", json(network));
      }
      if (atLeast(version, NEWTON_TWO)) {
        out.put(dir + "vendor_data2.json", json(empty));
      }
    }
    for (String version : EC2_VERSIONS) {
      String dir = "ec2/" + version + "/";
      out.put(dir + "meta-data.json", json(ec2MetaData(facts)));
      if (userData != null) {
        out.put(dir + "user-data", userData);
      }
    }
    return out;
  }

  private static List<String> versionsAndLatest() {
    List<String> all = new java.util.ArrayList<>(VERSIONS);
    all.add("latest");
    return all;
  }

  private static boolean atLeast(String version, String since) {
    return "latest".equals(version) || version.compareTo(since) >= 0; // ISO dates order as strings
  }

  private static byte[] userData(JsonObject facts) {
    String encoded = facts.getString("user_data");
    return encoded == null ? null : Base64.getMimeDecoder().decode(encoded);
  }

  /** Nova's meta_data.json for one version. */
  static JsonObject metaData(JsonObject facts, String version) {
    JsonObject m = new JsonObject().put("uuid", facts.getString("instance_id"));
    JsonObject meta = facts.getJsonObject("metadata");
    if (meta != null && !meta.isEmpty()) {
      m.put("meta", meta);
    }
    String keyName = facts.getString("key_name");
    String keyData = facts.getString("key_data");
    if (keyName != null && keyData != null) {
      m.put("public_keys", new JsonObject().put(keyName, keyData));
      if (atLeast(version, LIBERTY)) {
        m.put("keys", new JsonArray().add(new JsonObject().put("name", keyName).put("type", facts.getString("key_type", "ssh"))
          .put("data", keyData)));
      }
    }
    m.put("hostname", facts.getString("hostname")).put("name", facts.getString("name"))
      .put("launch_index", facts.getInteger("launch_index", 0))
      .put("availability_zone", facts.getString("availability_zone"));
    if (atLeast(version, GRIZZLY)) {
      byte[] seed = new byte[512];
      RANDOM.nextBytes(seed);
      m.put("random_seed", Base64.getEncoder().encodeToString(seed));
    }
    if (atLeast(version, LIBERTY)) {
      m.put("project_id", facts.getString("project_id"));
    }
    if (atLeast(version, NEWTON_ONE)) {
      m.put("devices", new JsonArray()); // no tagged devices here
    }
    return m;
  }

  /** The EC2 flavour (Nova's get_ec2_metadata, the parts that exist here). */
  static JsonObject ec2MetaData(JsonObject facts) {
    String id = facts.getString("instance_id");
    JsonObject m = new JsonObject()
      .put("ami-id", "ami-" + hex8(facts.getString("image_id")))
      .put("ami-launch-index", facts.getInteger("launch_index", 0))
      // Nova's own value (nova/api/metadata/base.py): EC2's bundle manifest has no meaning off EC2
      .put("ami-manifest-path", "FIXME")
      .put("block-device-mapping", blockDevices(facts))
      .put("hostname", facts.getString("hostname"))
      .put("instance-action", "none")
      .put("instance-id", "i-" + hex8(id))
      .put("instance-type", facts.getString("flavor_name"))
      .put("local-hostname", facts.getString("hostname"))
      .put("placement", new JsonObject().put("availability-zone", facts.getString("availability_zone")))
      .put("reservation-id", facts.getString("reservation_id"))
      .put("security-groups", new JsonArray().add("default"));
    if (facts.getString("key_data") != null) {
      // "_name" is what the metadata API lists for public-keys/ (Nova's config drive keeps it in the file too)
      m.put("public-keys", new JsonObject().put("0", new JsonObject().put("_name", "0=" + facts.getString("key_name"))
        .put("openssh-key", facts.getString("key_data"))));
    }
    return m;
  }

  private static JsonObject blockDevices(JsonObject facts) {
    JsonObject b = new JsonObject().put("ami", "vda").put("root", "/dev/vda");
    char next = 'b';
    for (int i = 0; i < AgentVerticle.ephemerals(facts).size(); i++) {
      b.put("ephemeral" + i, "vd" + next++);
    }
    if (facts.getLong("swap_mb", 0L) > 0) {
      b.put("swap", "vd" + next);
    }
    return b;
  }

  /** EC2 ids are 8 hex digits; the uuid's first eight stand in for Nova's database ids. */
  private static String hex8(String uuid) {
    String hex = uuid == null ? "" : uuid.replace("-", "");
    return (hex + "00000000").substring(0, 8);
  }

  private static byte[] json(JsonObject o) {
    return o.encode().getBytes(StandardCharsets.UTF_8);
  }
}
