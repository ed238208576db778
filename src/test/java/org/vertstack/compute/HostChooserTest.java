package org.vertstack.compute;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler's filters and weigher, without a database. */
class HostChooserTest {

  private static HostChooser.HostState host(String id, boolean enabled, boolean up, String zone, int vcpusUsed, long ramUsed) {
    return new HostChooser.HostState(id, id, enabled, up, zone, 4, vcpusUsed, 2.0, 1000, ramUsed, 1.0, 100, 0, 1.0);
  }

  @Test
  void filtersDropHostsThatCannotTakeTheInstanceAndTheWeigherSpreadsOrPacks() {
    List<HostChooser.HostState> hosts = List.of(
      host("roomy", true, true, "nova", 0, 100),
      host("half", true, true, "nova", 0, 500),
      host("nearly-full", true, true, "nova", 0, 800),
      host("no-ram", true, true, "nova", 0, 900),
      host("no-cpu", true, true, "nova", 7, 0),
      host("disabled", false, true, "nova", 0, 0),
      host("down", true, false, "nova", 0, 0),
      host("elsewhere", true, true, "az2", 0, 0),
      host("tried", true, true, "nova", 0, 0));
    HostChooser.Demand demand = new HostChooser.Demand(2, 200, 10, "nova", Set.of("tried"));
    assertThat(HostChooser.rank(hosts, demand, false, 8)).extracting(HostChooser.HostState::id)
      .containsExactly("roomy", "half", "nearly-full");
    assertThat(HostChooser.rank(hosts, demand, true, 8)).extracting(HostChooser.HostState::id)
      .containsExactly("nearly-full", "half", "roomy");
    assertThat(HostChooser.rank(hosts, demand, false, 2)).extracting(HostChooser.HostState::id).containsExactly("roomy", "half");
    assertThat(HostChooser.rank(hosts, new HostChooser.Demand(1, 10, 0, null, Set.of()), false, 8))
      .extracting(HostChooser.HostState::id).contains("elsewhere", "tried").doesNotContain("disabled", "down");
  }

  private static HostChooser.HostState member(String id, long ramUsed, int groupMembers) {
    return new HostChooser.HostState(id, id, true, true, "nova", 4, 0, 2.0, 1000, ramUsed, 1.0, 100, 0, 1.0, groupMembers);
  }

  private static HostChooser.Demand inGroup(String policy, int maxPerHost, boolean placed) {
    return new HostChooser.Demand(1, 100, 0, null, Set.of(), policy, maxPerHost, placed);
  }

  @Test
  void aServerGroupsPolicyFiltersOrWeighsTheHosts() {
    // "a" has the most free RAM and no member; "b" one member, "c" two
    List<HostChooser.HostState> hosts = List.of(member("a", 0, 0), member("b", 300, 1), member("c", 600, 2));
    assertThat(HostChooser.rank(hosts, inGroup("affinity", Integer.MAX_VALUE, true), false, 8))
      .extracting(HostChooser.HostState::id).containsExactly("b", "c");
    assertThat(HostChooser.rank(hosts, inGroup("affinity", Integer.MAX_VALUE, false), false, 8))
      .extracting(HostChooser.HostState::id).as("the first member goes where the RAM weigher says").containsExactly("a", "b", "c");
    assertThat(HostChooser.rank(hosts, inGroup("anti-affinity", 1, true), false, 8))
      .extracting(HostChooser.HostState::id).containsExactly("a");
    assertThat(HostChooser.rank(hosts, inGroup("anti-affinity", 2, true), false, 8))
      .extracting(HostChooser.HostState::id).containsExactly("a", "b");
    assertThat(HostChooser.rank(hosts, inGroup("soft-affinity", Integer.MAX_VALUE, true), false, 8))
      .extracting(HostChooser.HostState::id).containsExactly("c", "b", "a");
    assertThat(HostChooser.rank(hosts, inGroup("soft-anti-affinity", Integer.MAX_VALUE, true), true, 8))
      .extracting(HostChooser.HostState::id).as("before the pack weigher too").containsExactly("a", "b", "c");
  }
}
