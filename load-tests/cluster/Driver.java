import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A closed-loop HTTP load driver for the cluster benchmark: CONNECTIONS loops, each sending its
 * next GET as soon as the last answer came, to the given controllers in turn (round-robin over
 * every request), for WARMUP then SECONDS seconds; prints requests/s, p50 and p99 of the measured
 * part. Run from the jar's classpath (it uses the jar's Vert.x):
 *
 *   java -cp target/vertstack.jar load-tests/cluster/Driver.java NAME SECONDS WARMUP CONNECTIONS PATH TOKEN HEADER... -- URL...
 *
 * PATH may hold {n}, replaced by a counter modulo 100 (objects o-0..o-99). HEADER is "Name: value"
 * with the word TOKEN replaced by the token. Loopback only.
 */
public class Driver {

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int seconds = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int connections = Integer.parseInt(args[3]);
    String path = args[4];
    String token = args[5];
    int sep = Arrays.asList(args).indexOf("--");
    List<String[]> headers = new ArrayList<>();
    for (int i = 6; i < sep; i++) {
      String[] kv = args[i].split(":\\s*", 2);
      headers.add(new String[] {kv[0], kv[1].replace("TOKEN", token)});
    }
    List<URI> targets = new ArrayList<>();
    for (int i = sep + 1; i < args.length; i++) {
      targets.add(URI.create(args[i]));
    }
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(connections));
    // one context: every request is sent and answered on one event loop, so the counters need no locks
    Context loop = vertx.getOrCreateContext();
    Run warm = new Run(client, targets, path, headers, System.nanoTime() + warmup * 1_000_000_000L);
    onContext(loop, () -> warm.start(connections)).await();
    Run run = new Run(client, targets, path, headers, System.nanoTime() + seconds * 1_000_000_000L);
    long started = System.nanoTime();
    onContext(loop, () -> run.start(connections)).await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    long[] lat = run.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("%-44s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   non-2xx %d%n", name, lat.length / elapsed,
      percentile(lat, 0.50) / 1e6, percentile(lat, 0.99) / 1e6, run.errors);
    vertx.close().await();
  }

  private static Future<Void> onContext(Context ctx, java.util.function.Supplier<Future<Void>> work) {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** One measured period; every callback runs on the client's event loop, so no locking. */
  private static final class Run {
    final HttpClient client;
    final List<URI> targets;
    final String path;
    final List<String[]> headers;
    final long deadline;
    final List<Long> latencies = new ArrayList<>();
    long sent;
    long errors;

    Run(HttpClient client, List<URI> targets, String path, List<String[]> headers, long deadline) {
      this.client = client;
      this.targets = targets;
      this.path = path;
      this.headers = headers;
      this.deadline = deadline;
    }

    Future<Void> start(int loops) {
      List<Future<Void>> all = new ArrayList<>();
      for (int i = 0; i < loops; i++) {
        all.add(loop());
      }
      return Future.all(all).mapEmpty();
    }

    private Future<Void> loop() {
      Promise<Void> done = Promise.promise();
      next(done);
      return done.future();
    }

    private void next(Promise<Void> done) {
      if (System.nanoTime() >= deadline) {
        done.complete();
        return;
      }
      long n = sent++;
      URI target = targets.get((int) (n % targets.size()));
      RequestOptions opts = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.getHost()).setPort(target.getPort())
        .setURI(path.replace("{n}", Long.toString(n % 100))).setTimeout(30_000);
      headers.forEach(h -> opts.addHeader(h[0], h[1]));
      long t0 = System.nanoTime();
      client.request(opts).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() < 300) {
            latencies.add(System.nanoTime() - t0);
          } else {
            errors++;
          }
          next(done);
        });
    }
  }
}
