package org.vertstack.compute;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * One scheduling decision, in memory: Nova's filters (enabled and up, availability zone, hosts
 * already tried, free vCPUs, RAM and disk under the allocation ratios) and its RAM weigher
 * (spread: most free RAM first; pack: least), keeping only the best few candidates (one pass and
 * a bounded heap, so 10,000 hosts cost a few hundred microseconds). A server group's policy is
 * Nova's ServerGroup(Anti)AffinityFilter (hard) or its soft weighers (members on the host first,
 * or last, before RAM). The claim that follows is atomic in PostgreSQL (the group's policy too);
 * a candidate that filled up in between just moves the claim to the next.
 */
final class HostChooser {

  /** A host as the scheduler sees it. */
  record HostState(String id, String hostname, boolean enabled, boolean up, String zone,
                   int vcpus, int vcpusUsed, double cpuRatio, long memoryMb, long memoryMbUsed, double ramRatio,
                   long diskGb, long diskGbUsed, double diskRatio, int groupMembers) {

    HostState(String id, String hostname, boolean enabled, boolean up, String zone,
              int vcpus, int vcpusUsed, double cpuRatio, long memoryMb, long memoryMbUsed, double ramRatio,
              long diskGb, long diskGbUsed, double diskRatio) {
      this(id, hostname, enabled, up, zone, vcpus, vcpusUsed, cpuRatio, memoryMb, memoryMbUsed, ramRatio, diskGb, diskGbUsed,
        diskRatio, 0);
    }

    long freeRamMb() {
      return (long) Math.floor(memoryMb * ramRatio) - memoryMbUsed;
    }
  }

  /**
   * What an instance needs, and where it may go. {@code groupPolicy}: its server group's policy,
   * or null; {@code groupPlaced}: whether any member of an affinity group already has a host.
   */
  record Demand(int vcpus, long ramMb, long diskGb, String zone, Set<String> excluded,
                String groupPolicy, int maxPerHost, boolean groupPlaced) {

    Demand(int vcpus, long ramMb, long diskGb, String zone, Set<String> excluded) {
      this(vcpus, ramMb, diskGb, zone, excluded, null, Integer.MAX_VALUE, false);
    }
  }

  private HostChooser() {
  }

  /** Up to {@code limit} hosts that pass every filter, best first. */
  static List<HostState> rank(Collection<HostState> hosts, Demand d, boolean pack, int limit) {
    Comparator<HostState> ram = Comparator.comparingLong(HostState::freeRamMb);
    if (pack) {
      ram = ram.reversed();
    }
    Comparator<HostState> better = ram;
    if ("soft-affinity".equals(d.groupPolicy())) {
      better = Comparator.comparingInt(HostState::groupMembers).thenComparing(ram);
    } else if ("soft-anti-affinity".equals(d.groupPolicy())) {
      better = Comparator.comparingInt(HostState::groupMembers).reversed().thenComparing(ram);
    }
    better = better.thenComparing(HostState::id, Comparator.reverseOrder());
    // a min-heap of the best `limit` seen so far: its head is the worst of them
    PriorityQueue<HostState> best = new PriorityQueue<>(limit + 1, better);
    for (HostState h : hosts) {
      if (!passes(h, d)) {
        continue;
      }
      if (best.size() < limit) {
        best.add(h);
      } else if (better.compare(h, best.peek()) > 0) {
        best.poll();
        best.add(h);
      }
    }
    List<HostState> out = new ArrayList<>(best);
    out.sort(better.reversed());
    return out;
  }

  static boolean passes(HostState h, Demand d) {
    return h.enabled() && h.up()
      && (d.zone() == null || d.zone().equals(h.zone()))
      && !d.excluded().contains(h.id())
      && (!"affinity".equals(d.groupPolicy()) || !d.groupPlaced() || h.groupMembers() > 0)
      && (!"anti-affinity".equals(d.groupPolicy()) || h.groupMembers() < d.maxPerHost())
      && h.vcpusUsed() + d.vcpus() <= Math.floor(h.vcpus() * h.cpuRatio())
      && h.memoryMbUsed() + d.ramMb() <= Math.floor(h.memoryMb() * h.ramRatio())
      && h.diskGbUsed() + d.diskGb() <= Math.floor(h.diskGb() * h.diskRatio());
  }
}
