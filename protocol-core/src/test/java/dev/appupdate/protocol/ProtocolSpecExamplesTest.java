package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps docs/PROTOCOL.md, the JSON Schemas and the codec in agreement: every tagged JSON example
 * of the specification validates against its schema and decodes with the codec (or, when marked
 * invalid, is rejected by both), and the version ordering examples hold.
 */
class ProtocolSpecExamplesTest {
  private static final Path SPEC = Path.of("..", "docs", "PROTOCOL.md");
  private static final Pattern TAGGED =
      Pattern.compile(
          "<!-- schema: ([a-z-]+)( \\(invalid\\))? -->\\n```json\\n(.*?)\\n```", Pattern.DOTALL);

  private static String spec;
  private static final Map<ProtocolSchema, Schema> SCHEMAS = new EnumMap<>(ProtocolSchema.class);

  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  /** One tagged example: its schema, whether it is marked invalid, its text and its line. */
  record Example(ProtocolSchema schema, boolean invalid, String json, int line) {
    @Override
    public String toString() {
      return schema.schemaName() + (invalid ? " (invalid)" : "") + " at PROTOCOL.md:" + line;
    }
  }

  @BeforeAll
  static void load() throws IOException {
    spec = Files.readString(SPEC, StandardCharsets.UTF_8);
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    for (ProtocolSchema s : ProtocolSchema.values()) {
      SCHEMAS.put(s, registry.getSchema(s.text(), InputFormat.JSON));
    }
  }

  private static List<Example> examples() {
    List<Example> examples = new ArrayList<>();
    Matcher m = TAGGED.matcher(spec);
    while (m.find()) {
      int line = (int) spec.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
      examples.add(
          new Example(ProtocolSchema.fromSchemaName(m.group(1)), m.group(2) != null, m.group(3), line));
    }
    return examples;
  }

  private static List<Error> validate(ProtocolSchema schema, String json) {
    return SCHEMAS.get(schema).validate(json, InputFormat.JSON);
  }

  /** Decodes with the codec a receiver of this document uses; throws ProtocolException. */
  private Object decode(ProtocolSchema schema, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return switch (schema) {
      case UPDATE_REQUEST -> server.decodeUpdateRequest(body);
      case COMPLETION_REPORT -> server.decodeCompletionReport(body);
      case PROBLEM -> client.decodeProblem(body, 500);
      case UPDATE_RESPONSE -> {
        UpdateResponse r = client.decodeUpdateResponse(body);
        if (!r.rejected().isEmpty()) {
          List<FieldError> errors = new ArrayList<>();
          r.rejected().forEach(o -> errors.addAll(o.errors()));
          throw new ProtocolException("update response", errors);
        }
        yield r;
      }
    };
  }

  @Test
  void everySchema_isAValidDraft202012Schema() {
    Schema meta =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    for (ProtocolSchema s : ProtocolSchema.values()) {
      assertThat(meta.validate(s.text(), InputFormat.JSON)).as(s.schemaName()).isEmpty();
      assertThat(SCHEMAS.get(s).getSchemaNode().path("$schema").asString())
          .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }
  }

  @Test
  void everyJsonBlock_isTaggedWithASchema() {
    long jsonBlocks = Pattern.compile("^```json$", Pattern.MULTILINE).matcher(spec).results().count();

    assertThat(examples()).hasSize((int) jsonBlocks);
  }

  @Test
  void examples_coverEverySchemaWithValidOnesAndIncludeInvalidOnes() {
    List<Example> examples = examples();
    for (ProtocolSchema s : ProtocolSchema.values()) {
      assertThat(examples).as(s.schemaName()).anyMatch(e -> e.schema() == s && !e.invalid());
    }
    assertThat(examples).anyMatch(Example::invalid);
  }

