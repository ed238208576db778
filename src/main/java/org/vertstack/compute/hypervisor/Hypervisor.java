package org.vertstack.compute.hypervisor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the compute agent asks of a hypervisor. Every method blocks (native libvirt calls, disk
 * work): callers run them on worker threads, never on an event loop.
 */
public interface Hypervisor extends AutoCloseable {

  /** Power states as Nova numbers them (power_state). */
  int NOSTATE = 0;
  int RUNNING = 1;
  int PAUSED = 3;
  int SHUTDOWN = 4;
  int CRASHED = 6;
  int SUSPENDED = 7;

  /**
   * The node's inventory: vCPUs, RAM in MiB, disk in GiB, hypervisor type and version, and the
   * virtualisation in use ({@code kvm}, {@code qemu} for TCG, {@code test}) with why it was chosen.
   */
  record Inventory(int vcpus, long memoryMb, long diskGb, String type, long version, String cpuModel,
                   String virtType, String virtReason) {
  }

  /** Told when libvirt reports that an instance's domain changed power state (any cause, ours included). */
  interface PowerListener {
    void changed(String instanceId, int powerState);
  }

  /**
   * What is needed to run one instance; the base image file is null for drivers without disks.
   * Besides the root disk an instance may have ephemeral disks (the flavor's one, or those its
   * block_device_mapping_v2 asked for) and swap (MiB), attached after the root disk in that order;
   * its flavor's extra specs shape the guest ({@link GuestSpecs}); {@code configDrive} holds the
   * config drive's files by path (null: no config drive).
   */
  record Spec(String instanceId, String name, int vcpus, long memoryMb, long diskGb, Path baseImage, String baseFormat,
              List<Ephemeral> ephemerals, long swapMb, Map<String, String> extraSpecs, Map<String, byte[]> configDrive) {

    public Spec {
      ephemerals = ephemerals == null ? List.of() : List.copyOf(ephemerals);
      extraSpecs = extraSpecs == null ? Map.of() : Map.copyOf(extraSpecs);
    }

    /** A spec with the flavor's one ephemeral disk of {@code ephemeralGb} (none when 0), formatted ext4. */
    public Spec(String instanceId, String name, int vcpus, long memoryMb, long diskGb, Path baseImage, String baseFormat,
                long ephemeralGb, long swapMb, Map<String, String> extraSpecs, Map<String, byte[]> configDrive) {
      this(instanceId, name, vcpus, memoryMb, diskGb, baseImage, baseFormat,
        ephemeralGb > 0 ? List.of(new Ephemeral(ephemeralGb, null)) : List.of(), swapMb, extraSpecs, configDrive);
    }
  }

  /**
   * One ephemeral disk: its size in GiB and the file system it is made with ({@code ext2},
   * {@code ext3}, {@code ext4}, {@code vfat}; null for the default, ext4).
   */
  record Ephemeral(long sizeGb, String guestFormat) {

    /** The file systems an ephemeral disk can be made with (block_device_mapping_v2's guest_format). */
    public static final java.util.Set<String> FILE_SYSTEMS = java.util.Set.of("ext2", "ext3", "ext4", "vfat");
  }

  Inventory inventory() throws Exception;

  /** True when this driver needs the image's bytes on local disk to boot (a real hypervisor). */
  boolean needsImage();

  /** Defines and starts the domain (its disks made first). */
  void spawn(Spec spec) throws Exception;

  /** Destroys and undefines the domain and deletes its disks; a missing domain is not an error. */
  void destroy(String instanceId) throws Exception;

  void powerOff(String instanceId) throws Exception;

  void powerOn(String instanceId) throws Exception;

  void reboot(String instanceId, boolean hard) throws Exception;

  void pause(String instanceId) throws Exception;

  void unpause(String instanceId) throws Exception;

  /** Saves the guest's memory to disk and stops it; {@link #resume} starts it from there. */
  void suspend(String instanceId) throws Exception;

  void resume(String instanceId) throws Exception;

  /**
   * Copies the instance's root disk, with its backing chain folded in, to {@code target} in
   * {@code format} (qcow2 or raw), consistently: a running guest is paused for the copy and
   * resumed after. Only for drivers that {@link #needsImage() have disks}.
   */
  void captureRootDisk(String instanceId, Path target, String format) throws Exception;

  /**
   * Gives the instance the spec's vCPUs, RAM and (larger) root disk: the guest is powered off,
   * its root disk kept aside for a revert, the domain redefined, and started again if it ran.
   */
  void resize(Spec spec) throws Exception;

  /** Undoes {@link #resize}: the kept root disk comes back and the domain takes the spec again. */
  void revertResize(Spec spec) throws Exception;

  /** Drops the root disk kept by {@link #resize}. */
  void confirmResize(String instanceId) throws Exception;

  /** The power state of every instance domain this hypervisor has, by instance id. */
  Map<String, Integer> powerStates() throws Exception;

  /** The power state of one instance's domain ({@link #NOSTATE} when it has none). */
  int powerState(String instanceId) throws Exception;

  /** The last {@code maxLines} lines of the serial console ("" when there is none). */
  String consoleOutput(String instanceId, int maxLines) throws Exception;

  /** The guest's statistics now (Nova's server diagnostics); the domain must exist. */
  Diagnostics diagnostics(String instanceId) throws Exception;

  /** Registers the one listener for libvirt's lifecycle events (called on libvirt's event thread). */
  void onPowerChange(PowerListener listener);

  /**
   * Opens the running guest's serial console for an interactive session (taking it over from any
   * other client). UnsupportedOperationException where the driver has none (the test driver).
   */
  SerialConsole openConsole(String instanceId) throws Exception;

  @Override
  void close();
}
