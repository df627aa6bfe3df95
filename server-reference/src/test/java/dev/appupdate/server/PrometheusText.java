package dev.appupdate.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, enough to check what {@code
 * /metrics} writes: every line is a {@code # HELP}, a {@code # TYPE}, or a sample {@code name{labels}
 * value}; a sample's family was declared by a {@code # TYPE} line before it.
 */
final class PrometheusText {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*)\\})?"
              + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped|unknown|info|stateset|gaugehistogram)");

  private PrometheusText() {}

  /** Returns the samples, {@code name{labels}} to value; throws on any line out of the format. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    java.util.Set<String> families = new java.util.HashSet<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        continue;
      }
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        families.add(t.group(1));
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("line " + n + " is not Prometheus text: " + line);
      }
      String name = m.group(1);
      boolean declared =
          families.stream().anyMatch(f -> name.equals(f) || name.startsWith(f + "_"));
      if (!declared) {
        throw new AssertionError("line " + n + ": sample of an undeclared family: " + line);
      }
      samples.put(name + (m.group(2) == null ? "" : m.group(2)), Double.valueOf(m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    }
    return samples;
  }

  /** The value of the sample {@code name} with the label {@code label="value"}; 0 when absent. */
  static double value(String text, String name, String label, String value) {
    double found = 0;
    for (Map.Entry<String, Double> e : parse(text).entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(name + "{") && !key.equals(name)) {
        continue;
      }
      Matcher l = LABEL.matcher(key);
      while (l.find()) {
        if (l.group(1).equals(label) && l.group(2).equals(value)) {
          found = e.getValue();
        }
      }
    }
    return found;
  }
}
