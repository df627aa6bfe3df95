package dev.appupdate.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Which files the code under test forces to disk, from the {@code jdk.FileForce} events of JDK
 * Flight Recorder. Reached through reflection: the tests are compiled into the client module,
 * which does not read {@code jdk.jfr}; they run on the class path, where it is there. A JVM
 * without Flight Recorder skips the test.
 */
final class FileForces {
  /** The code whose forces are recorded. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private record Force(Instant start, String path) {}

  private FileForces() {}

  /**
   * Runs {@code action} under a recording and returns the path of each {@code FileChannel.force}
   * this JVM made meanwhile, in the order they started.
   *
   * @param scratch a directory for the recording's dump
   */
  static List<String> during(Path scratch, Action action) throws Exception {
    Object recording;
    try {
      recording = Class.forName("jdk.jfr.Recording").getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | IllegalStateException e) {
      Assumptions.abort("no Flight Recorder here: " + e);
      return List.of();
    }
    Object settings = call(recording, "jdk.jfr.Recording", "enable", "jdk.FileForce");
    call(settings, "jdk.jfr.EventSettings", "withThreshold", Duration.ZERO);
    Path dump = Files.createTempFile(scratch, "forces", ".jfr");
    try {
      call(recording, "jdk.jfr.Recording", "start");
      try {
        action.run();
      } finally {
        call(recording, "jdk.jfr.Recording", "stop");
      }
      call(recording, "jdk.jfr.Recording", "dump", dump);
    } finally {
      call(recording, "jdk.jfr.Recording", "close");
    }
    List<?> events =
        (List<?>)
            Class.forName("jdk.jfr.consumer.RecordingFile")
                .getMethod("readAllEvents", Path.class)
                .invoke(null, dump);
    Files.delete(dump);
    List<Force> forces = new ArrayList<>();
    for (Object e : events) {
      Object type = call(e, "jdk.jfr.consumer.RecordedEvent", "getEventType");
      if (call(type, "jdk.jfr.EventType", "getName").equals("jdk.FileForce")) {
        forces.add(
            new Force(
                (Instant) call(e, "jdk.jfr.consumer.RecordedEvent", "getStartTime"),
                (String) call(e, "jdk.jfr.consumer.RecordedObject", "getString", "path")));
      }
    }
    forces.sort(Comparator.comparing(Force::start));
    return forces.stream().map(Force::path).toList();
  }

  /**
   * Calls the public method {@code name} that {@code declaringType} declares for the arguments'
   * classes (their exact classes: String, Duration, Path).
   */
  private static Object call(Object target, String declaringType, String name, Object... args)
      throws ReflectiveOperationException {
    Class<?>[] types = new Class<?>[args.length];
    for (int i = 0; i < args.length; i++) {
      types[i] = args[i] instanceof Path ? Path.class : args[i].getClass();
    }
    return Class.forName(declaringType).getMethod(name, types).invoke(target, args);
  }
}
