package org.vertstack.compute.hypervisor;

import org.libvirt.Domain;
import org.libvirt.DomainBlockStats;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInterfaceStats;
import org.libvirt.LibvirtException;
import org.libvirt.MemoryStatistic;
import org.libvirt.VcpuInfo;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a running domain's statistics from libvirt for {@link Diagnostics}: its info, per-vCPU
 * times, balloon memory statistics, and the counters of each disk and interface its XML names.
 * Each counter libvirt's driver cannot give (the test driver has few) is left null. Blocks.
 */
final class DomainStats {

  /** libvirt's memory statistic tags in order (virDomainMemoryStatTags), named as libvirt's Python binding names them. */
  private static final List<String> MEMORY_TAGS = List.of("swap_in", "swap_out", "major_fault", "minor_fault", "unused",
    "available", "actual", "rss", "usable", "last_update", "disk_caches", "hugetlb_pgalloc", "hugetlb_pgfail");

  private DomainStats() {
  }

  static Diagnostics read(Domain d, String virtType) throws Exception {
    DomainInfo info = d.getInfo();
    List<Long> vcpuTimes = new ArrayList<>();
    try {
      for (VcpuInfo v : d.getVcpusInfo()) {
        vcpuTimes.add(v.cpuTime);
      }
    } catch (LibvirtException e) {
      for (int i = 0; i < info.nrVirtCpu; i++) {
        vcpuTimes.add(null);
      }
    }
    Map<String, Long> memory = new LinkedHashMap<>();
    try {
      for (MemoryStatistic m : d.memoryStats(MEMORY_TAGS.size())) {
        if (m.getTag() >= 0 && m.getTag() < MEMORY_TAGS.size()) {
          memory.put(MEMORY_TAGS.get(m.getTag()), m.getValue());
        }
      }
    } catch (LibvirtException e) {
      // no balloon statistics from this driver or guest
    }
    Document xml = parse(d.getXMLDesc(0));
    List<Diagnostics.Disk> disks = new ArrayList<>();
    boolean configDrive = false;
    NodeList diskNodes = xml.getElementsByTagName("disk");
    for (int i = 0; i < diskNodes.getLength(); i++) {
      Element disk = (Element) diskNodes.item(i);
      String dev = attribute(disk, "target", "dev");
      if (dev == null) {
        continue;
      }
      configDrive |= "cdrom".equals(disk.getAttribute("device"));
      DomainBlockStats s = null;
      try {
        s = d.blockStats(dev);
      } catch (LibvirtException e) {
        // counters unreadable (no such backing file in the test driver)
      }
      disks.add(s == null ? new Diagnostics.Disk(dev, null, null, null, null, null)
        : new Diagnostics.Disk(dev, s.rd_req, s.rd_bytes, s.wr_req, s.wr_bytes, s.errs));
    }
    List<Diagnostics.Nic> nics = new ArrayList<>();
    NodeList nicNodes = xml.getElementsByTagName("interface");
    for (int i = 0; i < nicNodes.getLength(); i++) {
      Element nic = (Element) nicNodes.item(i);
      String dev = attribute(nic, "target", "dev");
      String mac = attribute(nic, "mac", "address");
      DomainInterfaceStats s = null;
      try {
        s = dev == null ? null : d.interfaceStats(dev);
      } catch (LibvirtException e) {
        // counters unreadable
      }
      nics.add(s == null ? new Diagnostics.Nic(dev, mac, null, null, null, null, null, null, null, null)
        : new Diagnostics.Nic(dev, mac, s.rx_bytes, s.rx_packets, s.rx_errs, s.rx_drop, s.tx_bytes, s.tx_packets, s.tx_errs, s.tx_drop));
    }
    return new Diagnostics(LibvirtHypervisor.powerState(info.state), virtType, info.nrVirtCpu, vcpuTimes, info.maxMem,
      info.memory, memory, configDrive, disks, nics);
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  /** The attribute of the element's first child named {@code child}, or null. */
  private static String attribute(Element parent, String child, String name) {
    NodeList list = parent.getElementsByTagName(child);
    if (list.getLength() == 0) {
      return null;
    }
    String v = ((Element) list.item(0)).getAttribute(name);
    return v.isEmpty() ? null : v;
  }
}
