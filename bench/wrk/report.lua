-- Shared by the scripts of bench/wrk: one JSON line with the run's figures (latencies in µs).
local report = {}

function report.done(summary, latency, extra)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d%s}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, extra or ""))
end

return report
