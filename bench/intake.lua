-- wrk script for POST /api/v1/cases (bench/intake.sh): every request a new Idempotency-Key and a
-- valid hotline call, spread over the demo town's compounds and categories.
-- Reads INTAKE_TOKEN, INTAKE_COMPOUNDS and INTAKE_CATEGORIES (comma-separated) from the environment.

local function split(s)
  local out = {}
  for item in string.gmatch(s or "", "[^,]+") do out[#out + 1] = item end
  return out
end

local compounds = split(os.getenv("INTAKE_COMPOUNDS"))
local categories = split(os.getenv("INTAKE_CATEGORIES"))
local token = os.getenv("INTAKE_TOKEN") or ""
local threads = {}
local counter = 0
local run = tostring(os.time())

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  counter = 0
  math.randomseed(os.time() + (id or 0) * 7919)
end

function request()
  counter = counter + 1
  local n = counter
  local key = string.format("bench-%s-%d-%d", run, id or 0, n)
  local compound = compounds[(n + (id or 0)) % #compounds + 1]
  local category = categories[n % #categories + 1]
  local body = string.format(
    '{"compound":"%s","category":"%s","urgency":"%s","location":"东门 %d","description":"热线来电：楼道照明损坏，已持续%d天，请尽快处理。",'
      .. '"reporter_name":"来电人","reporter_phone":"139%08d","hide_identity":false,"external_ref":"12345-%s"}',
    compound, category, (n % 10 == 0) and "urgent" or "normal", n % 50, n % 9 + 1, (id or 0) * 1000000 + n % 1000000, key)
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end
