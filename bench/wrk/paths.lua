-- GET the paths listed in a file (wrk … -- FILE), in turn; each thread starts at another line.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local report = require("report")
local paths, position = {}, 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  position = math.random(#paths)
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  report.done(summary, latency)
end
