package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {
  private static final Instant T = Instant.parse("2026-12-03T10:10:00Z");

  @Test
  void document_windowStartingMidHour_countsTheWholeHourWhateverTheStore() throws Exception {
    Catalog c =
        Catalog.parse(
            Fixtures.catalog("data:1.0", "data:2.0").getBytes(StandardCharsets.UTF_8),
            "catalog.json");
    CatalogHolder holder =
        new CatalogHolder(
            CatalogHolder.Snapshot.of(
                c, Matcher.create(c, URI.create("http://127.0.0.1:8000/")), T, 1, false));
    // MemoryStore counts from the exact instant, as PostgreSQL does; the JSONL store counts whole
    // hours. The document must not depend on which one answers.
    MemoryStore store = new MemoryStore();
    store.append(
        List.of(
            new CompletionRecord(
                T, "req", "your_app", T, "data", Outcome.success("2.0"), "inst")),
        T.plus(Duration.ofDays(1)));

    JsonNode doc =
        new ObjectMapper()
            .readTree(
                Stats.document(
                    holder.state(),
                    Map.of(),
                    store,
                    "memory",
                    Instant.parse("2026-12-03T10:30:00Z"),
                    T.plus(Duration.ofHours(1))));

    assertThat(doc.get("since").textValue()).isEqualTo("2026-12-03T10:00:00Z");
    JsonNode v2 = doc.get("products").get(0).get("releases").get(0);
    assertThat(v2.get("version").textValue()).isEqualTo("2.0");
    assertThat(v2.get("reports").longValue()).isEqualTo(1);
  }
}
