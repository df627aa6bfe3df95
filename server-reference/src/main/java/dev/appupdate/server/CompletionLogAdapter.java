package dev.appupdate.server;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The JSON Lines {@link CompletionLog} seen as a {@link CompletionStore}: it records, reports its
 * health, and answers no queries (statistics and halts need a store that keeps them).
 */
final class CompletionLogAdapter implements CompletionStore {
  private final CompletionLog log;

  CompletionLogAdapter(CompletionLog log) {
    this.log = log;
  }

  CompletionLog log() {
    return log;
  }

  @Override
  public void append(List<CompletionRecord> records, Instant expiresAt)
      throws IOException, InterruptedException {
    log.append(records, expiresAt);
  }

  @Override
  public StoreHealth health() {
    CompletionLog.Failure failure = log.failure();
    // The cause names files of the data directory: it goes to the log, not to the network.
    return failure == null
        ? StoreHealth.OK
        : new StoreHealth(
            StoreHealth.Status.DOWN,
            "the completion log cannot be written since "
                + failure.at()
                + "; every completion is refused until the server is restarted; the server log"
                + " says why");
  }

  @Override
  public List<CompletionCount> counts(Instant since) throws IOException {
    throw unsupported();
  }

  @Override
  public HaltFigures haltFigures(
      String product, String updateType, String version, Set<String> haltCodes)
      throws IOException {
    throw unsupported();
  }

  @Override
  public void recordHaltEvent(HaltEvent event) throws IOException {
    throw unsupported();
  }

  @Override
  public List<HaltEvent> haltEvents() throws IOException {
    throw unsupported();
  }

  private static IOException unsupported() {
    return new IOException("the completion log answers no queries");
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
