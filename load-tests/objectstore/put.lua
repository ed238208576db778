-- PUTs 4 KiB objects under unique names: thread id + counter.
local counter = 0

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  body = string.rep("x", 4096)
end
function request()
  counter = counter + 1
  local path = os.getenv("VS_BASE") .. "/bench/o-" .. tid .. "-" .. counter
  return wrk.format("PUT", path, {["X-Auth-Token"] = os.getenv("VS_TOKEN"), ["Content-Type"] = "application/octet-stream"}, body)
end
