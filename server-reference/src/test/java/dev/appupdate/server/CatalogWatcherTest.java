package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.catalog.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reloader and the watcher survive whatever compiling a catalog throws. */
class CatalogWatcherTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
  private static final CatalogWatcher.Timing FAST =
      new CatalogWatcher.Timing(Duration.ofMillis(2), Duration.ofMillis(2));

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final CatalogHolder holder =
      new CatalogHolder(Fixtures.snapshot(request -> List.of(), 0));
  private CatalogWatcher watcher;

  /** What compiling a catalog does: by default it serves a snapshot of the catalog's size. */
  private final AtomicReference<Function<Catalog, CatalogHolder.Snapshot>> compile =
      new AtomicReference<>(catalog -> Fixtures.snapshot(request -> List.of(), catalog.size()));

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private CatalogReloader reloader(Path file) {
    return new CatalogReloader(
        new CatalogFile(file), holder, clock, new Metrics(), catalog -> compile.get().apply(catalog));
  }

  @Test
  void reload_compilingFails_keepsServingAndHealthzSaysSo() throws Exception {
    Path file = Files.writeString(dir.resolve("catalog.json"), Fixtures.catalog("data:1.0"));
    compile.set(
        catalog -> {
          throw new IllegalStateException("matcher bug");
        });

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(reloader(file).reload()).isFalse();
      assertThat(log.messages())
          .anySatisfy(m -> assertThat(m).startsWith("SEVERE loading catalog " + file + " failed"));
    }

    assertThat(holder.current().releaseCount()).isZero();
    assertThat(holder.state().lastFailure())
        .isEqualTo(
            new CatalogHolder.Failure(
                T0,
                "cannot load catalog catalog.json: an unexpected error; the server log has the"
                    + " details"));
  }

  @Test
  void watcher_errorWhileReloading_isRecordedAndTheWatcherGoesOn() throws Exception {
    Path file = Files.writeString(dir.resolve("catalog.json"), Fixtures.catalog("data:1.0"));
    CatalogReloader reloader = reloader(file);
    reloader.reload();
    compile.set(
        catalog -> {
          throw new StackOverflowError("deep catalog");
        });

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      watcher = CatalogWatcher.start(file, reloader, FAST);
      Fixtures.replace(file, Fixtures.catalog("data:1.0", "data:2.0"));

      Await.until("the failure is recorded", () -> holder.state().lastFailure() != null);
      assertThat(log.messages())
          .anySatisfy(m -> assertThat(m).startsWith("SEVERE loading catalog " + file + " failed"));
    }
    assertThat(holder.current().releaseCount()).isEqualTo(1);

    compile.set(catalog -> Fixtures.snapshot(request -> List.of(), catalog.size()));
    Fixtures.replace(file, Fixtures.catalog("data:1.0", "data:2.0", "data:3.0"));

    Await.until("the next change is served", () -> holder.current().releaseCount() == 3);
    assertThat(holder.state().lastFailure()).isNull();
  }

  @Test
  void watcher_withoutNotifications_findsAChangeByPolling() throws Exception {
    // A link elsewhere: notifications for the target's directory never reach the watcher.
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path target = Files.writeString(elsewhere.resolve("real.json"), Fixtures.catalog("data:1.0"));
    Path link = Files.createSymbolicLink(dir.resolve("linked.json"), target);
    CatalogReloader linked = reloader(link);
    linked.reload();

    watcher = CatalogWatcher.start(link, linked, FAST);
    Fixtures.replace(target, Fixtures.catalog("data:1.0", "blob:1.0"));

    Await.until("the change is found by polling", () -> holder.current().releaseCount() == 2);
  }
}
