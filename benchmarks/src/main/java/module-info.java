/** JMH benchmarks of appupdate; run from the shaded jar, never deployed. */
module dev.appupdate.bench {
  requires dev.appupdate.protocol;
  requires jmh.core;

  exports dev.appupdate.bench;
  exports dev.appupdate.bench.jmh_generated;
}
