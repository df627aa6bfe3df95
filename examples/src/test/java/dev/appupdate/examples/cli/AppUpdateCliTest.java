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
  void unknownCommand_isAUsageErrorNamingIt() {
    CliRun run = CliRun.run("chekc", "--server", "x");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("appupdate: unknown command \"chekc\" (see 'appupdate --help')\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void help_listsEveryCommandAndTheExitCodes(String flag) {
    CliRun run = CliRun.run(flag);

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("Usage: appupdate <command> [options]")
        .contains("check ", "update ", "hash ", "catalog validate ", "Exit codes:", "3  ");
  }

  @ParameterizedTest
  @CsvSource({
    "check, Usage: appupdate check --server URL",
    "update, Usage: appupdate update --server URL",
    "hash, Usage: appupdate hash FILE",
    "catalog, Usage: appupdate catalog validate FILE"
  })
  void commandHelp_printsTheCommandsUsageAndExitCodes(String command, String usage) {
    CliRun run = CliRun.run(command, "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).startsWith(usage).contains("Exit codes:", "Example:");
  }

  @Test
  void helpAfterOtherOptions_stillPrintsHelpAndDoesNothingElse() {
    CliRun run = CliRun.run("update", "--server", "http://127.0.0.1:1", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Usage: appupdate update");
  }

  @Test
  void catalogValidateHelp_printsTheCatalogHelp() {
    CliRun run = CliRun.run("catalog", "validate", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Usage: appupdate catalog validate FILE");
  }

  @Test
  void helpCommand_printsTheHelpOfTheNamedCommand() {
    CliRun run = CliRun.run("help", "hash");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Usage: appupdate hash FILE");
  }

  @Test
  void helpOfUnknownCommand_isAUsageError() {
    CliRun run = CliRun.run("help", "frob");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate help: expected one of [check, update, hash, catalog], got [frob]\n");
  }

  @Test
  void helpTextsFitAnEightyColumnTerminal() {
    for (String command : new String[] {"check", "update", "hash", "catalog"}) {
      assertThat(CliRun.run(command, "--help").out().lines())
          .as(command)
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
    assertThat(CliRun.run("--help").out().lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
  }
}
