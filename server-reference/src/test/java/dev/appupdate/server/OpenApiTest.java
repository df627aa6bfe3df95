package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml is valid OpenAPI 3.1 and describes exactly the public listener's routes. */
class OpenApiTest {
  private static final Path SPEC = Path.of("..", "docs", "openapi.yaml").toAbsolutePath();
  private static SwaggerParseResult result;

  @BeforeAll
  static void parse() {
    ParseOptions options = new ParseOptions();
    // Follows the references into the protocol's JSON Schemas, so that a broken one is an error.
    options.setResolve(true);
    result = new OpenAPIV3Parser().readLocation(SPEC.toUri().toString(), null, options);
  }

  @Test
  void openApi_parsesWithoutMessages() {
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
  }

  @Test
  void openApi_describesEveryRouteTheServerServesAndNoOther() {
    Set<String> served =
        Arrays.stream(Metrics.ROUTES)
            .filter(r -> !r.equals("other"))
            .map(r -> r.equals(FileRoute.PREFIX) ? "/files/{name}" : r)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(new TreeSet<>(result.getOpenAPI().getPaths().keySet())).isEqualTo(served);
  }

  @Test
  void openApi_describesTheMethodsOfEachRoute() {
    Map<String, PathItem> paths = result.getOpenAPI().getPaths();

    assertThat(methods(paths.get("/v1/update"))).containsExactly("POST");
    assertThat(methods(paths.get("/v1/completion"))).containsExactly("POST");
    assertThat(methods(paths.get("/v1/explain"))).containsExactly("POST");
    assertThat(methods(paths.get("/healthz"))).containsExactly("GET");
    assertThat(methods(paths.get("/files/{name}"))).containsExactlyInAnyOrder("GET", "HEAD");
  }

  @Test
  void openApi_reusesTheProtocolSchemas() {
    OpenAPI api = result.getOpenAPI();
    Schema<?> request =
        api.getComponents().getRequestBodies().get("UpdateRequest").getContent()
            .get("application/json").getSchema();
    Schema<?> problem = api.getComponents().getSchemas().get("Problem");

    assertThat(request.getRequired()).contains("product", "version", "platform", "locale");
    assertThat(problem.getProperties()).containsKeys("type", "title", "status", "errors");
  }

  private static List<String> methods(PathItem item) {
    return item.readOperationsMap().keySet().stream().map(Enum::name).toList();
  }
}
