-- One route of `make load` (scripts/load.sh runs one wrk per route, concurrently). The requests
-- come from the file named by LOAD_REQUESTS, one a line: METHOD <tab> PATH <tab> headers as
-- "Name: value|Name: value" <tab> body; they are sent round robin, each thread starting at a
-- different line. LOAD_EXPECT, when set, is the one status every answer must have (a 304 route
-- that answers 200 is a failure too). done() prints one JSON line for load.sh.

local file = os.getenv("LOAD_REQUESTS")
local expect = tonumber(os.getenv("LOAD_EXPECT") or "0")
local threads = {}
local requests = {}
local next_index = 0
unexpected = 0
last_unexpected = ""

local function parse(line)
  local method, path, header_field, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
  local headers = {}
  for name, value in (header_field or ""):gmatch("([^:|]+):%s*([^|]*)") do
    headers[name] = value
  end
  if body == "" then body = nil end
  return wrk.format(method, path, headers, body)
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(file) do
    if line ~= "" then table.insert(requests, parse(line)) end
  end
  next_index = id or 0
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function response(status, headers, body)
  if expect ~= 0 and status ~= expect then
    unexpected = unexpected + 1
    last_unexpected = tostring(status)
  end
end

function done(summary, latency, _)
  local off, why = 0, ""
  for _, thread in ipairs(threads) do
    off = off + (thread:get("unexpected") or 0)
    local last = thread:get("last_unexpected")
    if last and last ~= "" then why = last end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,"unexpected":%d,"unexpected_status":"%s"}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect, e.read, e.write, e.timeout, e.status, off, why))
end
