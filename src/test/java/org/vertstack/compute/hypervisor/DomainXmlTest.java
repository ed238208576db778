package org.vertstack.compute.hypervisor;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The QEMU domain definition: the flavor's extra disks, the config drive, and the extra specs that shape the guest. */
class DomainXmlTest {

  private static final Path DIR = Path.of("/var/lib/vs/instances/i1");

  private static Hypervisor.Spec spec(int vcpus, Map<String, String> extraSpecs) {
    return new Hypervisor.Spec("4b1c3c3e-0000-4000-8000-000000000001", "vm", vcpus, 256, 1, null, "qcow2", 1, 64, extraSpecs, null);
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static String xpath(Document doc, String expr) throws Exception {
    return (String) XPathFactory.newInstance().newXPath().evaluate(expr, doc, XPathConstants.STRING);
  }

  private static double count(Document doc, String expr) throws Exception {
    return (Double) XPathFactory.newInstance().newXPath().evaluate("count(" + expr + ")", doc, XPathConstants.NUMBER);
  }

  @Test
  void ephemeralAndSwapFollowTheRootDiskAndTheConfigDriveIsAReadOnlyCdrom() throws Exception {
    Document doc = parse(DomainXml.qemu("qemu", "vs-i1", spec(1, Map.of()), new DomainXml.Disks(DIR.resolve("disk"),
      List.of(DIR.resolve("disk.eph0")), DIR.resolve("disk.swap"), DIR.resolve("disk.config")), DIR.resolve("console.log")));
    assertThat(xpath(doc, "/domain/devices/disk[target/@dev='vda']/source/@file")).isEqualTo(DIR + "/disk");
    assertThat(xpath(doc, "/domain/devices/disk[target/@dev='vdb']/source/@file")).isEqualTo(DIR + "/disk.eph0");
    assertThat(xpath(doc, "/domain/devices/disk[target/@dev='vdc']/source/@file")).isEqualTo(DIR + "/disk.swap");
    assertThat(xpath(doc, "/domain/devices/disk[target/@dev='vdc']/driver/@type")).isEqualTo("qcow2");
    assertThat(xpath(doc, "/domain/devices/disk[@device='cdrom']/source/@file")).isEqualTo(DIR + "/disk.config");
    assertThat(xpath(doc, "/domain/devices/disk[@device='cdrom']/target/@bus")).isEqualTo("ide");
    assertThat(xpath(doc, "/domain/devices/disk[@device='cdrom']/driver/@type")).isEqualTo("raw");
    assertThat(count(doc, "/domain/devices/disk[@device='cdrom']/readonly")).isEqualTo(1);
    assertThat(count(doc, "/domain/devices/disk")).isEqualTo(4);
    // nothing asked for: no cpu or cputune element, no iotune
    assertThat(count(doc, "/domain/cpu")).isZero();
    assertThat(count(doc, "/domain/cputune")).isZero();
    assertThat(count(doc, "//iotune")).isZero();
  }

  @Test
  void swapAloneIsVdbAndAGuestWithoutExtrasHasOneDisk() throws Exception {
    Document swapOnly = parse(DomainXml.qemu("kvm", "vs-i1", spec(1, Map.of()),
      new DomainXml.Disks(DIR.resolve("disk"), List.of(), DIR.resolve("disk.swap"), null), DIR.resolve("console.log")));
    assertThat(xpath(swapOnly, "/domain/@type")).isEqualTo("kvm");
    assertThat(xpath(swapOnly, "/domain/devices/disk[target/@dev='vdb']/source/@file")).isEqualTo(DIR + "/disk.swap");
    assertThat(count(swapOnly, "/domain/devices/disk")).isEqualTo(2);
    Document plain = parse(DomainXml.qemu("qemu", "vs-i1", spec(1, Map.of()),
      new DomainXml.Disks(DIR.resolve("disk"), List.of(), null, null), DIR.resolve("console.log")));
    assertThat(count(plain, "/domain/devices/disk")).isEqualTo(1);
    assertThat(xpath(plain, "/domain/serial/log/@file|/domain/devices/serial/log/@file")).isEqualTo(DIR + "/console.log");
  }

  @Test
  void extraSpecsBecomeTopologyCputuneAndIotuneOnEveryWritableDisk() throws Exception {
    Map<String, String> specs = Map.of("hw:cpu_sockets", "2", "hw:cpu_threads", "2", "quota:cpu_shares", "2048",
      "quota:cpu_period", "100000", "quota:cpu_quota", "50000", "quota:disk_read_bytes_sec", "10485760",
      "quota:disk_write_iops_sec", "300", "hw:numa_nodes", "1");
    Document doc = parse(DomainXml.qemu("qemu", "vs-i1", spec(4, specs), new DomainXml.Disks(DIR.resolve("disk"),
      List.of(DIR.resolve("disk.eph0")), null, DIR.resolve("disk.config")), DIR.resolve("console.log")));
    assertThat(xpath(doc, "/domain/cpu/topology/@sockets")).isEqualTo("2");
    assertThat(xpath(doc, "/domain/cpu/topology/@cores")).isEqualTo("1");
    assertThat(xpath(doc, "/domain/cpu/topology/@threads")).isEqualTo("2");
    assertThat(xpath(doc, "/domain/cputune/shares")).isEqualTo("2048");
    assertThat(xpath(doc, "/domain/cputune/period")).isEqualTo("100000");
    assertThat(xpath(doc, "/domain/cputune/quota")).isEqualTo("50000");
    assertThat(count(doc, "/domain/devices/disk[@device='disk']/iotune")).isEqualTo(2);
    assertThat(xpath(doc, "/domain/devices/disk[target/@dev='vdb']/iotune/read_bytes_sec")).isEqualTo("10485760");
    assertThat(xpath(doc, "/domain/devices/disk[target/@dev='vda']/iotune/write_iops_sec")).isEqualTo("300");
    assertThat(count(doc, "/domain/devices/disk[@device='cdrom']/iotune")).isZero();
  }

  @Test
  void aPathWithMarkupIsEscaped() throws Exception {
    Path odd = Path.of("/tmp/it's <odd> & so");
    Document doc = parse(DomainXml.qemu("qemu", "vs-i1", spec(1, Map.of()),
      new DomainXml.Disks(odd.resolve("disk"), List.of(), null, odd.resolve("disk.config")), odd.resolve("console.log")));
    assertThat(xpath(doc, "/domain/devices/disk[@device='cdrom']/source/@file")).isEqualTo(odd + "/disk.config");
  }
}
