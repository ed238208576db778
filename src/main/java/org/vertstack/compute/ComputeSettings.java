package org.vertstack.compute;

import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * The compute section of the configuration ({@code compute.*}), with its defaults in one place,
 * and the paths the compute agent keeps under the node's state directory. The keys are those of
 * conf/vertstack.json, so each has its VERTSTACK_COMPUTE_* environment variable.
 */
public record ComputeSettings(JsonObject section, Path stateDir, String publicUrl, String httpHost) {

  public static ComputeSettings from(JsonObject config) {
    String stateDir = config.getString("state-dir");
    return new ComputeSettings(config.getJsonObject("compute", new JsonObject()), stateDir == null ? null : Path.of(stateDir),
      config.getString("public-url"), config.getJsonObject("http", new JsonObject()).getString("host"));
  }

  /** This node's compute host name: {@code host}, else the machine's host name. */
  public String hostname() {
    String configured = section.getString("host", "");
    if (!configured.isBlank()) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** {@code auto}: qemu:///system when libvirtd answers, else libvirt's in-process test driver. */
  public String libvirtUri() {
    return section.getString("libvirt-uri", "auto");
  }

  /** {@code auto} (KVM when the probe guest boots on it), {@code qemu} or {@code kvm}. */
  public String virtType() {
    return section.getString("virt-type", "auto");
  }

  /** The zone a host is in when its agent reports none. */
  public String availabilityZone() {
    return section.getString("availability-zone", "nova");
  }

  /** The zone this node's agent reports, or null to leave it to the controller's default. */
  public String reportedZone() {
    return section.getString("availability-zone");
  }

  public double cpuAllocationRatio() {
    return section.getDouble("cpu-allocation-ratio", 4.0);
  }

  public double ramAllocationRatio() {
    return section.getDouble("ram-allocation-ratio", 1.0);
  }

  public double diskAllocationRatio() {
    return section.getDouble("disk-allocation-ratio", 1.0);
  }

  public long heartbeatSeconds() {
    return section.getLong("heartbeat-seconds", 10L);
  }

  /** A host whose heartbeats stopped this long ago is down. */
  public long downAfterSeconds() {
    return section.getLong("down-after-seconds", 60L);
  }

  /** Hosts a failed build is tried on (Nova's max_attempts). */
  public int maxBuildAttempts() {
    return section.getInteger("max-build-attempts", 3);
  }

  /** The scheduler's weigher: {@code spread} or {@code pack}. */
  public String hostWeigher() {
    return section.getString("host-weigher", "spread");
  }

  /** A config drive for every instance this node builds (Nova's force_config_drive). */
  public boolean forceConfigDrive() {
    return section.getBoolean("force-config-drive", false);
  }

  /** How long os-stop waits for a clean ACPI shutdown before powering off. */
  public long shutdownTimeoutMs() {
    return section.getLong("shutdown-timeout-ms", 10_000L);
  }

  public long powerSyncSeconds() {
    return section.getLong("power-sync-seconds", 30L);
  }

  /** How often the controller looks for hosts gone down with builds. */
  public long watchdogSeconds() {
    return section.getLong("watchdog-seconds", 5L);
  }

  /** Fault injection for tests: every build waits this long first. */
  public long testBuildDelayMs() {
    return section.getLong("test-build-delay-ms", 0L);
  }

  /** Nova's metadata_proxy_shared_secret; empty: one made at the first start and kept in {@link #computeDir()}. */
  public String metadataProxySharedSecret() {
    return section.getString("metadata-proxy-shared-secret", "");
  }

  /** The compute service's own files in the state directory. */
  public Path computeDir() {
    return stateDir.resolve("compute");
  }

  /** The KVM probe's remembered answer (see KvmProbe): only a first start pays for the probe. */
  public Path kvmProbeMemory() {
    return computeDir().resolve("kvm-probe.properties");
  }

  /** Base images downloaded from the image service, shared by the instances built on them. */
  public Path baseDir() {
    return stateDir.resolve("compute").resolve("base");
  }

  /** One directory per instance: its disks and console log. */
  public Path instancesDir() {
    return stateDir.resolve("compute").resolve("instances");
  }

  /** Snapshots on their way to the image service. */
  public Path snapshotDir() {
    return stateDir.resolve("compute").resolve("snapshots");
  }
}
