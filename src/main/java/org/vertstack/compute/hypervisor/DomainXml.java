package org.vertstack.compute.hypervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** libvirt domain definitions for the two drivers. Values are ids and paths we made ourselves. */
final class DomainXml {

  private DomainXml() {
  }

  /**
   * A domain of libvirt's test driver: no file is made, but the domain names the disks a real
   * guest would have, in the same order, so that the layout is visible without QEMU.
   */
  static String test(String name, Hypervisor.Spec spec, Disks disks) {
    return """
      <domain type='test'>
        <name>%s</name>
        <uuid>%s</uuid>
        <memory unit='MiB'>%d</memory>
        <vcpu>%d</vcpu>
        <os><type arch='x86_64'>hvm</type></os>
        <devices>
      %s  </devices>
      </domain>
      """.formatted(name, spec.instanceId(), spec.memoryMb(), spec.vcpus(), disks(disks, Map.of()));
  }

  /** The instance's local disks: the ephemeral ones in order; a null path is a disk it does not have. */
  record Disks(Path root, List<Path> ephemerals, Path swap, Path configDrive) {

    Disks {
      ephemerals = ephemerals == null ? List.of() : List.copyOf(ephemerals);
    }
  }

  /**
   * A guest under QEMU: virtType {@code qemu} is TCG emulation (works everywhere), {@code kvm}
   * needs hardware virtualisation that really runs guests. The serial console is a pty
   * (an interactive console opens it as a libvirt stream) whose output virtlogd also writes to a
   * file ({@code append='on'}: kept across restarts) that os-getConsoleOutput reads. QEMU runs as root
   * for these domains (a static DAC label) because the state directory may sit under a private
   * directory that the libvirt-qemu user cannot traverse.
   *
   * <p>Disks as Nova's libvirt driver lays them out: the root disk vda, then the ephemeral disks
   * and swap on the next virtio names (vdb, vdc, ...), the config drive a read-only IDE cdrom on the
   * bus's last name (hdd). The flavor's {@code quota:disk_*} limits are an iotune on every
   * writable disk, its CPU topology and {@code quota:cpu_*} a cpu topology and a cputune.
   */
  static String qemu(String virtType, String name, Hypervisor.Spec spec, Disks disks, Path console) {
    String devices = disks(disks, GuestSpecs.iotune(spec.extraSpecs()));
    return """
      <domain type='%s'>
        <name>%s</name>
        <uuid>%s</uuid>
        <memory unit='MiB'>%d</memory>
        <vcpu>%d</vcpu>
      %s%s  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
        <features><acpi/><apic/></features>
        <on_poweroff>destroy</on_poweroff>
        <on_reboot>restart</on_reboot>
        <on_crash>destroy</on_crash>
        <devices>
      %s      <serial type='pty'>
              <log file='%s' append='on'/>
              <target port='0'/>
            </serial>
            <memballoon model='virtio'/>
          </devices>
          <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
        </domain>
      """.formatted(virtType, name, spec.instanceId(), spec.memoryMb(), spec.vcpus(), cpu(spec), cputune(spec),
      devices, escape(console.toAbsolutePath().toString()));
  }

  /** The disk elements: root vda, the ephemeral disks and swap on the next virtio names, the config drive as hdd. */
  private static String disks(Disks disks, Map<String, String> iotune) {
    StringBuilder devices = new StringBuilder();
    List<Path> writable = new ArrayList<>();
    writable.add(disks.root());
    writable.addAll(disks.ephemerals());
    if (disks.swap() != null) {
      writable.add(disks.swap());
    }
    char next = 'a';
    for (Path disk : writable) {
      devices.append(disk(disk, "vd" + next++, iotune));
    }
    if (disks.configDrive() != null) {
      devices.append("""
            <disk type='file' device='cdrom'>
              <driver name='qemu' type='raw'/>
              <source file='%s'/>
              <target dev='hdd' bus='ide'/>
              <readonly/>
            </disk>
        """.formatted(escape(disks.configDrive().toAbsolutePath().toString())));
    }
    return devices.toString();
  }

  private static String disk(Path file, String target, Map<String, String> iotune) {
    StringBuilder limits = new StringBuilder();
    if (!iotune.isEmpty()) {
      limits.append("      <iotune>");
      iotune.forEach((k, v) -> limits.append('<').append(k).append('>').append(v).append("</").append(k).append('>'));
      limits.append("</iotune>\n");
    }
    return """
            <disk type='file' device='disk'>
              <driver name='qemu' type='qcow2'/>
              <source file='%s'/>
              <target dev='%s' bus='virtio'/>
        %s    </disk>
        """.formatted(escape(file.toAbsolutePath().toString()), target, limits.isEmpty() ? "" : "    " + limits);
  }

  private static String cpu(Hypervisor.Spec spec) {
    GuestSpecs.Topology t = GuestSpecs.topology(spec.vcpus(), spec.extraSpecs());
    return t == null ? "" : "  <cpu><topology sockets='%d' cores='%d' threads='%d'/></cpu>\n".formatted(t.sockets(), t.cores(), t.threads());
  }

  private static String cputune(Hypervisor.Spec spec) {
    Map<String, String> tune = GuestSpecs.cputune(spec.extraSpecs());
    if (tune.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("  <cputune>");
    tune.forEach((k, v) -> out.append('<').append(k).append('>').append(v).append("</").append(k).append('>'));
    return out.append("</cputune>\n").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
