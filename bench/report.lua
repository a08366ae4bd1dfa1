-- Shared by every wrk run of bench/run: prints one JSON line of results
-- (bench/run reads the line starting with "RESULT ").
--
-- Environment:
--   BENCH_METHOD, BENCH_BODY  method and body (default GET, none)
--   BENCH_TOKEN               bearer token, if any
--   BENCH_IDS                 file of ids, one a line: each request replaces
--                             "{id}" in the path with one of them, at random
--   BENCH_ORDER               "1": a partner order, with a unique
--                             Idempotency-Key and external order id per request

local method = os.getenv("BENCH_METHOD") or "GET"
local token = os.getenv("BENCH_TOKEN")
local ids_file = os.getenv("BENCH_IDS")
local order = os.getenv("BENCH_ORDER") == "1"

local threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local ids = {}
local counter = 0

function init(args)
  if ids_file then
    for line in io.lines(ids_file) do
      if #line > 0 then table.insert(ids, line) end
    end
  end
  math.randomseed(os.time() + tid * 7919)
  wrk.headers["Content-Type"] = "application/json"
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
  local path = wrk.path
  local id = nil
  if #ids > 0 then
    id = ids[math.random(#ids)]
    path = string.gsub(path, "{id}", id)
  end
  if order then
    counter = counter + 1
    local key = string.format("bench-%d-%d-%d", os.time(), tid, counter)
    local body = string.format(
      '{"product_id": "%s", "quantity": 1, "external_order_id": "%s"}', id, key)
    -- wrk.format uses the headers given instead of wrk.headers, not beside them.
    local headers = { ["Idempotency-Key"] = key }
    for k, v in pairs(wrk.headers) do headers[k] = v end
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format(method, path, nil, os.getenv("BENCH_BODY"))
end

function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, summary.errors.status))
end
