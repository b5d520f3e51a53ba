-- wrk script of scripts/bench: replays prepared requests and reports in one
-- machine-readable line.
--
-- Environment:
--   BENCH_REQUESTS  file, one request a line, tab-separated:
--                   METHOD, PATH, BODY (may be empty), then "Name: value" headers
--   BENCH_TOKEN     bearer token sent with every request
--   BENCH_RATE      optional: total requests per second across all threads.
--                   wrk is closed-loop; with a rate, each thread keeps a
--                   schedule of send slots and delay() holds a connection
--                   until its slot, so the offered rate is fixed as long as
--                   there are enough connections. wrk's latency starts when
--                   the request is written, after the delay.
--
-- Each thread starts at its own offset in the file, so threads do not send
-- the same request in lockstep.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local function split(line, sep)
  local fields = {}
  local start = 1
  while true do
    local i = string.find(line, sep, start, true)
    if not i then
      fields[#fields + 1] = string.sub(line, start)
      return fields
    end
    fields[#fields + 1] = string.sub(line, start, i - 1)
    start = i + 1
  end
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  threads[#threads + 1] = thread
end

local requests = {}
local next_index = 0
local interval_ms = nil
local next_slot = nil

function init(args)
  local path = os.getenv("BENCH_REQUESTS")
  local token = os.getenv("BENCH_TOKEN") or ""
  for line in io.lines(path) do
    if line ~= "" then
      local f = split(line, "\t")
      local headers = { ["Authorization"] = "Bearer " .. token }
      local body = f[3]
      if body == nil or body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/json"
      end
      for k = 4, #f do
        local name, value = string.match(f[k], "^([^:]+):%s*(.*)$")
        if name then headers[name] = value end
      end
      requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
    end
  end
  if #requests == 0 then error("no requests in " .. tostring(path)) end
  local index = thread_index or 1
  math.randomseed(index * 7919)
  next_index = (index - 1) * 7 % #requests

  local rate = tonumber(os.getenv("BENCH_RATE") or "")
  local total_threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  if rate and rate > 0 then
    interval_ms = 1000.0 * total_threads / rate
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

-- wrk calls delay() only when the script defines it, so it is defined only
-- for rate-limited runs.
if tonumber(os.getenv("BENCH_RATE") or "") then
  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 100 then
      -- First call, or more than 100 ms behind (all connections busy): do
      -- not burst to catch up, restart the schedule.
      next_slot = now
    end
    local slot = next_slot
    next_slot = next_slot + interval_ms
    local wait = slot - now
    if wait <= 0 then return 0 end
    -- wrk's timers take whole milliseconds: round at random so that the
    -- fractions average out.
    local whole = math.floor(wait)
    if math.random() < wait - whole then whole = whole + 1 end
    return whole
  end
end

function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d bytes=%d connect_errors=%d read_errors=%d " ..
    "write_errors=%d status_errors=%d timeouts=%d p50_us=%d p99_us=%d p999_us=%d mean_us=%.1f " ..
    "max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max))
end
