package org.vertstack.compute;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.vertstack.common.http.Errors;
import org.vertstack.compute.hypervisor.Hypervisor;

import java.util.ArrayList;
import java.util.List;

/**
 * A server create's {@code block_device_mapping_v2}, read as Nova reads it: the entries' form as
 * nova/block_device.py's {@code BlockDeviceDict.from_api} checks it, then against the flavor as
 * nova/compute/api.py's {@code _validate_bdm} does, with Nova's messages. Local entries are served
 * here: {@code image → local} at boot index 0 is the root disk from the image, {@code blank →
 * local} an ephemeral disk of {@code volume_size} GiB (the flavor's ephemeral size when absent),
 * or swap of {@code volume_size} MiB (Nova's unit for swap) with {@code guest_format: swap}.
 * Ephemeral entries replace the flavor's ephemeral disk and a swap entry its swap, as in Nova.
 * Entries naming volumes are for the block-storage service ({@link BlockDevices}).
 */
final class BlockDeviceMappings {

  /** Nova's max_local_block_devices default: local disks one request may ask for, root included. */
  static final int MAX_LOCAL = 3;

  /** The entries read: whether any needs the volume service, the root image, the blank local entries and the boot indexes. */
  record Parsed(boolean needsVolumes, String rootImage, List<Blank> blanks, List<Integer> bootIndexes, int locals) {

    Parsed {
      blanks = List.copyOf(blanks);
      bootIndexes = List.copyOf(bootIndexes);
    }
  }

  /** A blank local entry: its size as given (0 when absent) and guest_format (null when absent). */
  record Blank(long size, String guestFormat) {

    boolean swap() {
      return "swap".equals(guestFormat);
    }
  }

  private BlockDeviceMappings() {
  }

  static RuntimeException invalid(String details) {
    return Errors.badRequest("Block Device Mapping is Invalid: " + details);
  }

  /** Reads the list; {@code imageRefGiven}: the request has an imageRef (Nova allows image → local only then). */
  static Parsed parse(JsonArray mappings, boolean imageRefGiven) {
    boolean volumes = false;
    String root = null;
    List<Blank> blanks = new ArrayList<>();
    List<Integer> bootIndexes = new ArrayList<>();
    int locals = 0;
    for (Object o : mappings) {
      if (!(o instanceof JsonObject m)) {
        throw Errors.badRequest("Invalid input for field/attribute block_device_mapping_v2: items must be objects.");
      }
      if (m.getValue("no_device") != null && !Boolean.FALSE.equals(m.getValue("no_device"))) {
        continue; // Nova skips such an entry
      }
      String source = m.getString("source_type");
      if (!List.of("volume", "image", "snapshot", "blank").contains(String.valueOf(source))) {
        throw invalid("Invalid source_type field.");
      }
      boolean toVolume = m.containsKey("destination_type") ? "volume".equals(m.getString("destination_type"))
        : "volume".equals(source) || "snapshot".equals(source);
      String uuid = m.getString("uuid");
      if ("blank".equals(source) && uuid != null) {
        throw invalid("Invalid device UUID.");
      }
      if (!"blank".equals(source) && uuid == null) {
        throw invalid("Missing device UUID.");
      }
      int bootIndex = bootIndex(m.getValue("boot_index"));
      if ("image".equals(source) && !toVolume) {
        if (!(imageRefGiven && bootIndex == 0)) {
          throw invalid("Mapping image to local is not supported.");
        }
        root = uuid;
      }
      if (!toVolume && m.getValue("volume_type") != null) {
        throw invalid("Specifying a volume_type with destination_type=local is not supported.");
      }
      if ("volume".equals(source) && m.getValue("volume_type") != null) {
        throw invalid("Specifying volume type to existing volume is not supported.");
      }
      if (bootIndex >= 0) {
        bootIndexes.add(bootIndex);
      }
      if (toVolume || !"image".equals(source) && !"blank".equals(source)) {
        volumes = true;
        continue;
      }
      locals++;
      if ("blank".equals(source)) {
        String format = m.getString("guest_format");
        if (format != null && !"swap".equals(format) && !Hypervisor.Ephemeral.FILE_SYSTEMS.contains(format)) {
          throw invalid("guest_format " + format + " is not one this cloud can make: swap or one of "
            + new java.util.TreeSet<>(Hypervisor.Ephemeral.FILE_SYSTEMS) + ".");
        }
        blanks.add(new Blank(size(m.getValue("volume_size")), format));
      }
    }
    return new Parsed(volumes, root, blanks, bootIndexes, locals);
  }

