package dev.appupdate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Version;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link CompletionStore} of one server over its {@link CompletionLog}: appends go to the log;
 * the figures of the statistics and the automatic halt are counted in memory from the reports
 * received since the server started; halt events are appended to {@value #HALTS} in the data
 * directory, forced to disk, and read back at start.
 */
final class CompletionLogStore implements CompletionStore {
  static final String HALTS = "halt-events.jsonl";

  private final CompletionLog log;
  private final Path haltsFile;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Set<String> seen = new HashSet<>();
  private final Map<CompletionCount, Long> counts = new HashMap<>();
  // Per release: reporter (installation key, or request id without one) to the codes it reported,
  // "" standing for a success.
  private final Map<List<String>, Map<String, Set<String>>> reporters = new HashMap<>();
  private final List<HaltEvent> events = new ArrayList<>();

  private CompletionLogStore(CompletionLog log, Path haltsFile) {
    this.log = log;
    this.haltsFile = haltsFile;
  }

  static CompletionLogStore open(CompletionLog log, Path dataDir) throws IOException {
    CompletionLogStore store = new CompletionLogStore(log, dataDir.resolve(HALTS));
    if (Files.exists(store.haltsFile)) {
      for (String line : Files.readAllLines(store.haltsFile, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode o = store.mapper.readTree(line);
          store.events.add(
              new HaltEvent(
                  Instant.parse(o.get("at").textValue()),
                  o.get("product").textValue(),
                  o.get("update_type").textValue(),
                  o.get("version").textValue(),
                  o.get("halted").booleanValue(),
                  o.get("actor").textValue(),
                  o.get("detail").textValue()));
        } catch (IOException | RuntimeException e) {
          // A line torn by a crash: the event was never acknowledged.
        }
      }
    }
    return store;
  }

  @Override
  public void append(List<CompletionRecord> records, Instant expiresAt)
      throws IOException, InterruptedException {
    log.append(records, expiresAt);
    synchronized (this) {
      for (CompletionRecord r : records) {
        if (!seen.add(r.requestId() + "\n" + r.updateType())) {
          continue;
        }
        Outcome o = r.outcome();
        String version = Version.parse(o.version()).canonical();
        String code = o.status() == Outcome.Status.SUCCESS ? null : o.code().wireName();
        counts.merge(
            new CompletionCount(
                r.product(),
                r.updateType(),
                version,
                o.status().wireName(),
                code,
                r.receivedAt().truncatedTo(ChronoUnit.HOURS),
                0),
            1L,
            Long::sum);
        String reporter = r.installation() != null ? "i:" + r.installation() : "r:" + r.requestId();
        reporters
            .computeIfAbsent(List.of(r.product(), r.updateType(), version), k -> new HashMap<>())
            .computeIfAbsent(reporter, k -> new HashSet<>())
            .add(code == null ? "" : code);
      }
    }
  }

  @Override
  public StoreHealth health() {
    CompletionLog.Failure failure = log.failure();
    return failure == null
        ? StoreHealth.OK
        : new StoreHealth(
            StoreHealth.Status.DOWN, "the completion log cannot be written since " + failure.at());
  }

  @Override
  public synchronized List<CompletionCount> counts(Instant since) {
    List<CompletionCount> rows = new ArrayList<>();
    Instant from = since.truncatedTo(ChronoUnit.HOURS);
    counts.forEach(
        (k, n) -> {
          if (!k.hour().isBefore(from)) {
            rows.add(
                new CompletionCount(
                    k.product(), k.updateType(), k.version(), k.status(), k.failureCode(),
                    k.hour(), n));
          }
        });
    return rows;
  }

  @Override
  public synchronized HaltFigures haltFigures(
      String product, String updateType, String version, Set<String> haltCodes) {
    Map<String, Set<String>> byReporter =
        reporters.getOrDefault(List.of(product, updateType, version), Map.of());
    long total = 0;
    long failing = 0;
    for (Set<String> codes : byReporter.values()) {
      Set<String> counted = new HashSet<>(codes);
      counted.remove(FailureCode.CANCELLED.wireName());
      if (counted.isEmpty()) {
        continue;
      }
      total++;
      if (counted.stream().anyMatch(haltCodes::contains)) {
        failing++;
      }
    }
    return new HaltFigures(total, failing);
  }

  @Override
  public synchronized void recordHaltEvent(HaltEvent event) throws IOException {
    ObjectNode o = mapper.createObjectNode();
    o.put("at", event.at().toString());
    o.put("product", event.product());
    o.put("update_type", event.updateType());
    o.put("version", event.version());
    o.put("halted", event.halted());
    o.put("actor", event.actor());
    o.put("detail", event.detail());
    byte[] line = (mapper.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel =
        FileChannel.open(
            haltsFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    events.add(event);
  }

  @Override
  public synchronized List<HaltEvent> haltEvents() {
    return List.copyOf(events);
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
