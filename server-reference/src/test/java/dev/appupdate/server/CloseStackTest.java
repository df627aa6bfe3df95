package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloseStackTest {
  private final List<String> closed = new ArrayList<>();
  private final CloseStack stack = new CloseStack();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void close_closesTheLastPushedFirst() {
    stack.push("a", () -> closed.add("a"));
    stack.push("b", () -> closed.add("b"));
    stack.push("c", () -> closed.add("c"));

    assertThat(stack.close()).isEmpty();
    assertThat(closed).containsExactly("c", "b", "a");
  }

  @Test
  void close_failure_isReportedByNameAndTheRestStillCloses() {
    IOException disk = new IOException("disk full");
    stack.push("a", () -> closed.add("a"));
    stack.push(
        "b",
        () -> {
          throw disk;
        });
    stack.push(
        "c",
        () -> {
          throw new IllegalStateException("broken");
        });

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      Map<String, Exception> failures = stack.close();

      assertThat(failures.keySet()).containsExactly("c", "b");
      assertThat(failures.get("b")).isSameAs(disk);
      assertThat(log.messages())
          .contains("SEVERE closing the c failed", "SEVERE closing the b failed");
    }
    assertThat(closed).containsExactly("a");
  }

  @Test
  void close_twice_closesEachOnce() {
    stack.push("a", () -> closed.add("a"));

    stack.close();
    stack.close();

    assertThat(closed).containsExactly("a");
  }

  @Test
  void close_interruptedCaller_closesEachWithTheFlagClearAndRestoresIt() {
    stack.push("a", () -> closed.add("a interrupted=" + Thread.currentThread().isInterrupted()));
    stack.push(
        "b",
        () -> {
          closed.add("b interrupted=" + Thread.currentThread().isInterrupted());
          throw new InterruptedException();
        });
    Thread.currentThread().interrupt();

    assertThat(stack.close()).as("an interrupt is no failure").isEmpty();

    assertThat(closed).containsExactly("b interrupted=false", "a interrupted=false");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }
}
