package org.vertstack.compute.hypervisor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flavor extra specs that change how a guest is built under libvirt, as Nova's libvirt driver
 * reads them: {@code hw:cpu_sockets/cores/threads} (the preferred CPU topology),
 * {@code quota:cpu_shares/cpu_period/cpu_quota} ({@code <cputune>}) and
 * {@code quota:disk_{read,write,total}_{bytes,iops}_sec} ({@code <iotune>} on every local disk).
 * Other keys are left alone. {@link #check} is the value check of the flavor API.
 */
public final class GuestSpecs {

  private GuestSpecs() {
  }

  private static final List<String> TOPOLOGY = List.of("hw:cpu_sockets", "hw:cpu_cores", "hw:cpu_threads");
  /** quota:cpu_* to libvirt's cputune element, in libvirt's order. */
  private static final Map<String, String> CPUTUNE = ordered("quota:cpu_shares", "shares", "quota:cpu_period", "period",
    "quota:cpu_quota", "quota");
  /** quota:disk_* to libvirt's iotune element (the six Nova's libvirt driver supports). */
  private static final Map<String, String> IOTUNE = ordered(
    "quota:disk_total_bytes_sec", "total_bytes_sec", "quota:disk_read_bytes_sec", "read_bytes_sec",
    "quota:disk_write_bytes_sec", "write_bytes_sec", "quota:disk_total_iops_sec", "total_iops_sec",
    "quota:disk_read_iops_sec", "read_iops_sec", "quota:disk_write_iops_sec", "write_iops_sec");

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m); // kept in libvirt's order
  }

  /**
   * Null when the value suits the key (or the key is not one read here), else why not. The ranges
   * are libvirt's (cgroup CPU shares 0-262144, period 1000-1000000 us, quota -1 or 1000 us and more).
   */
  public static String check(String key, String value) {
    if (TOPOLOGY.contains(key)) {
      return range(key, value, 1, 1024);
    }
    return switch (key) {
      case "quota:cpu_shares" -> range(key, value, 0, 262_144);
      case "quota:cpu_period" -> range(key, value, 1000, 1_000_000);
      case "quota:cpu_quota" -> "-1".equals(value.trim()) ? null : range(key, value, 1000, 17_592_186_044_415L);
      default -> IOTUNE.containsKey(key) ? range(key, value, 0, Long.MAX_VALUE) : null;
    };
  }

  private static String range(String key, String value, long min, long max) {
    try {
      long n = Long.parseLong(value.trim());
      if (n >= min && n <= max) {
        return null;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    return "Validation failed; " + key + " must be an integer from " + min + " to " + max + " ('" + value + "' given).";
  }

  /** A CPU topology. */
  public record Topology(int sockets, int cores, int threads) {
  }

  /**
   * The topology for {@code vcpus}, or null when the flavor states no preference (libvirt's
   * default then applies). As in Nova the values are preferences: of every sockets x cores x
   * threads = vcpus, the one matching most of them wins, ties going to more sockets, then more
   * cores (Nova's order); a preference that cannot be met is never an error.
   */
  public static Topology topology(int vcpus, Map<String, String> specs) {
    Integer[] wanted = new Integer[3];
    boolean any = false;
    for (int i = 0; i < 3; i++) {
      String v = specs.get(TOPOLOGY.get(i));
      if (v != null && check(TOPOLOGY.get(i), v) == null) {
        wanted[i] = Integer.parseInt(v.trim());
        any = true;
      }
    }
    if (!any) {
      return null;
    }
    List<Topology> possible = new ArrayList<>();
    for (int s = 1; s <= vcpus; s++) {
      for (int c = 1; s * c <= vcpus; c++) {
        if (vcpus % (s * c) == 0) {
          possible.add(new Topology(s, c, vcpus / (s * c)));
        }
      }
    }
    return possible.stream().max(Comparator.<Topology>comparingInt(t -> matches(t, wanted))
      .thenComparingInt(Topology::sockets).thenComparingInt(Topology::cores)).orElseThrow();
  }

  private static int matches(Topology t, Integer[] wanted) {
    int[] has = {t.sockets(), t.cores(), t.threads()};
    int n = 0;
    for (int i = 0; i < 3; i++) {
      if (wanted[i] != null && wanted[i] == has[i]) {
        n++;
      }
    }
    return n;
  }

  /** libvirt's cputune children (shares, period, quota) the flavor sets, in order. */
  public static Map<String, String> cputune(Map<String, String> specs) {
    return pick(CPUTUNE, specs);
  }

  /** libvirt's iotune children the flavor sets. */
  public static Map<String, String> iotune(Map<String, String> specs) {
    return pick(IOTUNE, specs);
  }

  private static Map<String, String> pick(Map<String, String> names, Map<String, String> specs) {
    Map<String, String> out = new LinkedHashMap<>();
    names.forEach((key, element) -> {
      String v = specs.get(key);
      if (v != null && check(key, v) == null) {
        out.put(element, String.valueOf(Long.parseLong(v.trim())));
      }
    });
    return out;
  }
}
