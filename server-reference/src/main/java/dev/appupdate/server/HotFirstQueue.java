package dev.appupdate.server;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker pool's queue: hands each task to the worker that became idle last, starts a new
 * worker while none is idle and the pool is below its maximum, and only then keeps tasks, up to a
 * bound.
 *
 * <p>Why not an {@code ArrayBlockingQueue} under a fixed pool: its idle workers wait in arrival
 * order, so a pool of 512 threads serving 32 connections passes the exchanges round all 512, each
 * with a cold stack, a cold thread-local allocation buffer and cold per-thread caches. Measured with
 * the JDK's own server, that rotation cost a sixth of its throughput and doubled its 99th percentile
 * latency against 32 threads (docs/PERFORMANCE.md). Handing work to the last idle worker keeps as
 * many threads hot as there is work, while the pool can still grow to its maximum for slow clients;
 * the workers that stay idle time out.
 *
 * <p>{@link ThreadPoolExecutor} creates a thread beyond its core size only when its queue refuses a
 * task, so {@link #offer} refuses while no worker is idle and the pool may grow ({@link
 * #growing}); the pool's core size is 0. A task refused because the pool reached its maximum in the
 * meantime is to be offered again through the pool ({@code execute}), not kept directly: the pool
 * rechecks after a successful offer whether it was shut down or has no worker left, and a task kept
 * behind its back could wait for a worker that never comes.
 */
final class HotFirstQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Runnable> items = new ArrayDeque<>();
  /** Idle workers, the one that became idle last first. */
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();

  private volatile ThreadPoolExecutor pool;

  /** An idle worker, parked until a task is handed to it or it gives up. */
  private static final class Idle {
    final Thread thread = Thread.currentThread();
    volatile Runnable task;
  }

  /** @param capacity how many tasks are kept while every worker is busy; 0 keeps none */
  HotFirstQueue(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Tells the queue which pool it feeds: while that pool is below its maximum size and no worker is
   * idle, {@link #offer} refuses, so that the pool starts a worker.
   */
  HotFirstQueue growing(ThreadPoolExecutor pool) {
    this.pool = pool;
    return this;
  }

  @Override
  public boolean offer(Runnable task) {
    Objects.requireNonNull(task, "task == null");
    if (handOver(task, false)) {
      return true;
    }
    // Asked without the lock: the pool's size takes the pool's main lock, which the pool holds
    // while it drains this queue (shutdownNow), so asking under this lock could deadlock.
    ThreadPoolExecutor p = pool;
    if (p != null && p.getPoolSize() < p.getMaximumPoolSize()) {
      return false;
    }
    // Hands it to a worker that became idle meanwhile, or keeps it.
    return handOver(task, true);
  }

  /**
   * Keeps {@code task} if there is room, whatever the pool's size, unless a worker is idle: then
   * it is handed to that worker.
   *
   * @return whether the task was handed to an idle worker or kept
   */
  boolean keep(Runnable task) {
    Objects.requireNonNull(task, "task == null");
    return handOver(task, true);
  }

  /**
   * Hands {@code task} to the worker that became idle last; with none idle, keeps it if {@code
   * keep} and there is room.
   *
   * @return whether the task was handed over or kept
   */
  private boolean handOver(Runnable task, boolean keep) {
    Idle worker;
    lock.lock();
    try {
      worker = idle.pollFirst();
      if (worker == null) {
        return keep && keepLocked(task);
      }
      worker.task = task;
    } finally {
      lock.unlock();
    }
    LockSupport.unpark(worker.thread);
    return true;
  }

  private boolean keepLocked(Runnable task) {
    if (items.size() >= capacity) {
      return false;
    }
    items.addLast(task);
    return true;
  }

  @Override
  public boolean offer(Runnable task, long timeout, TimeUnit unit) throws InterruptedException {
    Objects.requireNonNull(task, "task == null");
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (idle.isEmpty() && items.size() >= capacity) {
        if (nanos <= 0) {
          return false;
        }
        nanos = notFull.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
    return keep(task);
  }

  @Override
  public void put(Runnable task) throws InterruptedException {
    while (!offer(task, Long.MAX_VALUE, TimeUnit.NANOSECONDS)) {
      // Another producer took the room between the wait and keep(): wait again.
    }
  }

  @Override
  public Runnable take() throws InterruptedException {
    return await(0, false);
  }

  @Override
  public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
    return await(unit.toNanos(timeout), true);
  }

  private Runnable await(long nanos, boolean timed) throws InterruptedException {
    Idle self;
    lock.lockInterruptibly();
    try {
      Runnable kept = items.pollFirst();
      if (kept != null) {
        notFull.signal();
        return kept;
      }
      if (timed && nanos <= 0) {
        return null;
      }
      self = new Idle();
      idle.addFirst(self);
      // An idle worker is room for a producer waiting in put or a timed offer.
      notFull.signal();
    } finally {
      lock.unlock();
    }
    long deadline = timed ? System.nanoTime() + nanos : 0;
    while (true) {
      Runnable task = self.task;
      if (task != null) {
        return task;
      }
      if (Thread.interrupted()) {
        task = giveUp(self);
        if (task != null) {
          // Handed over just before giving up: run it, and leave the interrupt to the pool.
          Thread.currentThread().interrupt();
          return task;
        }
        throw new InterruptedException();
      }
      if (timed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return giveUp(self);
        }
        LockSupport.parkNanos(this, left);
      } else {
        LockSupport.park(this);
      }
    }
  }

  /** Stops {@code self} from being handed tasks; returns the one handed to it meanwhile, if any. */
  private Runnable giveUp(Idle self) {
    lock.lock();
    try {
      if (self.task == null) {
        idle.removeFirstOccurrence(self);
      }
      return self.task;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable poll() {
    lock.lock();
    try {
      Runnable kept = items.pollFirst();
      if (kept != null) {
        notFull.signal();
      }
      return kept;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable peek() {
    lock.lock();
    try {
      return items.peekFirst();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remove(Object o) {
    lock.lock();
    try {
      boolean removed = items.removeFirstOccurrence(o);
      if (removed) {
        notFull.signal();
      }
      return removed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int remainingCapacity() {
    lock.lock();
    try {
      return capacity - items.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns an iterator over a snapshot of the kept tasks; removing through it removes the task
   * from the queue if it is still kept ({@link ThreadPoolExecutor#purge} relies on that).
   */
  @Override
  public Iterator<Runnable> iterator() {
    Iterator<Runnable> snapshot;
    lock.lock();
    try {
      snapshot = new ArrayList<>(items).iterator();
    } finally {
      lock.unlock();
    }
    return new Iterator<>() {
      private Runnable last;

      @Override
      public boolean hasNext() {
        return snapshot.hasNext();
      }

      @Override
      public Runnable next() {
        last = snapshot.next();
        return last;
      }

      @Override
      public void remove() {
        if (last == null) {
          throw new IllegalStateException();
        }
        removeKept(last);
        last = null;
      }
    };
  }

  /** Removes {@code task} itself (not one equal to it) if it is still kept. */
  private void removeKept(Runnable task) {
    lock.lock();
    try {
      for (Iterator<Runnable> it = items.iterator(); it.hasNext(); ) {
        if (it.next() == task) {
          it.remove();
          notFull.signal();
          return;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int drainTo(Collection<? super Runnable> c) {
    return drainTo(c, Integer.MAX_VALUE);
  }

  @Override
  public int drainTo(Collection<? super Runnable> c, int maxElements) {
    Objects.requireNonNull(c, "c == null");
    if (c == this) {
      throw new IllegalArgumentException("cannot drain a queue into itself");
    }
    lock.lock();
    try {
      int n = 0;
      while (n < maxElements && !items.isEmpty()) {
        c.add(items.pollFirst());
        n++;
      }
      if (n > 0) {
        notFull.signalAll();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }
}
