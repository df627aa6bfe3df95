package dev.appupdate.server;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a server has opened, in the order it opened it, so that one path releases it all in reverse
 * order: a start that fails halfway and a stop close the same things the same way, and cannot drift
 * apart as the server grows.
 */
final class CloseStack {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private record Entry(String name, AutoCloseable closer) {}

  private final Deque<Entry> entries = new ArrayDeque<>();

  /**
   * Adds what {@code closer} releases, to be closed before everything pushed earlier.
   *
   * @param name what it is, for the log: "closing the NAME failed"
   */
  synchronized void push(String name, AutoCloseable closer) {
    entries.push(new Entry(name, closer));
  }

  /**
   * Closes everything pushed, the last first, and empties the stack. A failure is logged and does
   * not keep the rest open. Each closer runs with the interrupt flag clear (an interrupted channel
   * write would lose what a close flushes); an interrupt, before or during, is restored at the end.
   *
   * @return the failures by name, in closing order; empty when everything closed cleanly
   */
  synchronized Map<String, Exception> close() {
    Map<String, Exception> failures = new LinkedHashMap<>();
    boolean interrupted = Thread.interrupted();
    for (Entry e = entries.poll(); e != null; e = entries.poll()) {
      LOG.log(Level.DEBUG, "closing the {0}", e.name());
      try {
        e.closer().close();
      } catch (InterruptedException ie) {
        interrupted = true;
      } catch (Exception failure) {
        LOG.log(Level.ERROR, "closing the " + e.name() + " failed", failure);
        failures.put(e.name(), failure);
      }
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return failures;
  }
}
