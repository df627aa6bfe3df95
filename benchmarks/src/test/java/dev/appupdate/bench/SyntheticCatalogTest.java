package dev.appupdate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCatalogTest {

  @Test
  void writeJson_readBack_givesTheGeneratedReleases(@TempDir Path dir) throws Exception {
    SyntheticCatalog synthetic = new SyntheticCatalog(2_000, 10);
    Path file = dir.resolve("catalog.json");

    synthetic.writeJson(file);

    assertThat(Catalog.read(file).releases()).isEqualTo(synthetic.releases());
  }

  @Test
  void writeJson_withSeedReleases_answersTheSeedRequestWithTheSeedOffers(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("catalog.json");
    new SyntheticCatalog(200, 2).writeJson(file, Seed.releases());
    Matcher matcher = Matcher.create(Catalog.read(file), URI.create(SyntheticCatalog.BASE_URL));
    UpdateRequest seed =
        ServerCodec.create().decodeUpdateRequest(Seed.REQUEST.getBytes(StandardCharsets.UTF_8));

    assertThat(matcher.match(seed)).containsExactlyInAnyOrderElementsOf(Seed.offers());
  }

  @Test
  void releases_useEveryCatalogFeature() {
    List<Release> releases = new SyntheticCatalog(2_000, 10).releases();

    assertThat(releases).anyMatch(r -> !r.match().channels().isEmpty());
    assertThat(releases).anyMatch(r -> !r.match().platforms().isEmpty());
    assertThat(releases).anyMatch(r -> !r.match().locales().isEmpty());
    assertThat(releases).anyMatch(r -> r.match().appVersion() != null);
    assertThat(releases).anyMatch(r -> r.match().minOsVersion() != null);
    assertThat(releases).anyMatch(r -> r.rolloutPercent() == 12.5);
    assertThat(releases).anyMatch(Release::paused);
    assertThat(releases).anyMatch(Release::critical);
    assertThat(releases).anyMatch(r -> !r.mirrors().isEmpty());
  }

  @Test
  void requests_mostlyGetOffers_fromProductsAllOverTheCatalog() {
    SyntheticCatalog synthetic = new SyntheticCatalog(10_000, 100);
    Matcher matcher =
        Matcher.create(Catalog.of(synthetic.releases()), URI.create(SyntheticCatalog.BASE_URL));
    SplittableRandom random = new SplittableRandom(1);

    long offered = 0;
    long products = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      UpdateRequest request = synthetic.request(random);
      offered += matcher.match(request).isEmpty() ? 0 : 1;
      products += seen.add(request.product()) ? 1 : 0;
    }

    assertThat(offered).isGreaterThan(500);
    assertThat(products).isGreaterThan(90);
  }

  @Test
  void sameArguments_giveTheSameCatalogAndRequests() {
    SyntheticCatalog a = new SyntheticCatalog(400, 2);
    SyntheticCatalog b = new SyntheticCatalog(400, 2);

    assertThat(a.releases()).isEqualTo(b.releases());
    assertThat(a.request(new SplittableRandom(3))).isEqualTo(b.request(new SplittableRandom(3)));
  }

  @Test
  void releasesNotDividingOverProducts_areRefusedWithTheNeededMultiple() {
    assertThatThrownBy(() -> new SyntheticCatalog(1_001, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("releases must be a positive multiple of 2 x products (20), got 1001");
  }
}
