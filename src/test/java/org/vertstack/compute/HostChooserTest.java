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
}
