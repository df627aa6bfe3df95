package dev.appupdate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects the formatted messages of one logger while open. */
final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final Level previous;
  private final boolean parentHandlers;
  private final List<String> messages = new ArrayList<>();

  LogCapture(String name) {
    logger = Logger.getLogger(name);
    previous = logger.getLevel();
    parentHandlers = logger.getUseParentHandlers();
    logger.setUseParentHandlers(false); // expected warnings need not reach the console
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    messages.add(record.getLevel() + " " + new SimpleFormatter().formatMessage(record));
    notifyAll();
  }

  /** Waits until {@code count} messages arrived, as some are logged after the response. */
  synchronized List<String> await(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (messages.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("expected " + count + " log messages, got " + messages);
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return List.copyOf(messages);
  }

  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previous);
    logger.setUseParentHandlers(parentHandlers);
  }
}
