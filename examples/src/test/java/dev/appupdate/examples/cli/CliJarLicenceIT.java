package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The CLI jar carries the licence of appupdate and of every component bundled in it. */
class CliJarLicenceIT {
  /** Where each bundled component's classes are, and its licence files in the jar. */
  private static final Map<String, List<String>> COMPONENTS =
      Map.of(
          "dev/appupdate/", List.of("META-INF/LICENSE"),
          "com/fasterxml/jackson/", List.of("META-INF/LICENSE-jackson", "META-INF/NOTICE-jackson"),
          "picocli/", List.of("META-INF/LICENSE-picocli"),
          "com/github/luben/zstd/",
          List.of("META-INF/LICENSE-zstd-jni", "META-INF/LICENSE-zstd"));

  @Test
  void everyBundledClass_belongsToAComponentWhoseLicenceFilesAreInTheJar() throws IOException {
    try (JarFile jar = new JarFile(JarProcess.jar("appupdate.cli.jar").toFile())) {
      TreeSet<String> unlicensed = new TreeSet<>();
      TreeSet<String> bundled = new TreeSet<>();
      for (JarEntry entry : jar.stream().toList()) {
        String name = entry.getName().replaceFirst("^META-INF/versions/\\d+/", "");
        if (!name.endsWith(".class")) {
          continue;
        }
        String component =
            COMPONENTS.keySet().stream().filter(name::startsWith).findFirst().orElse(null);
        if (component == null) {
          unlicensed.add(name.substring(0, name.lastIndexOf('/') + 1));
        } else {
          bundled.add(component);
        }
      }

      assertThat(unlicensed).as("packages of no known component").isEmpty();
      assertThat(bundled).containsExactlyInAnyOrderElementsOf(COMPONENTS.keySet());
      for (String component : bundled) {
        for (String licence : COMPONENTS.get(component)) {
          assertThat(jar.getEntry(licence)).as(licence).isNotNull();
        }
      }
    }
  }

  @Test
  void ownLicence_isTheRepositorysApacheLicense() throws IOException {
    byte[] repository = Files.readAllBytes(Path.of(System.getProperty("appupdate.licence")));

    assertThat(new String(repository, StandardCharsets.UTF_8))
        .contains("Apache License", "Version 2.0, January 2004");
    assertThat(entry("META-INF/LICENSE")).isEqualTo(repository);
  }

  @Test
  void jacksonLicenceAndNotice_areTheOnesEachJacksonJarShips() throws Exception {
    byte[] licence = entry("META-INF/LICENSE-jackson");
    String notice = new String(entry("META-INF/NOTICE-jackson"), StandardCharsets.UTF_8);

    for (Class<?> c : List.of(ObjectMapper.class, JsonFactory.class, JsonProperty.class)) {
      try (JarFile jackson = new JarFile(jarOf(c).toFile())) {
        String own = new String(read(jackson, "META-INF/NOTICE"), StandardCharsets.UTF_8);
        assertThat(licence)
            .as("LICENSE of %s", jackson.getName())
            .isEqualTo(read(jackson, "META-INF/LICENSE"));
        assertThat(notice).as("NOTICE of %s", jackson.getName()).contains(own.strip());
        // Jackson's NOTICE points at licences of code bundled in jackson-core by file name.
        for (String other : otherLicences(jackson)) {
          assertThat(entry(other)).as(other).isEqualTo(read(jackson, other));
        }
      }
    }
  }

  @Test
  void picocliLicence_isTheApacheLicenseItsPomNames() throws IOException {
    // The picocli jar carries no licence file of its own: its POM declares Apache-2.0.
    assertThat(entry("META-INF/LICENSE-picocli"))
        .isEqualTo(Files.readAllBytes(Path.of(System.getProperty("appupdate.licence"))));
  }

  private static byte[] entry(String name) throws IOException {
    try (JarFile jar = new JarFile(JarProcess.jar("appupdate.cli.jar").toFile())) {
      return read(jar, name);
    }
  }

  private static byte[] read(JarFile jar, String name) throws IOException {
    JarEntry entry = jar.getJarEntry(name);
    assertThat(entry).as("%s in %s", name, jar.getName()).isNotNull();
    return jar.getInputStream(entry).readAllBytes();
  }

  private static List<String> otherLicences(JarFile jar) {
    List<String> names = new ArrayList<>();
    jar.stream()
        .map(JarEntry::getName)
        .filter(n -> n.startsWith("META-INF/") && n.endsWith("-LICENSE"))
        .forEach(names::add);
    return names;
  }

  private static Path jarOf(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
