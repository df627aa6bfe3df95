package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppUpdateCliTest {

  @Test
  void noArguments_isAUsageErrorOnOneLine() {
    CliRun run = CliRun.run();

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("appupdate: missing command (see 'appupdate --help')\n");
  }

  @Test
  void misspelledCommand_isAUsageErrorSuggestingTheCommandMeant() {
    CliRun run = CliRun.run("chekc", "--server", "x");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate: unknown command \"chekc\"; did you mean check? (see 'appupdate --help')\n");
  }

  @Test
  void unknownCommand_isAUsageErrorListingTheCommands() {
    CliRun run = CliRun.run("frobnicate");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate: unknown command \"frobnicate\"; expected check, update, hash, keygen,"
                + " catalog, stats, conformance, patch, help (see 'appupdate --help')\n");
  }

  @Test
  void unknownTopLevelOption_isAUsageErrorSuggestingTheOptionMeant() {
    CliRun run = CliRun.run("--verison");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate: unknown option \"--verison\"; did you mean --version? (see 'appupdate"
                + " --help')\n");
  }

  @Test
  void version_printsTheToolsVersionAndExits0() {
    CliRun run = CliRun.run("--version");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).matches("appupdate \\d+\\.\\d+\\.\\d+\\S*\n");
  }

  @Test
  void versionAfterACommand_isTheApplicationsVersionAndNeedsAValue() {
    CliRun run = CliRun.run("check", "--version");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: --version needs a value\n"
                + "appupdate check: --server, --product, --platform and --locale are required"
                + " (see 'appupdate check --help')\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void help_listsEveryCommandAndTheExitCodes(String flag) {
    CliRun run = CliRun.run(flag);

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("Usage: appupdate <command> [options]")
        .contains(
            "  check ",
            "  update ",
            "  hash ",
            "  keygen ",
            "  catalog ",
            "  help ",
            "-h, --help",
            "--version",
            "Exit codes:",
            "  3  ");
  }

  @ParameterizedTest
  @CsvSource({
    "check, Usage: appupdate check --server URL",
    "update, Usage: appupdate update --server URL",
    "hash, Usage: appupdate hash FILE",
    "keygen, Usage: appupdate keygen --private FILE --public FILE",
    "catalog, Usage: appupdate catalog validate FILE"
  })
  void commandHelp_printsTheCommandsUsageAndExitCodes(String command, String usage) {
    for (String flag : new String[] {"--help", "-h"}) {
      CliRun run = CliRun.run(command, flag);

      assertThat(run.exit()).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.out()).startsWith(usage).contains("Options:", "-h, --help", "Exit codes:");
    }
  }

  @Test
  void helpAfterOtherOptions_stillPrintsHelpAndDoesNothingElse() {
    CliRun run =
        CliRun.run("update", "--server", "http://127.0.0.1:1", "--locale", "en_US", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).startsWith("Usage: appupdate update");
  }

  @Test
  void catalogValidateHelp_printsTheValidateHelp() {
    CliRun run = CliRun.run("catalog", "validate", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .startsWith("Usage: appupdate catalog validate FILE [--trust PUBLIC ...]")
        .contains("Examples:", "--trust=PUBLIC");
  }

  @Test
  void catalogSignHelp_printsTheSignHelp() {
    CliRun run = CliRun.run("catalog", "sign", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .startsWith("Usage: appupdate catalog sign --key PRIVATE CATALOG [-o OUT]")
        .contains("--key=PRIVATE", "-o, --output=OUT", "Examples:");
  }

  @Test
  void catalogHelp_showsBothSubcommands() {
    CliRun run = CliRun.run("catalog", "--help");

    assertThat(run.out())
        .startsWith(
            "Usage: appupdate catalog validate FILE [--trust PUBLIC ...]\n"
                + "       appupdate catalog sign --key PRIVATE CATALOG [-o OUT]\n");
  }

  @Test
  void helpCommand_printsTheHelpOfTheNamedCommand() {
    assertThat(CliRun.run("help", "hash").out()).isEqualTo(CliRun.run("hash", "--help").out());
    assertThat(CliRun.run("help", "catalog", "validate").out())
        .isEqualTo(CliRun.run("catalog", "validate", "--help").out());
  }

  @Test
  void helpOfAMisspelledCommand_isAUsageErrorSuggestingTheCommandMeant() {
    CliRun run = CliRun.run("help", "hsah");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate: unknown command \"hsah\"; did you mean hash? (see 'appupdate --help')\n");
  }

  @Test
  void helpTextsFitAnEightyColumnTerminal() {
    for (String command : new String[] {"check", "update", "hash", "keygen", "catalog", "help"}) {
      assertThat(CliRun.run(command, "--help").out().lines())
          .as(command)
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
    for (String sub : new String[] {"validate", "sign"}) {
      assertThat(CliRun.run("catalog", sub, "--help").out().lines())
          .as(sub)
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
    assertThat(CliRun.run("--help").out().lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
  }

  @Test
  void unknownOption_isRefusedSuggestingTheOptionMeant() {
    CliRun run = CliRun.run("hash", "--fucntion", "sha256", "file");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate hash: unknown option \"--fucntion\"; did you mean --function? (see"
                + " 'appupdate hash --help')\n");
  }

  @Test
  void optionGivenTwice_isRefused() {
    CliRun run = CliRun.run("hash", "--function", "sha256", "--function=sha384", "file");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("appupdate hash: --function given twice (see 'appupdate hash --help')\n");
  }

  @Test
  void optionWithoutValueAtTheEnd_isRefused() {
    CliRun run = CliRun.run("hash", "file", "--function");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("appupdate hash: --function needs a value (see 'appupdate hash --help')\n");
  }

  @Test
  void optionFollowedByAnotherOption_isRefusedAsMissingItsValue() {
    CliRun run = CliRun.run("check", "--server", "--json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate check: --server needs a value\n");
  }

  @Test
  void flagWithAttachedBoolean_isRefusedLikeAnyOtherValue() {
    // "--json=false" would otherwise switch --json on; a flag takes no value at all.
    CliRun run = CliRun.run("check", "--json=false", "--insecure-http=true");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "appupdate check: --json takes no value, got \"false\"\n"
                + "appupdate check: --insecure-http takes no value, got \"true\"\n");
  }

  @Test
  void optionNameAfterDoubleDash_isAnUnexpectedArgument() {
    CliRun run =
        CliRun.run(
            "check", "--server", "http://127.0.0.1:1", "--product", "your_app", "--version",
            "666", "--platform", "macOS", "--locale", "en-US", "--", "--json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: unexpected argument \"--json\" (see 'appupdate check --help')\n");
  }

  @Test
  void flagWithValue_isRefused() {
    CliRun run = CliRun.run("check", "--json=yes");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate check: --json takes no value, got \"yes\"\n");
  }

  @Test
  void everyProblem_isListedAtOnceOnALineOfItsOwn() {
    CliRun run =
        CliRun.run(
            "check",
            "--server",
            "127.0.0.1:8000",
            "--product",
            "your app",
            "--locale",
            "en_US",
            "--installed",
            "fonts",
            "--sever",
            "x");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .satisfiesExactly(
            line ->
                assertThat(line)
                    .isEqualTo(
                        "appupdate check: unknown option \"--sever\"; did you mean --server?"),
            line ->
                assertThat(line)
                    .isEqualTo("appupdate check: --version and --platform are required"),
            line ->
                assertThat(line)
                    .isEqualTo(
                        "appupdate check: --server must be an absolute URL such as"
                            + " http://127.0.0.1:8000, got \"127.0.0.1:8000\""),
            line ->
                assertThat(line)
                    .startsWith("appupdate check: --product: ")
                    .contains("\"your app\""),
            line ->
                assertThat(line).startsWith("appupdate check: --locale: ").contains("\"en_US\""),
            line ->
                assertThat(line)
                    .isEqualTo(
                        "appupdate check: --installed needs TYPE=VERSION, got \"fonts\" (see"
                            + " 'appupdate check --help')"));
  }
}
