package org.vertstack.common.events;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLogTest {

  private static JsonObject event(String project, String name) {
    return ResourceEvents.event(project, "test.thing", name, "created", new JsonObject().put("name", name));
  }

  private static List<String> names(EventLog.Page page) {
    return page.events().stream().map(e -> e.getString("resource_id")).toList();
  }

  @Test
  void numbersEventsFromTheFirstIdInOrder() {
    EventLog log = new EventLog(10, 100);
    assertThat(log.lastId()).isEqualTo(99);
    assertThat(log.append(event("a", "x")).getLong("id")).isEqualTo(100);
    assertThat(log.append(event("a", "y")).getLong("id")).isEqualTo(101);
    assertThat(log.lastId()).isEqualTo(101);
  }

  @Test
  void replaysOnlyTheAskedProjectAfterTheCursor() {
    EventLog log = new EventLog(10, 1);
    log.append(event("a", "a1"));
    log.append(event("b", "b1"));
    log.append(event("a", "a2"));
    log.append(event(null, "cloud-wide"));
    log.append(event("b", "b2"));
    EventLog.Page a = log.since(1, "a", 100);
    assertThat(names(a)).containsExactly("a2");
    assertThat(a.gap()).isFalse();
    assertThat(a.more()).isFalse();
    assertThat(a.scannedTo()).isEqualTo(5);
    assertThat(names(log.since(0, "b", 100))).containsExactly("b1", "b2");
    assertThat(names(log.since(0, null, 100))).containsExactly("a1", "b1", "a2", "cloud-wide", "b2");
    assertThat(log.since(5, "a", 100).events()).isEmpty();
  }

  @Test
  void pagesStopAtMaxAndSayWhereTheyStopped() {
    EventLog log = new EventLog(10, 1);
    for (int i = 1; i <= 6; i++) {
      log.append(event(i % 2 == 0 ? "a" : "b", "e" + i));
    }
    EventLog.Page first = log.since(0, "a", 2);
    assertThat(names(first)).containsExactly("e2", "e4");
    assertThat(first.more()).isTrue();
    assertThat(first.scannedTo()).isEqualTo(4);
    EventLog.Page second = log.since(first.scannedTo(), "a", 2);
    assertThat(names(second)).containsExactly("e6");
  }

  @Test
  void dropsTheOldestAndReportsAGapForACursorBeforeThem() {
    EventLog log = new EventLog(3, 1);
    for (int i = 1; i <= 5; i++) {
      log.append(event("a", "e" + i));
    }
    assertThat(log.size()).isEqualTo(3);
    assertThat(log.oldestId()).isEqualTo(3);
    assertThat(log.since(2, "a", 10).gap()).isFalse();
    assertThat(names(log.since(2, "a", 10))).containsExactly("e3", "e4", "e5");
    EventLog.Page late = log.since(1, "a", 10);
    assertThat(late.gap()).isTrue();
    assertThat(names(late)).containsExactly("e3", "e4", "e5");
  }

  @Test
  void aCursorFromTheFutureIsAGapWithNothingToReplay() {
    EventLog log = new EventLog(3, 1000);
    log.append(event("a", "x"));
    EventLog.Page page = log.since(5000, "a", 10);
    assertThat(page.gap()).isTrue();
    assertThat(page.events()).isEmpty();
    assertThat(page.lastId()).isEqualTo(1000);
  }

  @Test
  void storesACopySoTheCallerCannotChangeTheLog() {
    EventLog log = new EventLog(3, 1);
    JsonObject e = event("a", "x");
    log.append(e);
    e.put("resource_id", "changed");
    assertThat(names(log.since(0, null, 10))).containsExactly("x");
  }

  @Test
  void refusesAnEmptyLog() {
    assertThatThrownBy(() -> new EventLog(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsEventsNumberedElsewhereIgnoresRepeatsAndRestartsAfterAHole() {
    EventLog log = new EventLog(10, 1);
    assertThat(log.accept(event("a", "x").put("id", 1L))).isTrue();
    assertThat(log.accept(event("a", "x").put("id", 1L))).as("seen already").isFalse();
    assertThat(log.accept(event("a", "y").put("id", 2L))).isTrue();
    assertThat(log.accept(event("a", "z").put("id", 7L))).as("ids 3..6 never arrived").isTrue();
    assertThat(log.lastId()).isEqualTo(7);
    assertThat(log.oldestId()).isEqualTo(7);
    assertThat(log.since(2, null, 10).gap()).as("what was missed is a gap here").isTrue();
    assertThat(names(log.since(6, null, 10))).containsExactly("z");
  }
}
