package dev.appupdate.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Tracks the most heap in use until stopped: the heap just before each garbage collection (GC
 * notifications), where use peaks, and optionally a sample of the heap in use every few
 * milliseconds, which catches the peak of a run with few or no collections; and the most heap
 * still in use just after a collection.
 */
final class HeapWatch {
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong peakLive = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onCollection;
  private final Thread sampler;
  private volatile boolean closed;

  private HeapWatch(long sampleMillis) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        NotificationEmitter emitter = (NotificationEmitter) gc;
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    if (sampleMillis > 0) {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      sampler =
          new Thread(
              () -> {
                while (!closed) {
                  observe(memory.getHeapMemoryUsage().getUsed());
                  try {
                    Thread.sleep(sampleMillis);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    } else {
      sampler = null;
    }
  }

  /**
   * Starts watching.
   *
   * @param sampleMillis how often to sample the heap in use besides the GC notifications; 0 for
   *     only the notifications
   */
  static HeapWatch start(long sampleMillis) {
    if (sampleMillis < 0) {
      throw new IllegalArgumentException("sampleMillis must be >= 0, got " + sampleMillis);
    }
    return new HeapWatch(sampleMillis);
  }

  /** Counts {@code used} bytes of heap as seen now. */
  void observe(long used) {
    peak.accumulateAndGet(used, Math::max);
  }

  /** Returns the most heap in use seen so far, in bytes. */
  long peak() {
    return peak.get();
  }

  /**
   * Returns the most heap in use just after a collection, in bytes: the largest live set seen,
   * which unlike {@link #peak()} does not grow with the garbage a collector lets accumulate; 0 when
   * no collection ran.
   */
  long peakAfterCollection() {
    return peakLive.get();
  }

  private void onCollection(Notification n, Object handback) {
    if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long before = 0;
    for (MemoryUsage pool : info.getGcInfo().getMemoryUsageBeforeGc().values()) {
      before += pool.getUsed();
    }
    long after = 0;
    for (MemoryUsage pool : info.getGcInfo().getMemoryUsageAfterGc().values()) {
      after += pool.getUsed();
    }
    observe(before);
    peakLive.accumulateAndGet(after, Math::max);
  }

  /** Stops sampling and listening; {@link #peak()} keeps its last value. */
  void stop() {
    closed = true;
    if (sampler != null) {
      sampler.interrupt();
      try {
        sampler.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // Added in the constructor; gone already is as good as removed.
      }
    }
  }
}
