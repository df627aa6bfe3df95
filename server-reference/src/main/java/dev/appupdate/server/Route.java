package dev.appupdate.server;

import java.io.IOException;

/** Answers the requests of one path once {@link Router} has checked the method. */
@FunctionalInterface
interface Route {
  /**
   * Answers {@code call}.
   *
   * @throws HttpProblem to answer with a problem document
   * @throws IOException if the client went away
   */
  void handle(Call call) throws IOException, HttpProblem;
}
