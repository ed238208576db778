package org.vertstack.compute.hypervisor;

import java.util.List;
import java.util.Map;

/**
 * What the hypervisor reports about one running guest (Nova's server diagnostics). A value the
 * driver cannot read is null; memory in KiB, times in nanoseconds, as libvirt counts them.
 */
public record Diagnostics(int powerState, String virtType, int vcpus, List<Long> vcpuTimesNs, Long maxMemoryKib, Long memoryKib,
                          Map<String, Long> memoryStats, boolean configDrive, List<Disk> disks, List<Nic> nics) {

  /** One disk by its target device (vda, hdd...); counters null when unreadable. */
  public record Disk(String device, Long readRequests, Long readBytes, Long writeRequests, Long writeBytes, Long errors) {
  }

  /** One network interface by its host-side device (vnet0...) and MAC. */
  public record Nic(String device, String mac, Long rxBytes, Long rxPackets, Long rxErrors, Long rxDrop,
                    Long txBytes, Long txPackets, Long txErrors, Long txDrop) {
  }
}
