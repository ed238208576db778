package org.vertstack.compute.hypervisor;

import java.nio.file.Path;

/** libvirt domain definitions for the two drivers. Values are ids and paths we made ourselves. */
final class DomainXml {

  private DomainXml() {
  }

  static String test(String name, Hypervisor.Spec spec) {
    return """
      <domain type='test'>
        <name>%s</name>
        <uuid>%s</uuid>
        <memory unit='MiB'>%d</memory>
        <vcpu>%d</vcpu>
        <os><type arch='x86_64'>hvm</type></os>
      </domain>
      """.formatted(name, spec.instanceId(), spec.memoryMb(), spec.vcpus());
  }

  /**
   * A guest under QEMU: virtType {@code qemu} is TCG emulation (works everywhere), {@code kvm}
   * needs hardware virtualisation that really runs guests. The serial console is a pty
   * (an interactive console opens it as a libvirt stream) whose output virtlogd also writes to a
   * file ({@code append='on'}: kept across restarts) that os-getConsoleOutput reads. QEMU runs as root
   * for these domains (a static DAC label) because the state directory may sit under a private
   * directory that the libvirt-qemu user cannot traverse.
   */
  static String qemu(String virtType, String name, Hypervisor.Spec spec, Path disk, Path console) {
    return """
      <domain type='%s'>
        <name>%s</name>
        <uuid>%s</uuid>
        <memory unit='MiB'>%d</memory>
        <vcpu>%d</vcpu>
        <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
        <features><acpi/><apic/></features>
        <on_poweroff>destroy</on_poweroff>
        <on_reboot>restart</on_reboot>
        <on_crash>destroy</on_crash>
        <devices>
          <disk type='file' device='disk'>
            <driver name='qemu' type='qcow2'/>
            <source file='%s'/>
            <target dev='vda' bus='virtio'/>
          </disk>
          <serial type='pty'>
            <log file='%s' append='on'/>
            <target port='0'/>
          </serial>
          <memballoon model='virtio'/>
        </devices>
        <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
      </domain>
      """.formatted(virtType, name, spec.instanceId(), spec.memoryMb(), spec.vcpus(),
      escape(disk.toAbsolutePath().toString()), escape(console.toAbsolutePath().toString()));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
