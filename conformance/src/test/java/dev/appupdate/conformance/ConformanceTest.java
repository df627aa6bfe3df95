package dev.appupdate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.catalog.Catalog;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConformanceTest {
  @Test
  void unreachableServer_failsTheCasesWithoutThrowing() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    URI url = URI.create("http://127.0.0.1:" + port + "/prefix");

    ConformanceReport report = Conformance.builder().server(url).build().run();

    assertThat(report.server().toString()).endsWith("/prefix/");
    assertThat(report.failures()).isNotEmpty();
    assertThat(report.failures())
        .allSatisfy(r -> assertThat(r.detail()).contains("no answer"));
    assertThat(report.names(CaseResult.Status.SKIP)).contains("update.offer", "files.download");
  }

  @Test
  void builder_refusesBadSettings() {
    assertThatThrownBy(() -> Conformance.builder().server(URI.create("ftp://h/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://h/");
    assertThatThrownBy(() -> Conformance.builder().server(URI.create("http://h/?q")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Conformance.builder().maxBodyBytes(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 10");
    assertThatThrownBy(
            () -> Conformance.builder().product("p").catalog(Catalog.of(List.of())))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Conformance.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("server is required");
  }

  @Test
  void report_textAndJson_carryEveryCase() throws Exception {
    ConformanceReport report =
        new ConformanceReport(
            URI.create("http://h/"),
            List.of(
                new CaseResult("a.b", "Routes", CaseResult.Status.PASS, "ok"),
                new CaseResult("c \"d\"", "Status codes", CaseResult.Status.FAIL, "expected 1, saw 2"),
                new CaseResult("e", "Patches", CaseResult.Status.SKIP, "no catalog")));

    assertThat(report.text())
        .isEqualTo(
            "PASS a.b [Routes]: ok\n"
                + "FAIL c \"d\" [Status codes]: expected 1, saw 2\n"
                + "SKIP e [Patches]: no catalog\n");
    JsonNode json = new ObjectMapper().readTree(report.json());
    assertThat(json.path("failed").asInt()).isEqualTo(1);
    assertThat(json.path("passed").asInt()).isEqualTo(1);
    assertThat(json.path("skipped").asInt()).isEqualTo(1);
    assertThat(json.path("cases").get(1).path("name").asText()).isEqualTo("c \"d\"");
    assertThat(json.path("cases").get(1).path("status").asText()).isEqualTo("FAIL");
    assertThat(report.passed()).isFalse();
  }
}
