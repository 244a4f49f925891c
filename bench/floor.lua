-- wrk script for the floor (bench/intake.sh): the same server answering a view that performs one
-- plain INSERT. Builds each request like intake.lua does, so that wrk's own work is comparable.
local counter = 0

function request()
  counter = counter + 1
  local body = string.format('{"n":%d,"description":"one plain INSERT"}', counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Idempotency-Key"] = "floor-" .. counter}, body)
end
