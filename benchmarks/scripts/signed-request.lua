-- wrk script: the seed update check of seed-request.lua (same body, same summary), asking for a
-- signed answer: Accept-Signature and the body's Content-Digest (RFC 9530) come from the
-- environment, as dev.appupdate.bench.SignedCheck prints them (benchmarks/scripts/server-load.sh
-- does this).
--
--   ACCEPT_SIGNATURE='appupdate=(...);keyid="...";nonce="...";alg="ed25519"' \
--   CONTENT_DIGEST='sha-256=:...:' \
--   wrk -t2 -c32 -d20s --latency -s benchmarks/scripts/signed-request.lua http://127.0.0.1:8001/v1/update
--
-- The nonce is the same in every request: the server keeps no record of nonces, so this costs it
-- what fresh ones would, and wrk needs no Lua per request.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "seed-request.lua")

local accept = os.getenv("ACCEPT_SIGNATURE")
local digest = os.getenv("CONTENT_DIGEST")
if not accept or accept == "" or not digest or digest == "" then
  io.stderr:write("signed-request.lua: set ACCEPT_SIGNATURE and CONTENT_DIGEST\n")
  os.exit(2)
end
wrk.headers["Accept-Signature"] = accept
wrk.headers["Content-Digest"] = digest
