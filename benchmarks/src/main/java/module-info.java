/**
 * Benchmarks of appupdate: JMH benchmarks, the catalog load measurement, the bare HTTP server
 * the reference server is compared with, and the client download measurements. Run from the
 * shaded jar (docs/PERFORMANCE.md), never deployed.
 */
module dev.appupdate.bench {
  requires dev.appupdate.client;
  requires dev.appupdate.client.patch;
  requires dev.appupdate.protocol;
  requires java.net.http;
  requires jdk.httpserver;
  requires jdk.jfr;
  requires jdk.management;
  requires jmh.core;
  requires org.bouncycastle.provider;

  exports dev.appupdate.bench;
  exports dev.appupdate.bench.jmh_generated;
}
