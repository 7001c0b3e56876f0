-- wrk script: a signed trigger webhook with a fresh invocation id per request,
-- so every request is a new delivery that the service must store durably.
local counter = 0
local body = os.getenv("BENCH_BODY")
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Zendesk-Webhook-Signature"] = os.getenv("BENCH_SIGNATURE")
wrk.headers["X-Zendesk-Webhook-Signature-Timestamp"] = os.getenv("BENCH_TIMESTAMP")

function setup(thread)
  thread:set("tid", tostring(thread))
end

request = function()
  counter = counter + 1
  wrk.headers["X-Zendesk-Webhook-Invocation-Id"] = tid .. "-" .. counter
  return wrk.format()
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