  private static int bootIndex(Object v) {
    if (v == null) {
      return -1; // None is -1 in Nova: not a boot device
    }
    try {
      return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw invalid("Boot index " + v + " is invalid.");
    }
  }

  private static long size(Object v) {
    if (v == null) {
      return 0;
    }
    try {
      return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw Errors.badRequest("Invalid input for field/attribute volume_size. Value: " + v + ". It must be an integer.");
    }
  }

  /**
   * Checks the local entries against the flavor and answers the instance's local disks
   * ({@code {"ephemerals": [{"size_gb", "guest_format"}], "swap_mb"}}), or null when the list asks
   * for none (the flavor's disks then). The root disk is always the image's here: without an
   * image entry in the list it counts as boot index 0 (as the entry novaclient adds would).
   */
  static JsonObject localDisks(Parsed p, JsonObject flavor) {
    List<Integer> indexes = new ArrayList<>(p.bootIndexes());
    if (p.rootImage() == null) {
      indexes.add(0);
    }
    indexes.sort(null);
    boolean sequence = !indexes.isEmpty();
    for (int i = 0; i < indexes.size(); i++) {
      sequence &= indexes.get(i) == i;
    }
    if (!sequence) {
      throw invalid("Boot sequence for the instance and image/block device mapping combination is not valid.");
    }
    long flavorEphemeral = flavor.getInteger("ephemeral", 0);
    long flavorSwap = flavor.getInteger("swap", 0);
    List<Blank> ephemerals = p.blanks().stream().filter(b -> !b.swap()).toList();
    List<Blank> swaps = p.blanks().stream().filter(Blank::swap).toList();
    long ephemeralTotal = ephemerals.stream().mapToLong(b -> b.size() > 0 ? b.size() : flavorEphemeral).sum();
    if (ephemeralTotal > flavorEphemeral) {
      throw Errors.badRequest("Ephemeral disks requested are larger than the instance type allows. If no size is given "
        + "in one block device mapping, flavor ephemeral size will be used.");
    }
    if (swaps.size() > 1) {
      throw invalid("More than one swap drive requested.");
    }
    if (!swaps.isEmpty() && swaps.get(0).size() > flavorSwap) {
      throw Errors.badRequest("Swap drive requested is larger than instance type allows.");
    }
    // the flavor's disks that the list does not replace count as local devices too
    int locals = p.locals() + (ephemerals.isEmpty() && flavorEphemeral > 0 ? 1 : 0) + (swaps.isEmpty() && flavorSwap > 0 ? 1 : 0);
    if (locals > MAX_LOCAL) {
      throw invalid("You specified more local devices than the limit allows");
    }
    if (p.blanks().isEmpty()) {
      return null;
    }
    JsonArray disks = new JsonArray();
    if (ephemerals.isEmpty() && flavorEphemeral > 0) {
      disks.add(new JsonObject().put("size_gb", flavorEphemeral).putNull("guest_format"));
    }
    for (Blank b : ephemerals) {
      long size = b.size() > 0 ? b.size() : flavorEphemeral;
      if (size <= 0) {
        throw invalid("An ephemeral disk needs a size: give volume_size, or use a flavor with an ephemeral disk.");
      }
      disks.add(new JsonObject().put("size_gb", size).put("guest_format", b.guestFormat()));
    }
    // a swap entry without a size gives no swap (Nova's swap_is_usable), and replaces the flavor's all the same
    long swap = swaps.isEmpty() ? flavorSwap : swaps.get(0).size();
    return new JsonObject().put("ephemerals", disks).put("swap_mb", swap);
  }
}
