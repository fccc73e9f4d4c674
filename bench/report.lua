-- wrk reporter for bench/run.py: one JSON line on stdout when the run is done.
-- Latencies are in microseconds; summary.duration is in microseconds too.
-- wrk counts a status >= 400 as errors.status; run.py checks each URL once
-- beforehand, so a redirect (3xx) fails before the load starts.

done = function(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "rps": %.2f, "bytes": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, '
      .. '"non_2xx": %d, "socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout
  ))
end