  @TestFactory
  Stream<DynamicTest> everyExample_agreesWithItsSchemaAndTheCodec() {
    return examples().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.toString(),
                    () -> {
                      List<Error> errors = validate(e.schema(), e.json());
                      if (e.invalid()) {
                        assertThat(errors).as("schema errors of " + e).isNotEmpty();
                        assertThatThrownBy(() -> decode(e.schema(), e.json()))
                            .as("codec on " + e)
                            .isInstanceOf(ProtocolException.class);
                      } else {
                        assertThat(errors).as("schema errors of " + e).isEmpty();
                        assertThat(decode(e.schema(), e.json())).isNotNull();
                      }
                    }));
  }

  /** The key the specification's example request ids were issued under: bytes 0 to 31. */
  private static byte[] exampleKey() {
    byte[] key = new byte[RequestIds.KEY_LENGTH];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    return key;
  }

  @Test
  void exampleRequestIds_areIdsTheReferenceServerIssuesAndVerifies() throws IOException {
    // Clocked at the examples' issue time, so only the syntax and the MAC decide.
    RequestIds ids =
        RequestIds.create(
            exampleKey(),
            Clock.fixed(Instant.parse("2026-03-02T09:30:00Z"), ZoneOffset.UTC),
            Duration.ofDays(30));
    ObjectMapper mapper = new ObjectMapper();
    int checked = 0;
    for (Example e : examples()) {
      JsonNode id = e.invalid() ? null : mapper.readTree(e.json()).get("request_id");
      // "xyz321" is the seed sketch's own example, kept verbatim in its section.
      if (id == null || id.asText().equals("xyz321")) {
        continue;
      }
      RequestIdClaims claims = ids.verify(id.asText());
      assertThat(claims.product()).as(e.toString()).isEqualTo("your_app");
      assertThat(claims.offered("my_important_data", "1.0")).as(e.toString()).isTrue();
      assertThat(claims.offered("my_important_binary_blob", "2.0")).as(e.toString()).isTrue();
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(3);
  }

  @Test
  void problemSchema_requiresType() {
    assertThat(validate(ProtocolSchema.PROBLEM, "{\"title\":\"Bad Request\",\"status\":400}"))
        .isNotEmpty();
    assertThat(
            validate(
                ProtocolSchema.PROBLEM,
                "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400}"))
        .isEmpty();
  }

  /**
   * ajv's strict mode ({@code strictTypes}) refuses a keyword that applies to one JSON type in a
   * schema object that does not say that type; the schemas name it next to every such keyword.
   */
  @Test
  void everySchema_namesTheTypeNextToEveryTypeSpecificKeyword() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    for (ProtocolSchema s : ProtocolSchema.values()) {
      List<String> missing = new ArrayList<>();
      missingTypes(mapper.readTree(s.text()), "#", missing);
      assertThat(missing).as(s.schemaName()).isEmpty();
    }
  }

  /** A keyword that applies to strings or numbers only, and the type it needs beside it. */
  private static final Map<String, String> KEYWORD_TYPES =
      Map.of(
          "pattern", "string",
          "minLength", "string",
          "maxLength", "string",
          "format", "string",
          "minimum", "number",
          "maximum", "number");

  private static void missingTypes(JsonNode node, String path, List<String> missing) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        missingTypes(node.get(i), path + "/" + i, missing);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    // The members of "properties" are names of the described object, not keywords ("format").
    boolean propertyNames = path.endsWith("/properties");
    String type = node.path("type").asText();
    for (Map.Entry<String, String> k : KEYWORD_TYPES.entrySet()) {
      if (propertyNames) {
        break;
      }
      boolean named =
          type.equals(k.getValue()) || (k.getValue().equals("number") && type.equals("integer"));
      if (node.has(k.getKey()) && !named) {
        missing.add(path + ": " + k.getKey() + " without \"type\": \"" + k.getValue() + "\"");
      }
    }
    node.properties().forEach(m -> missingTypes(m.getValue(), path + "/" + m.getKey(), missing));
  }

  @Test
  void sizeSchemas_noteThatJavaScriptNumbersCannotHoldTheMaximum() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    for (ProtocolSchema s :
        List.of(ProtocolSchema.UPDATE_RESPONSE, ProtocolSchema.COMPLETION_REPORT)) {
      JsonNode size = mapper.readTree(s.text()).path("$defs").path("size");
      assertThat(size.path("maximum").asText()).isEqualTo("9223372036854775807");
      assertThat(size.path("$comment").asText()).as(s.schemaName()).contains("JavaScript");
    }
  }

  @Test
  void invalidRequestExample_isAnsweredWithTheProblemShownAfterIt() throws IOException {
    List<Example> examples = examples();
    int i = 0;
    while (!(examples.get(i).invalid() && examples.get(i).schema() == ProtocolSchema.UPDATE_REQUEST)) {
      i++;
    }
    Example request = examples.get(i);
    Example problem = examples.get(i + 1);
    assertThat(problem.schema()).isEqualTo(ProtocolSchema.PROBLEM);

    ProtocolException rejection =
        (ProtocolException) catchProtocolException(() -> decode(request.schema(), request.json()));
    byte[] answer = server.encodeProblem(Problem.invalid(rejection));

    ObjectMapper mapper = new ObjectMapper();
    assertThat(mapper.readTree(answer)).isEqualTo(mapper.readTree(problem.json()));
  }

  private static Throwable catchProtocolException(Runnable r) {
    try {
      r.run();
    } catch (ProtocolException e) {
      return e;
    }
    return fail("expected a ProtocolException");
  }

  @Test
  void versionExamplesTable_holds() {
    String section = spec.substring(spec.indexOf("\n## Versions"), spec.indexOf("\n## Rollouts"));
    Pattern row = Pattern.compile("^\\| (`.*?`) \\|", Pattern.MULTILINE);
    Pattern token = Pattern.compile("`([^`]+)`");
    int rows = 0;
    Matcher r = row.matcher(section);
    while (r.find()) {
      String cell = r.group(1);
      Matcher t = token.matcher(cell);
      Version previous = null;
      int end = 0;
      while (t.find()) {
        Version current = Version.parse(t.group(1));
        if (previous != null) {
          String op = cell.substring(end, t.start()).trim();
          int expected =
              switch (op) {
                case "<" -> -1;
                case "=" -> 0;
                case ">" -> 1;
                default -> throw new AssertionError("operator '" + op + "' in " + cell);
              };
          assertThat(Integer.signum(previous.compareTo(current)))
              .as("%s %s %s", previous, op, current)
              .isEqualTo(expected);
        }
        previous = current;
        end = t.end();
      }
      rows++;
    }
    assertThat(rows).isGreaterThanOrEqualTo(10);
  }

  @Test
  void rolloutExample_statesTheBucketTheArithmeticGives() {
    assertThat(spec)
        .contains("`3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f/your_app/my_important_data/1.0`")
        .contains("first 8 bytes `728a685b4cd2cdaf` = `n` = 8,253,524,008,450,051,503")
        .contains("**44.7424**");
  }

  @Test
  void downloadExample_digestIsTheSha256OfTheSixBytesShown() {
    byte[] bytes = {0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a};
    String hex = java.util.HexFormat.of().formatHex(HashFunction.SHA256.newDigest().digest(bytes));

    assertThat(spec)
        .contains("`\"size\": " + bytes.length + "`")
        .contains("`\"hash_value\": \"" + hex + "\"`")
        .contains("`68 65 6c 6c 6f 0a`");
  }

  // ---- the schemas and the codec refuse the same things ----

  private static final String OFFER =
      "{\"update_type\":\"t\",\"url\":\"https://a.example/x\",\"hash_function\":\"%s\","
          + "\"hash_value\":\"%s\",\"size\":%s,\"version\":%s}";

  private static String response(String function, String hash, String size, String version) {
    return "{\"available_updates\":[" + OFFER.formatted(function, hash, size, version)
        + "],\"request_id\":\"r\"}";
  }

  private void assertBothRefuse(ProtocolSchema schema, String json) {
    assertThat(validate(schema, json)).as("schema errors for " + json).isNotEmpty();
    assertThatThrownBy(() -> decode(schema, json))
        .as("codec on " + json)
        .isInstanceOf(ProtocolException.class);
  }

  private void assertBothAccept(ProtocolSchema schema, String json) {
    assertThat(validate(schema, json)).as("schema errors for " + json).isEmpty();
    assertThat(decode(schema, json)).isNotNull();
  }

  @Test
  void emptyCode_isAcceptedBySchemaAndCodecAndReadAsOther() {
    String report =
        "{\"request_id\": \"r\", \"updates\": {\"t\": {\"status\": \"failed\", \"version\": \"1\","
            + " \"code\": \"\", \"reason\": \"disk full\"}}}";

    assertBothAccept(ProtocolSchema.COMPLETION_REPORT, report);
    assertThat(
            server
                .decodeCompletionReport(report.getBytes(StandardCharsets.UTF_8))
                .updates()
                .get("t")
                .code())
        .isEqualTo(FailureCode.OTHER);
  }

  @Test
  void completionExamples_includeACodeThisVersionDoesNotKnow() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<String> unknown = new ArrayList<>();
    for (Example e : examples()) {
      if (e.schema() != ProtocolSchema.COMPLETION_REPORT || e.invalid()) {
        continue;
      }
      mapper
          .readTree(e.json())
          .get("updates")
          .forEach(
              o -> {
                String code = o.path("code").asText(null);
                if (code != null
                    && Arrays.stream(FailureCode.values()).noneMatch(c -> c.wireName().equals(code))) {
                  unknown.add(code);
                }
              });
    }

    assertThat(unknown).isNotEmpty();
  }

  @Test
  void md5Offer_isRefusedBySchemaAndCodec() {
    assertBothRefuse(
        ProtocolSchema.UPDATE_RESPONSE,
        response("md5", "0cc175b9c0f1b6a831c399e269772661", "1", "\"1.0\""));
  }

  @Test
  void sha512DigestOfSha256Length_isRefusedBySchemaAndCodec() {
    String sha256 = TestDocs.hex(HashFunction.SHA256, "x");
    assertBothRefuse(ProtocolSchema.UPDATE_RESPONSE, response("sha512", sha256, "1", "\"1.0\""));
    assertBothAccept(ProtocolSchema.UPDATE_RESPONSE, response("sha256", sha256, "1", "\"1.0\""));
  }

  @Test
  void upperCaseDigest_isRefusedBySchemaAndCodec() {
    String upper = TestDocs.hex(HashFunction.SHA256, "x").toUpperCase(java.util.Locale.ROOT);
    assertBothRefuse(ProtocolSchema.UPDATE_RESPONSE, response("sha256", upper, "1", "\"1.0\""));
  }

  @Test
  void negativeSizeAndIntegerOfferVersion_areRefusedBySchemaAndCodec() {
    String sha256 = TestDocs.hex(HashFunction.SHA256, "x");
    assertBothRefuse(ProtocolSchema.UPDATE_RESPONSE, response("sha256", sha256, "-1", "\"1.0\""));
    assertBothRefuse(ProtocolSchema.UPDATE_RESPONSE, response("sha256", sha256, "1", "2"));
  }

  @Test
  void relativeOrNonAsciiUrl_isRefusedBySchemaAndCodec() {
    String sha256 = TestDocs.hex(HashFunction.SHA256, "x");
    String offer = response("sha256", sha256, "1", "\"1.0\"");
    assertBothRefuse(ProtocolSchema.UPDATE_RESPONSE, offer.replace("https://a.example/x", "/x"));
    assertBothRefuse(
        ProtocolSchema.UPDATE_RESPONSE, offer.replace("https://a.example/x", "https://a.example/\u00fc"));
  }

  @Test
  void requestVersions_fractionRefusedIntegerAccepted_bySchemaAndCodec() {
    String request =
        "{\"product\":\"p\",\"version\":%s,\"platform\":\"macOS\",\"locale\":\"en-US\"}";
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, request.formatted("1.5"));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, request.formatted("\"1.0 beta\""));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, request.formatted("\"\""));
    assertBothAccept(ProtocolSchema.UPDATE_REQUEST, request.formatted("666"));
  }

  @Test
  void requestNamesAndTexts_areRefusedAlikeBySchemaAndCodec() {
    String ok = "{\"product\":\"p\",\"version\":\"1\",\"platform\":\"macOS\",\"locale\":\"en-US\"}";
    assertBothAccept(ProtocolSchema.UPDATE_REQUEST, ok);
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, ok.replace("\"p\"", "\"-p\""));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, ok.replace("\"p\"", "\"" + "p".repeat(129) + "\""));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, ok.replace("macOS", "   "));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, ok.replace("macOS", "mac\\u0007"));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, ok.replace("en-US", "en_US"));
    assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, ok.replace("}", ",\"installed\":{\"t\":true}}"));
    assertBothAccept(ProtocolSchema.UPDATE_REQUEST, ok.replace("}", ",\"arch\":null,\"x-new\":[1]}"));
  }

  @Test
  void completionWithoutReasonOnFailure_isRefusedBySchemaAndCodec() {
    String report = "{\"request_id\":\"r\",\"updates\":{\"t\":{\"status\":\"failed\",\"version\":\"1\"%s}}}";
    assertBothRefuse(ProtocolSchema.COMPLETION_REPORT, report.formatted(""));
    assertBothRefuse(ProtocolSchema.COMPLETION_REPORT, report.formatted(",\"reason\":null"));
    assertBothAccept(ProtocolSchema.COMPLETION_REPORT, report.formatted(",\"reason\":\"disk full\""));
    assertBothRefuse(
        ProtocolSchema.COMPLETION_REPORT, "{\"request_id\":\"r\",\"updates\":{}}");
    assertBothRefuse(
        ProtocolSchema.COMPLETION_REPORT,
        report.formatted(",\"reason\":\"x\",\"hash_function\":\"sha1\""));
  }

  @Test
  void problemWithMembersOfWrongType_isRefusedBySchemaButReadByTheLenientClient() {
    // The schema says what a server sends; RFC 9457 tells clients to ignore a member of the wrong
    // type rather than refuse the document.
    for (String json :
        List.of(
            "{\"title\":\"OK\",\"status\":200}",
            "{\"title\":\"x\",\"status\":400,\"errors\":[\"e\"]}",
            "{\"title\":5,\"status\":400.0}")) {
      assertThat(validate(ProtocolSchema.PROBLEM, json)).as("schema errors for " + json).isNotEmpty();
      assertThat(decode(ProtocolSchema.PROBLEM, json)).isNotNull();
    }
  }

  // ---- URLs: the schema, the codec and the catalog accept the same hosts ----

  private String offerWithUrl(String url) {
    String sha256 = TestDocs.hex(HashFunction.SHA256, "x");
    return response("sha256", sha256, "1", "\"1.0\"").replace("https://a.example/x", url);
  }

  private static final List<String> VALID_URLS =
      List.of(
          "https://updates.example.com/x",
          "HTTP://Updates.Example.COM/x",
          "https://example.com./x",
          "https://localhost:8000/x",
          "https://h",
          "https://h?q=1",
          "https://h#f",
          "https://xn--bcher-kva.example/b%C3%BCcher?a=1&b=%2F#top",
          "https://1password.com/x",
          "http://127.0.0.1:8000/files/a.zip",
          "http://255.255.255.255/x",
          "https://[::1]:8443/x",
          "https://[2001:db8::7]/x",
          "https://[::ffff:192.0.2.1]/x",
          "https://h:65535/x",
          "https://h:00080/x",
          "https://h:/x",
          "https://h:99999/x",
          "https://h/a;b=c/d:e@f!$&'()*+,~-._/",
          "https://h/x?/?:@#/?:@");

  private static final List<String> INVALID_URLS =
      List.of(
          "https://my_host.example.com/x",
          "https://files.123/x",
          "https://ex%41mple.com/x",
          "https://-h-/x",
          "https://h-/x",
          "https://a..b/x",
          "https://123/x",
          "https://01.2.3.4/x",
          "https://1.2.3.256/x",
          "https://1.2.3.4.5/x",
          "https://user:secret@updates.example.com/x",
          "https://@h/x",
          "https://h:8o/x",
          "https://h:80:90/x",
          "https://[::1]x/x",
          "https://[1:2]/x",
          "https://[fe80::1%25eth0]/x",
          "https://[v1.x]/x",
          "https://h/a[b]",
          "https://h/x?a[b]",
          "https://h/x#a]",
          "https://h/a|b",
          "https://h/a%zz",
          "https://h/x#a#b",
          "https:/h/x",
          "https:///x",
          "ftp://h/x",
          "//h/x");

  @Test
  void urlHosts_areAcceptedAlikeBySchemaAndCodec() {
    for (String url : VALID_URLS) {
      assertBothAccept(ProtocolSchema.UPDATE_RESPONSE, offerWithUrl(url));
    }
  }

  @Test
  void urlHostsNoHttpClientCanReach_areRefusedAlikeBySchemaAndCodec() {
    for (String url : INVALID_URLS) {
      assertBothRefuse(ProtocolSchema.UPDATE_RESPONSE, offerWithUrl(url));
    }
  }

  @Test
  void urlSection_statesTheHostGrammar() {
    assertThat(spec.replaceAll("\\s+", " "))
        .contains("| *URL* | string |")
        .contains("no user information")
        .contains("IPv6address")
        .contains("the last label starts with a letter");
  }

  // ---- locales ----

  @Test
  void privateUseAndIrregularLocales_areAcceptedBySchemaAndCodec() {
    String request =
        "{\"product\":\"p\",\"version\":\"1\",\"platform\":\"m\",\"locale\":\"%s\"}";
    for (String tag : List.of("x-klingon", "X-a-b", "i-default", "I-klingon", "en-x-twain")) {
      assertBothAccept(ProtocolSchema.UPDATE_REQUEST, request.formatted(tag));
    }
    for (String tag : List.of("x", "x-", "i", "a-bc", "x-abcdefghi", "x--a", "en_US", "-x")) {
      assertBothRefuse(ProtocolSchema.UPDATE_REQUEST, request.formatted(tag));
    }
  }

  // ---- the limits as the document states them ----

  @Test
  void documentRules_countStringLimitsInUtf16CodeUnits() {
    assertThat(spec.replaceAll("\\s+", " "))
        .contains("every string and every key at most 8,192 UTF-16 code units");
    String emoji = "\ud83d\ude00".repeat(4096);
    String request =
        "{\"product\":\"p\",\"version\":\"1\",\"platform\":\"m\",\"locale\":\"en\","
            + "\"x\":\"%s\"}";

    assertThat(decode(ProtocolSchema.UPDATE_REQUEST, request.formatted(emoji))).isNotNull();
    assertThatThrownBy(() -> decode(ProtocolSchema.UPDATE_REQUEST, request.formatted(emoji + "a")))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("invalid update request: x: string is longer than 8192 UTF-16 code units");
  }

  @Test
  void fieldPathsSection_describesQuotedKeys() {
    String section =
        spec.substring(spec.indexOf("### Field paths"), spec.indexOf("## Value types"));

    assertThat(section).contains("`installed[\"org.example.blocklist\"]`");
    assertThatThrownBy(
            () ->
                server.decodeUpdateRequest(
                    ("{\"product\":\"p\",\"version\":\"1\",\"platform\":\"m\","
                            + "\"locale\":\"en\",\"installed\":{\"org.example.blocklist\":1.5}}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors().get(0).field())
                    .isEqualTo("installed[\"org.example.blocklist\"]"));
  }
}
