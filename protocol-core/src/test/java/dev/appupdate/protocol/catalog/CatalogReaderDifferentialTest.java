package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.internal.Fields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds {@link CatalogReader}, which reads each release straight from the token stream, to the
 * answers of {@link TreeCatalogReader}, which read each release into a JSON tree first: for a wide
 * set of malformed catalogs (every field of a release that uses every feature replaced by values of
 * every JSON type, removed, duplicated, joined by unknown keys, several bad releases at once, more
 * problems than a message lists, and broken documents), the same releases, or the same problems in
 * the same order with the same paths and messages, from bytes and from a file.
 */
class CatalogReaderDifferentialTest {
  private static final String SHA512 = "0123456789abcdef".repeat(8);
  private static final String SHA256 = "0123456789abcdef".repeat(4);
  private static final String SIG = "A".repeat(85) + "w";

  /** Values put in place of every member and element, one at a time. */
  private static final List<String> VALUES =
      List.of(
          "null",
          "true",
          "false",
          "0",
          "-0",
          "-1",
          "7",
          "2147483648",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "123456789012345678901234567890",
          "1.5",
          "12.5",
          "0.0",
          "-0.0",
          "1e2",
          "1E+2",
          "100.0000001",
          "100.00000000000000000000000000001",
          "12.125",
          "1e-400",
          "0.05",
          "1e99999999999",
          "\"\"",
          "\"x\"",
          "\" \"",
          "\"a b\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"\u00c4\u00d6\"",
          "\"*\"",
          "\"beta*\"",
          "\"en-*\"",
          "\"de\"",
          "\">=1.0 <2.0\"",
          "\">=2.0 <1.0\"",
          "\"http://h/\"",
          "\"https://cdn.example.com/a b\"",
          "\"ftp://x/y\"",
          "\"//h/p\"",
          "\"https://user@h/\"",
          "\"https://h:99999/\"",
          "\"https://my_host/\"",
          "\"https://h/?q=[1]\"",
          "\"a:b\"",
          "\"%zz\"",
          "\"sha256\"",
          "\"SHA512\"",
          "\"zstd\"",
          "\"" + SHA256 + "\"",
          "\"" + SHA512 + "\"",
          "\"" + SHA512.toUpperCase(java.util.Locale.ROOT) + "\"",
          "\"0123456789abcdef\"",
          "\"" + SIG + "\"",
          "\"" + "a".repeat(200) + "\"",
          "\"" + "b".repeat(64) + "\"",
          "\"" + "b".repeat(65) + "\"",
          "\"sha\\u003512\"",
          "\"your\\u005fapp\"",
          "\"1.0\"",
          "\"3.0\"",
          "\"2.0\"",
          "\"1.0.0\"",
          "[]",
          "[1]",
          "[\"a\",null,\"b\"]",
          "[\"beta*\",\"\"]",
          "[[]]",
          "{}",
          "{\"a\":1}",
          "{\"max_failure_rate\":0.5,\"min_reports\":10}",
          "{\"x\":{\"y\":[1e99999999999]}}",
          "{\"a\":1,\"a\":2}");

  @TempDir Path dir;
  private int files;

  @Test
  void read_everyFieldOfAReleaseReplacedRemovedOrDuplicated_answersAsTheTreeReaderDid()
      throws IOException {
    Obj full = fullRelease("2.0");
    List<List<Object>> paths = new ArrayList<>();
    collectPaths(full, new ArrayList<>(), paths);
    int documents = 0;
    for (List<Object> path : paths) {
      for (String value : VALUES) {
        Obj mutated = full.copy();
        mutated.replace(path, 0, new Raw(value));
        check(catalog(baseRelease().write(), mutated.write()));
        documents++;
      }
      if (path.get(path.size() - 1) instanceof String) {
        Obj removed = full.copy();
        removed.remove(path, 0);
        check(catalog(baseRelease().write(), removed.write()));
        Obj duplicated = full.copy();
        duplicated.duplicate(path, 0);
        check(catalog(baseRelease().write(), duplicated.write()));
        documents += 2;
      }
    }
    // Unknown keys at every level, where a value of any kind must still be read and checked.
    for (List<Object> path : objectPaths(full)) {
      for (String value : List.of("1", "null", "{\"a\":[1,{\"b\":2}]}", "1e99999999999", "[1")) {
        Obj mutated = full.copy();
        mutated.addUnknown(path, 0, "unknown", value);
        mutated.addUnknown(path, 0, "also.unknown", "\"x\"");
        check(catalog(baseRelease().write(), mutated.write()));
        documents++;
      }
    }
    assertThat(documents).isGreaterThan(3000);
  }

