-- wrk script: POSTs the seed update request of the protocol sketch to /v1/update and prints a
-- summary that scripts can parse (one "key value" pair a line).
--
--   wrk -t2 -c32 -d20s --latency -s benchmarks/scripts/seed-request.lua http://127.0.0.1:8001/v1/update
--
-- Defines no response() callback on purpose: wrk then skips calling Lua per response, which
-- would cap its own throughput below the server's. Non-2xx/3xx answers still count, in
-- errors_status.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"product":"your_app","version":666,"platform":"macOS","locale":"en-US"}'

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write("---- seed-request summary\n")
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("duration_s %.3f\n", seconds))
  io.write(string.format("requests_per_s %.1f\n", summary.requests / seconds))
  io.write(string.format("bytes_per_s %.1f\n", summary.bytes / seconds))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency_p%s_ms %.3f\n", tostring(p), latency:percentile(p) / 1000))
  end
  io.write(string.format("latency_max_ms %.3f\n", latency.max / 1000))
  io.write(string.format("errors_connect %d\n", summary.errors.connect))
  io.write(string.format("errors_read %d\n", summary.errors.read))
  io.write(string.format("errors_write %d\n", summary.errors.write))
  io.write(string.format("errors_status %d\n", summary.errors.status))
  io.write(string.format("errors_timeout %d\n", summary.errors.timeout))
end
