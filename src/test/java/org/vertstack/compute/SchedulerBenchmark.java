package org.vertstack.compute;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One scheduling decision (the filters and the weigher of {@link HostChooser}, best 8 kept) over
 * 10,000 hosts of mixed sizes and usage, a few disabled, down or in another zone. Sample mode, so
 * JMH reports percentiles (p99). Run by load-tests/compute/scheduler.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchedulerBenchmark {

  @Param({"10000"})
  public int hosts;

  private List<HostChooser.HostState> states;
  private HostChooser.Demand demand;

  @Setup
  public void makeHosts() {
    Random random = new Random(42);
    states = new ArrayList<>(hosts);
    for (int i = 0; i < hosts; i++) {
      int vcpus = 16 << random.nextInt(3);
      long ram = 65_536L << random.nextInt(3);
      states.add(new HostChooser.HostState(UUID.randomUUID().toString(), "host-" + i, random.nextInt(50) != 0,
        random.nextInt(100) != 0, random.nextInt(10) == 0 ? "other" : "nova", vcpus, random.nextInt(vcpus * 4), 4.0,
        ram, (long) (random.nextDouble() * ram), 1.0, 1000, random.nextInt(1000), 1.0));
    }
    demand = new HostChooser.Demand(2, 4096, 20, "nova", Set.of(states.get(0).id(), states.get(1).id()));
  }

  @Benchmark
  public List<HostChooser.HostState> decide() {
    return HostChooser.rank(states, demand, false, 8);
  }
}