  @Test
  void read_severalBadReleasesAtOnce_answersAsTheTreeReaderDid() throws IOException {
    Obj full = fullRelease("2.0");
    List<List<Object>> paths = new ArrayList<>();
    collectPaths(full, new ArrayList<>(), paths);
    Random random = new Random(12);
    for (int d = 0; d < 300; d++) {
      int n = 1 + random.nextInt(d % 10 == 0 ? 150 : 6);
      List<String> releases = new ArrayList<>();
      releases.add(baseRelease().write());
      for (int i = 0; i < n; i++) {
        Obj r = fullRelease((2 + random.nextInt(4)) + "." + random.nextInt(3));
        for (int k = random.nextInt(3); k > 0; k--) {
          List<Object> path = paths.get(random.nextInt(paths.size()));
          String value = VALUES.get(random.nextInt(VALUES.size()));
          if (value.contains("1e99999999999") && random.nextInt(4) > 0) {
            value = "\"x\"";
          }
          try {
            mutate(r, path, value, random.nextInt(5));
          } catch (IllegalStateException | ClassCastException | IndexOutOfBoundsException e) {
            // An earlier change replaced a container on this path: nothing to change.
          }
        }
        boolean notAnObject = random.nextInt(20) == 0;
        releases.add(notAnObject ? VALUES.get(random.nextInt(VALUES.size())) : r.write());
      }
      check(catalog(releases.toArray(new String[0])));
    }
  }

