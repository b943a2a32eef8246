-- The bench's wrk script (issue 11). Arguments after `--`:
--   1: HTTP method (GET or POST)
--   2: request body, sent as application/json when not empty
--   3: stop after this many responses (0 = run for wrk's -d duration)
-- done() prints one line, `WRK_RESULT {json}`, that bench/lib/wrk.ts parses.

local stop_after = 0
local answered = 0

function init(args)
  wrk.method = args[1] or "GET"
  local body = args[2] or ""
  if body ~= "" then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
  end
  stop_after = tonumber(args[3] or "0") or 0
  -- Only a counted run defines response(): when it stays nil after init(), wrk skips
  -- parsing response headers and bodies, which keeps the generator cheap (SCRIPTING, "Running").
  if stop_after > 0 then
    response = function()
      answered = answered + 1
      if answered == stop_after then
        -- wrk's main thread sleeps for the whole -d duration even after every thread stopped;
        -- this line tells bench/lib/wrk.ts to end it early with SIGINT (wrk then runs done()).
        io.write("WRK_STOPPED\n")
        io.flush()
        wrk.thread:stop()
      end
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local p = function(q) return latency:percentile(q) end
  io.write(string.format(
    'WRK_RESULT {"durationUs":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    p(50), p(90), p(99), p(99.9), latency.max, latency.mean))
end
