-- Residents reading and commenting:
--   wrk -t T … -- RESIDENTS READS POST_PATH EVERY MAX_POSTS T CATEGORY PAUSE_MIN PAUSE_MAX
-- RESIDENTS: lines "cookie<TAB>csrf token" of signed-in residents, split between the T threads;
-- READS: paths to GET in turn (project page, list, map tiles …), every other one signed in;
-- every EVERY-th request a resident posts a comment with a pin in CATEGORY to POST_PATH, at most
-- MAX_POSTS each; after each answer a connection waits PAUSE_MIN to PAUSE_MAX ms (uniformly, as Locust's
-- `between`) before it asks again.
-- At the end one JSON line: the figures, the comments posted, and the ids the app acknowledged (its
-- redirect to "#comment-<id>"), which bench/city.py then looks for in the database.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
local report = require("report")
local threads = {}

function setup(thread)
  thread:set("number", #threads)
  threads[#threads + 1] = thread
end

local residents, reads = {}, {}
local post_path, every, max_posts, category, pause_min, pause_max
local read_at, turn, poster = 0, 0, 0
sent, refused, acked = 0, 0, ""

local function urlencode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local total, index = tonumber(args[6]), 0
  for line in io.lines(args[1]) do
    if index % total == number then
      local cookie, csrf = line:match("^([^\t]*)\t(.*)$")
      residents[#residents + 1] = { cookie = cookie, csrf = csrf, posts = 0 }
    end
    index = index + 1
  end
  for line in io.lines(args[2]) do reads[#reads + 1] = line end
  post_path, every, max_posts = args[3], tonumber(args[4]), tonumber(args[5])
  category, pause_min, pause_max = args[7], tonumber(args[8]), tonumber(args[9])
  read_at = math.random(#reads)
  math.randomseed(1000 + number)
end

local UA = "bench-resident"

function request()
  turn = turn + 1
  local resident = residents[turn % #residents + 1]
  local author = residents[poster % #residents + 1]  -- the residents take turns at writing
  if turn % every == 0 and author.posts < max_posts then
    poster = poster + 1
    resident = author
    resident.posts = resident.posts + 1
    sent = sent + 1
    local text = string.format("Bench %d-%d: Hier fehlt ein sicherer Übergang für Kinder auf dem Schulweg.",
      number, sent)
    local body = "csrf_token=" .. urlencode(resident.csrf) .. "&category=" .. category .. "&text=" .. urlencode(text)
      .. string.format("&lon=%.6f&lat=%.6f", 12.5560 + (math.random() - 0.5) * 0.01,
        52.4090 + (math.random() - 0.5) * 0.006)
    return wrk.format("POST", post_path, {
      ["Cookie"] = resident.cookie, ["User-Agent"] = UA,
      ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  read_at = read_at % #reads + 1
  local headers = { ["User-Agent"] = UA }
  if turn % 2 == 0 then headers["Cookie"] = resident.cookie end
  return wrk.format("GET", reads[read_at], headers)
end

function delay()
  if pause_max > 0 then return math.random(pause_min, pause_max) end
  return 0
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if location then
    local id = location:match("#comment%-(%d+)")
    if id then acked = acked .. id .. "," elseif status >= 300 and status < 400 then refused = refused + 1 end
  elseif status == 429 or status == 400 or status == 403 then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local posted, refusals, ids = 0, 0, {}
  for _, thread in ipairs(threads) do
    posted = posted + thread:get("sent")
    refusals = refusals + thread:get("refused")
    ids[#ids + 1] = thread:get("acked")
  end
  report.done(summary, latency, string.format(', "posted": %d, "refused": %d, "acked": "%s"', posted, refusals,
    table.concat(ids)))
end