  @Test
  void read_brokenDocuments_answersAsTheTreeReaderDid() throws IOException {
    String good = catalog(baseRelease().write(), fullRelease("2.0").write());
    List<String> documents =
        new ArrayList<>(
            List.of(
                "",
                " ",
                "null",
                "[]",
                "1",
                "\"x\"",
                "{}",
                "{\"releases\":null}",
                "{\"releases\":{}}",
                "{\"releases\":\"x\"}",
                "{\"releases\":1e99999999999}",
                "{\"releases\":[]}",
                "{\"releases\":[],\"releases\":[]}",
                "{\"releases\":[],\"other\":1}",
                "{\"other\":[1e99999999999]}",
                "{\"releases\":[null,1,\"x\",[],true]}",
                "{\"releases\":[{}]}",
                "{\"releases\":[{\"product\":1,\"product\":2}]}",
                "{\"releases\":[{\"match\":{\"channels\":[],\"channels\":[]}}]}",
                "{\"releases\":[{\"product\":\"a\"",
                "{\"releases\":[{\"product\":\"a\",}]}",
                "{\"releases\":[{\"product\":'a'}]}",
                "{\"releases\":[{\"size\":01}]}",
                "{\"releases\":[{\"size\":NaN}]}",
                "{\"releases\":[{\"product\":\"a\\x\"}]}",
                "{\"releases\":[{\"product\":\"a\u0001\"}]}",
                "{\"releases\":[" + "[".repeat(20) + "]".repeat(20) + "]}",
                "{\"releases\":[{\"match\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20) + "}]}",
                "{\"releases\":[{\"size\":1" + "0".repeat(120) + "}]}",
                "{\"releases\":[{\"product\":\"" + "p".repeat(17 * 1024) + "\"}]}",
                "{\"releases\":[{\"" + "k".repeat(17 * 1024) + "\":1}]}",
                good + " x",
                good + "{}",
                good + " ]",
                good.substring(0, good.length() - 5),
                good.replace("\"1.0\"", "\"1.0\",\"version\":\"1.0\"")));
    for (String d : documents) {
      check(d);
    }
    byte[] bytes = good.getBytes(StandardCharsets.UTF_8);
    check(withByte(bytes, 40, (byte) 0xff));
    check(withByte(bytes, 40, (byte) 0));
    check(withByte(bytes, bytes.length - 3, (byte) 0xc3));
    byte[] utf16 = good.getBytes(StandardCharsets.UTF_16LE);
    check(utf16);
  }

  @Test
  void read_manyValidReleases_givesEqualReleases() throws IOException {
    List<String> releases = new ArrayList<>();
    for (int p = 0; p < 30; p++) {
      for (int v = 1; v <= 5; v++) {
        Obj r = fullRelease(v + ".0");
        r.replace(List.of("product"), 0, new Raw("\"product" + p + "\""));
        r.remove(List.of("patches"), 0);
        if (v % 2 == 0) {
          r.remove(List.of("match"), 0);
          r.remove(List.of("halt"), 0);
        }
        releases.add(r.write());
      }
    }
    check(catalog(releases.toArray(new String[0])));
    Catalog c = Catalog.parse(bytes(catalog(releases.toArray(new String[0]))), "t");
    assertThat(c.size()).isEqualTo(150);
    // Equal products and versions are one instance each.
    assertThat(c.releases().get(1).product()).isSameAs(c.releases().get(0).product());
    assertThat(c.releases().get(5).version()).isSameAs(c.releases().get(0).version());
  }

  private static void mutate(Obj r, List<Object> path, String value, int how) {
    switch (how) {
      case 0:
        if (path.get(path.size() - 1) instanceof String) {
          r.remove(path, 0);
        }
        break;
      case 1:
        r.addUnknown(path.subList(0, path.size() - 1), 0, "extra", value);
        break;
      default:
        r.replace(path, 0, new Raw(value));
    }
  }

  @Test
  void url_plainShapesDecidedWithoutAUri_answerAsTheUriCheck() {
    List<String> prefixes =
        List.of(
            "", "", "/", "//", "http://", "https://", "https://", "HTTPS://", "ftp://", "http:");
    String alphabet = "aZz09.-_~/////.:?#%@[] h";
    Random random = new Random(7);
    int plain = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder(prefixes.get(random.nextInt(prefixes.size())));
      for (int n = random.nextInt(14); n > 0; n--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String url = sb.toString();
      if (Rules.isPlainUrl(url)) {
        plain++;
      }
      assertThat(Rules.url(url)).as(url).isEqualTo(Rules.uriUrl(url));
    }
    for (String url :
        List.of(
            "https://cdn.example.com/a.zip",
            "http://a.b",
            "https://a.b.",
            "https://1.2.3.4/x",
            "https://a-.b/",
            "https://-a.b/",
            "https://a..b/",
            "https://x/",
            "files/product00001/application-1.0.zip",
            "https://" + "a".repeat(Fields.MAX_URL_LENGTH),
            "a".repeat(Fields.MAX_URL_LENGTH + 1))) {
      assertThat(Rules.url(url)).as(url).isEqualTo(Rules.uriUrl(url));
    }
    assertThat(Rules.isPlainUrl("https://cdn.example.com/product00001/blocklist-0.json")).isTrue();
    assertThat(Rules.isPlainUrl("files/product00001/application-1.0.zip")).isTrue();
    assertThat(plain).isGreaterThan(2_500);
  }

  // ---- comparison

  private void check(String document) throws IOException {
    check(bytes(document));
  }

  private void check(byte[] document) throws IOException {
    String shown = new String(document, StandardCharsets.UTF_8);
    String described = shown.length() > 600 ? shown.substring(0, 600) + "..." : shown;
    Object expected = outcome(() -> TreeCatalogReader.read(document, "t.json"));
    Object actual = outcome(() -> CatalogReader.read(document, "t.json"));
    assertThat(actual).as("parsed: %s", described).isEqualTo(expected);
    Path file = dir.resolve("c" + files++ + ".json");
    Files.write(file, document);
    Object expectedRead = outcome(() -> TreeCatalogReader.read(file, "t.json"));
    Object actualRead = outcome(() -> CatalogReader.read(file, "t.json"));
    assertThat(actualRead).as("read: %s", described).isEqualTo(expectedRead);
    Files.delete(file);
  }

  interface Load {
    Catalog load() throws IOException;
  }

  /** The releases read, or what was thrown: class, message and each problem. */
  private static Object outcome(Load load) {
    try {
      return load.load().releases();
    } catch (CatalogException e) {
      return List.of(
          "CatalogException",
          e.getMessage(),
          e.source(),
          e.problems().stream()
              .map(p -> p.index() + "|" + p.field() + "|" + p.message() + "|" + p)
              .collect(Collectors.toList()));
    } catch (IOException | RuntimeException e) {
      return List.of(e.getClass().getName(), String.valueOf(e.getMessage()));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withByte(byte[] bytes, int at, byte b) {
    byte[] copy = Arrays.copyOf(bytes, bytes.length);
    copy[at] = b;
    return copy;
  }

  private static String catalog(String... releases) {
    return "{\"releases\":[" + String.join(",", releases) + "]}";
  }

  // ---- documents

  private static Obj baseRelease() {
    return new Obj()
        .put("product", "\"your_app\"")
        .put("update_type", "\"app\"")
        .put("version", "\"1.0\"")
        .put("url", "\"files/app-1.0.jar\"")
        .put("hash_function", "\"sha512\"")
        .put("hash_value", "\"" + SHA512 + "\"")
        .put("size", "1000");
  }

  /** A release with every member a catalog allows, each holding every kind it may. */
  private static Obj fullRelease(String version) {
    return new Obj()
        .put("product", "\"your_app\"")
        .put("update_type", "\"app\"")
        .put("version", "\"" + version + "\"")
        .put("url", "\"https://cdn.example.com/app-" + version + ".jar?x=1#f\"")
        .put("hash_function", "\"sha512\"")
        .put("hash_value", "\"" + SHA512 + "\"")
        .put("size", "123456")
        .put("mirrors", new Arr().add("\"https://m1.example.net/a.jar\"").add("\"rel/a.jar\""))
        .put("critical", "true")
        .put("rollout_percent", "12.5")
        .put("paused", "false")
        .put("halt", new Obj().put("max_failure_rate", "0.05").put("min_reports", "50"))
        .put(
            "match",
            new Obj()
                .put("channels", new Arr().add("\"beta*\"").add("\"stable\""))
                .put("platforms", new Arr().add("\"Windows\""))
                .put("locales", new Arr().add("\"en-*\"").add("\"de\""))
                .put("archs", new Arr().add("\"x86_64\""))
                .put("app_version", "\">=1.0 <3.0\"")
                .put("min_os_version", "\"10.0.19041\""))
        .put(
            "signatures",
            new Arr()
                .add(signature("0123456789abcdef"))
                .add(signature("fedcba9876543210")))
        .put(
            "patches",
            new Arr()
                .add(
                    new Obj()
                        .put("from", "\"1.0\"")
                        .put("format", "\"zstd\"")
                        .put("url", "\"files/p.zst\"")
                        .put("hash_function", "\"sha512\"")
                        .put("hash_value", "\"" + SHA512 + "\"")
                        .put("size", "10")));
  }

  private static Obj signature(String keyId) {
    return new Obj().put("key_id", "\"" + keyId + "\"").put("signature", "\"" + SIG + "\"");
  }

  private static void collectPaths(Object value, List<Object> at, List<List<Object>> out) {
    if (!at.isEmpty()) {
      out.add(List.copyOf(at));
    }
    if (value instanceof Obj) {
      for (Object[] m : ((Obj) value).members) {
        at.add(m[0]);
        collectPaths(m[1], at, out);
        at.remove(at.size() - 1);
      }
    } else if (value instanceof Arr) {
      List<Object> elements = ((Arr) value).elements;
      for (int i = 0; i < elements.size(); i++) {
        at.add(i);
        collectPaths(elements.get(i), at, out);
        at.remove(at.size() - 1);
      }
    }
  }

  private static List<List<Object>> objectPaths(Obj root) {
    List<List<Object>> all = new ArrayList<>();
    collectPaths(root, new ArrayList<>(), all);
    List<List<Object>> objects = new ArrayList<>();
    objects.add(List.of());
    for (List<Object> p : all) {
      if (root.get(p, 0) instanceof Obj) {
        objects.add(p);
      }
    }
    return objects;
  }

  /** A JSON value as written. */
  private static final class Raw {
    final String text;

    Raw(String text) {
      this.text = text;
    }
  }

  /** A JSON object whose members keep their order and may repeat. */
  private static final class Obj {
    final List<Object[]> members = new ArrayList<>();

    Obj put(String key, Object value) {
      members.add(new Object[] {key, value instanceof String ? new Raw((String) value) : value});
      return this;
    }

    Obj copy() {
      Obj c = new Obj();
      for (Object[] m : members) {
        c.members.add(new Object[] {m[0], copyOf(m[1])});
      }
      return c;
    }

    Object get(List<Object> path, int from) {
      if (from == path.size()) {
        return this;
      }
      Object child = child(this, path.get(from));
      return from + 1 == path.size() ? child : descend(child, path, from + 1);
    }

    void replace(List<Object> path, int from, Object value) {
      Object parent = from + 1 == path.size() ? this : descend(this, path, from, path.size() - 1);
      setChild(parent, path.get(path.size() - 1), value);
    }

    void remove(List<Object> path, int from) {
      Obj parent = (Obj) (path.size() == 1 ? this : descend(this, path, 0, path.size() - 1));
      parent.members.removeIf(m -> m[0].equals(path.get(path.size() - 1)));
    }

    void duplicate(List<Object> path, int from) {
      Obj parent = (Obj) (path.size() == 1 ? this : descend(this, path, 0, path.size() - 1));
      Object key = path.get(path.size() - 1);
      for (Object[] m : parent.members) {
        if (m[0].equals(key)) {
          parent.members.add(new Object[] {key, copyOf(m[1])});
          return;
        }
      }
    }

    void addUnknown(List<Object> path, int from, String key, String value) {
      Object target = path.isEmpty() ? this : descend(this, path, 0, path.size());
      if (target instanceof Obj) {
        ((Obj) target).put(key, value);
      }
    }

    String write() {
      StringBuilder sb = new StringBuilder("{");
      for (int i = 0; i < members.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append('"').append(members.get(i)[0]).append("\":");
        sb.append(writeValue(members.get(i)[1]));
      }
      return sb.append('}').toString();
    }
  }

  /** A JSON array. */
  private static final class Arr {
    final List<Object> elements = new ArrayList<>();

    Arr add(Object value) {
      elements.add(value instanceof String ? new Raw((String) value) : value);
      return this;
    }
  }

  private static Object descend(Object value, List<Object> path, int from) {
    return descend(value, path, from, path.size());
  }

  private static Object descend(Object value, List<Object> path, int from, int to) {
    Object v = value;
    for (int i = from; i < to; i++) {
      v = child(v, path.get(i));
    }
    return v;
  }

  private static Object child(Object parent, Object step) {
    if (parent instanceof Obj && step instanceof String) {
      for (Object[] m : ((Obj) parent).members) {
        if (m[0].equals(step)) {
          return m[1];
        }
      }
    } else if (parent instanceof Arr && step instanceof Integer) {
      return ((Arr) parent).elements.get((Integer) step);
    }
    throw new IllegalStateException("no " + step);
  }

  private static void setChild(Object parent, Object step, Object value) {
    if (parent instanceof Obj) {
      for (Object[] m : ((Obj) parent).members) {
        if (m[0].equals(step)) {
          m[1] = value;
          return;
        }
      }
    } else if (parent instanceof Arr) {
      ((Arr) parent).elements.set((Integer) step, value);
      return;
    }
    throw new IllegalStateException("no " + step);
  }

  private static Object copyOf(Object value) {
    if (value instanceof Obj) {
      return ((Obj) value).copy();
    }
    if (value instanceof Arr) {
      Arr a = new Arr();
      for (Object e : ((Arr) value).elements) {
        a.elements.add(copyOf(e));
      }
      return a;
    }
    return value;
  }

  private static String writeValue(Object value) {
    if (value instanceof Raw) {
      return ((Raw) value).text;
    }
    if (value instanceof Obj) {
      return ((Obj) value).write();
    }
    StringBuilder sb = new StringBuilder("[");
    List<Object> elements = ((Arr) value).elements;
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(writeValue(elements.get(i)));
    }
    return sb.append(']').toString();
  }
}
