package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
  @TempDir Path dir;

  @Test
  void accepts_nonAsciiWhereTheTokenHasAQuestionMark_refuses() throws Exception {
    Path file = Files.writeString(dir.resolve("admin.token"), "abcdefghijklmnop?\n");

    AdminToken token = AdminToken.loadOrCreate(file);

    assertThat(token.accepts("Bearer abcdefghijklmnop?")).isTrue();
    assertThat(token.accepts("Bearer abcdefghijklmnop\u00e9")).isFalse();
    assertThat(token.accepts("Bearer abcdefghijklmnop\u20ac")).isFalse();
    assertThat(token.accepts("Bearer abcdefghijklmnop")).isFalse();
    assertThat(token.accepts("Basic abcdefghijklmnop?")).isFalse();
    assertThat(token.accepts(null)).isFalse();
  }

  @Test
  void loadOrCreate_manyServersCreatingOneFileAtOnce_allReadTheSameWholeToken()
      throws Exception {
    int servers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(servers);
    try {
      for (int round = 0; round < 40; round++) {
        Path file = dir.resolve("round" + round).resolve("admin.token");
        CyclicBarrier start = new CyclicBarrier(servers);
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
          tasks.add(
              () -> {
                start.await(10, TimeUnit.SECONDS);
                AdminToken.loadOrCreate(file);
                return Files.readString(file, StandardCharsets.US_ASCII);
              });
        }
        Set<String> seen = new HashSet<>();
        for (Future<String> f : pool.invokeAll(tasks)) {
          // A reader that saw the file empty or half written failed with an IOException here.
          seen.add(f.get());
        }
        assertThat(seen).singleElement().satisfies(t -> assertThat(t.strip()).hasSize(43));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .isEqualTo("rw-------");
        try (Stream<Path> left = Files.list(file.getParent())) {
          assertThat(left).containsExactly(file);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
