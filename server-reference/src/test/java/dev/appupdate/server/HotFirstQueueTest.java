package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HotFirstQueueTest {
  private static final Runnable NOTHING = () -> {};

  @Test
  void offer_twoIdleWorkers_handsTheTaskToTheOneIdleLast() throws Exception {
    HotFirstQueue queue = new HotFirstQueue(0);
    BlockingQueue<String> ran = new ArrayBlockingQueue<>(2);
    Thread first = taker(queue, "first", ran);
    awaitParked(first);
    Thread second = taker(queue, "second", ran);
    awaitParked(second);

    assertThat(queue.offer(NOTHING)).isTrue();
    assertThat(ran.poll(10, TimeUnit.SECONDS)).isEqualTo("second");
    assertThat(queue.offer(NOTHING)).isTrue();
    assertThat(ran.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
    first.join();
    second.join();
  }

  @Test
  void offer_noIdleWorkerAndPoolBelowItsMaximum_refusesSoThatThePoolStartsOne() {
    HotFirstQueue queue = new HotFirstQueue(4);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 2, 30, TimeUnit.SECONDS, queue);
    queue.growing(pool);
    try {
      assertThat(queue.offer(NOTHING)).isFalse();
      assertThat(queue).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void offer_poolAtItsMaximum_keepsUpToTheCapacityThenRefuses() throws Exception {
    HotFirstQueue queue = new HotFirstQueue(2);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, queue);
    queue.growing(pool);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try {
      pool.execute(
          () -> {
            started.countDown();
            await(release);
          });
      started.await();

      assertThat(queue.offer(NOTHING)).isTrue();
      assertThat(queue.offer(NOTHING)).isTrue();
      assertThat(queue.offer(NOTHING)).isFalse();
      assertThat(queue.keep(NOTHING)).isFalse();
      assertThat(queue.remainingCapacity()).isZero();
    } finally {
      release.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(pool.getCompletedTaskCount()).isEqualTo(3);
  }

  @Test
  void poll_timesOut_returnsNullAndIsHandedNothingAfterwards() throws Exception {
    HotFirstQueue queue = new HotFirstQueue(0);

    assertThat(queue.poll(1, TimeUnit.MILLISECONDS)).isNull();
    assertThat(queue.poll(0, TimeUnit.SECONDS)).isNull();

    // No idle worker is left behind by the timeouts: with no room, an offer is refused.
    assertThat(queue.offer(NOTHING)).isFalse();
  }

  @Test
  void take_interrupted_throwsAndLeavesNoIdleWorkerBehind() throws Exception {
    HotFirstQueue queue = new HotFirstQueue(0);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                queue.take();
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    awaitParked(t);
    t.interrupt();
    t.join();

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(queue.offer(NOTHING)).isFalse();
  }

  @Test
  void keptTasks_areTakenInOrderAndDrained() throws Exception {
    HotFirstQueue queue = new HotFirstQueue(3);
    Runnable a = () -> {};
    Runnable b = () -> {};
    Runnable c = () -> {};
    assertThat(queue.offer(a)).isTrue();
    assertThat(queue.offer(b)).isTrue();
    assertThat(queue.offer(c)).isTrue();
    assertThat(queue.peek()).isSameAs(a);
    assertThat(queue.take()).isSameAs(a);
    assertThat(queue.remove(c)).isTrue();
    List<Runnable> drained = new ArrayList<>();
    assertThat(queue.drainTo(drained)).isEqualTo(1);
    assertThat(drained).containsExactly(b);
    assertThat(queue).isEmpty();
    assertThatThrownBy(() -> queue.drainTo(queue)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void workers_oneExchangeAtATime_runOnOneThreadInsteadOfRotatingThroughThePool()
      throws Exception {
    Workers workers = new Workers(512, 1024, new InFlight());
    try {
      for (int i = 0; i < 2_000; i++) {
        CountDownLatch done = new CountDownLatch(1);
        workers.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      }
      // A task ends (countDown) a moment before its worker is idle again, so a second may start.
      assertThat(workers.largestPoolSize()).isBetween(1, 8);
    } finally {
      workers.shutdown(Duration.ofSeconds(10));
    }
  }

  @Test
  void workers_manyProducers_runEveryAcceptedTaskExactlyOnce() throws Exception {
    Workers workers = new Workers(4, 8, new InFlight());
    int producers = 4;
    int perProducer = 5_000;
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  try {
                    workers.execute(ran::incrementAndGet);
                  } catch (RejectedExecutionException e) {
                    refused.incrementAndGet();
                  }
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    workers.shutdown(Duration.ofSeconds(30));

    assertThat(ran.get() + refused.get()).isEqualTo(producers * perProducer);
    assertThat(workers.largestPoolSize()).isBetween(1, 4);
  }

  @Test
  void put_capacityZeroAndAWorkerBecomesIdleLater_handsTheTaskToThatWorker() throws Exception {
    HotFirstQueue queue = new HotFirstQueue(0);
    CountDownLatch ran = new CountDownLatch(1);
    Thread producer =
        new Thread(
            () -> {
              try {
                queue.put(ran::countDown);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "producer");
    producer.start();
    awaitParked(producer);

    BlockingQueue<String> taken = new ArrayBlockingQueue<>(1);
    Thread worker = taker(queue, "worker", taken);
    try {
      // The worker going idle is room for the waiting put: it must be woken, not left waiting.
      assertThat(taken.poll(10, TimeUnit.SECONDS)).isEqualTo("worker");
      assertThat(ran.getCount()).isZero();
    } finally {
      producer.interrupt();
      worker.interrupt();
      producer.join();
      worker.join();
    }
  }

  @Test
  void offer_noIdleWorker_asksThePoolItsSizeWithoutHoldingTheQueueLock() throws Exception {
    // ThreadPoolExecutor.getPoolSize takes the pool's main lock, and shutdownNow drains the queue
    // while holding that lock: asking the size under the queue's lock orders the two locks both
    // ways, a deadlock between an execute and a shutdownNow. Here the pool's size is asked on
    // behalf of another thread that needs the queue meanwhile, as shutdownNow does.
    HotFirstQueue queue = new HotFirstQueue(4);
    AtomicReference<Boolean> queueUsableMeanwhile = new AtomicReference<>();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(0, 2, 30, TimeUnit.SECONDS, queue) {
          @Override
          public int getPoolSize() {
            if (queueUsableMeanwhile.get() == null) {
              CountDownLatch drained = new CountDownLatch(1);
              Thread other =
                  new Thread(
                      () -> {
                        queue.drainTo(new ArrayList<>());
                        drained.countDown();
                      });
              other.start();
              try {
                queueUsableMeanwhile.set(drained.await(5, TimeUnit.SECONDS));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.getPoolSize();
          }
        };
    queue.growing(pool);
    try {
      assertThat(queue.offer(NOTHING)).isFalse();
      assertThat(queueUsableMeanwhile.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void workers_poolCannotStartAWorker_answersFromTheOverflowPoolInsteadOfStrandingTheTask()
      throws Exception {
    // A task the pool refused must not be kept where no worker will ever take it: with no worker
    // to start (here a thread factory that cannot make one; a shutdown or the last worker timing
    // out in between do the same), it goes to the overflow pool, which answers 503.
    InFlight inFlight = new InFlight();
    Workers workers = new Workers(1, 1, inFlight, r -> null);
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<Boolean> inOverflow = new AtomicReference<>();
    try {
      workers.execute(
          () -> {
            inOverflow.set(Workers.inOverflow());
            ran.countDown();
          });

      assertThat(ran.await(5, TimeUnit.SECONDS)).as("the task ran").isTrue();
      assertThat(inOverflow.get()).isTrue();
      assertThat(inFlight.awaitIdle(TimeUnit.SECONDS.toNanos(10))).isTrue();
    } finally {
      workers.shutdown(Duration.ofSeconds(10));
    }
  }

  @Test
  void purge_cancelledTaskKeptInTheQueue_isRemovedThroughTheIterator() throws Exception {
    // ThreadPoolExecutor.purge removes cancelled tasks with the queue's iterator: removing through
    // it must remove from the queue, not from a copy.
    HotFirstQueue queue = new HotFirstQueue(2);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, queue);
    queue.growing(pool);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try {
      pool.execute(
          () -> {
            started.countDown();
            await(release);
          });
      started.await();
      java.util.concurrent.Future<?> kept = pool.submit(NOTHING);
      assertThat(queue).hasSize(1);

      kept.cancel(false);
      pool.purge();

      assertThat(queue).isEmpty();
      assertThat(queue.remainingCapacity()).isEqualTo(2);
    } finally {
      release.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static Thread taker(HotFirstQueue queue, String name, BlockingQueue<String> ran) {
    Thread t =
        new Thread(
            () -> {
              try {
                queue.take().run();
                ran.add(name);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    t.start();
    return t;
  }

  /** Waits until {@code t} parks in the queue: a state, not a time. */
  private static void awaitParked(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(t.getName() + " did not park: " + t.getState());
      }
      Thread.onSpinWait();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
