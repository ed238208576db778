package org.vertstack.common.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SingletonTest {

  @Test
  void aJobRunsOnceAtATimeAndAgainWhenTheRunningOneEnded() {
    Vertx vertx = Vertx.vertx();
    try {
      AtomicInteger runs = new AtomicInteger();
      Promise<String> hold = Promise.promise();
      Future<String> first = Singleton.run(vertx, "t", () -> {
        runs.incrementAndGet();
        return hold.future();
      });
      Future<String> second = Singleton.run(vertx, "t", () -> {
        runs.incrementAndGet();
        return Future.succeededFuture("second");
      });
      assertThat(second.await()).as("skipped while the first runs").isNull();
      assertThat(Singleton.run(vertx, "other", () -> Future.succeededFuture("other")).await()).isEqualTo("other");
      hold.complete("first");
      assertThat(first.await()).isEqualTo("first");
      assertThat(Singleton.run(vertx, "t", () -> Future.succeededFuture("third")).await()).isEqualTo("third");
      assertThat(Singleton.run(vertx, "t", () -> Future.<String>failedFuture("boom")).transform(ar -> Future.succeededFuture(ar.failed())).await()).isTrue();
      assertThat(Singleton.run(vertx, "t", () -> Future.succeededFuture("after a failure")).await()).isEqualTo("after a failure");
      assertThat(runs.get()).isEqualTo(1);
    } finally {
      vertx.close().await();
    }
  }
}
