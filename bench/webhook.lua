-- wrk script: signed trigger webhooks, each a new update of the ticket (bench/ingest.py signs them
-- beforehand, one a line: timestamp, signature, body), so every request is a new delivery that the
-- service must store durably. Thread k of n sends deliveries k, k+n, k+2n, ...; were they to run
-- out, a delivery would be sent again (a duplicate, not stored): done() reports how many were.
local deliveries = {}
local step = tonumber(os.getenv("BENCH_THREADS"))
local threads = {}
index, resent = 0, 0  -- globals: each thread's own, set by setup() and read by done()

function setup(thread)
  thread:set("index", #threads + 1 - step)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_DELIVERIES")) do
    local stamp, signature, body = line:match("^(%S+)\t(%S+)\t(.*)$")
    table.insert(deliveries, {stamp, signature, body})
  end
end

request = function()
  index = index + step
  if index > #deliveries then
    index, resent = index - #deliveries, resent + 1
  end
  local delivery = deliveries[index]
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["X-Zendesk-Webhook-Signature-Timestamp"] = delivery[1], ["X-Zendesk-Webhook-Signature"] = delivery[2],
    ["X-Zendesk-Webhook-Invocation-Id"] = tostring(index)}, delivery[3])
end

function done(summary, latency, requests)
  local again = 0
  for _, thread in ipairs(threads) do
    again = again + thread:get("resent")
  end
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d resent=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, again))
end
