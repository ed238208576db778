-- GETs the 4 KiB objects that put.lua wrote (names o-<thread>-<n>, n up to VS_COUNT).
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function request()
  counter = counter % tonumber(os.getenv("VS_COUNT")) + 1
  local path = os.getenv("VS_BASE") .. "/bench/o-" .. tid .. "-" .. counter
  return wrk.format("GET", path, {["X-Auth-Token"] = os.getenv("VS_TOKEN")})
end
