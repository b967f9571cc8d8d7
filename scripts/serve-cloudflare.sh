#!/usr/bin/env bash
# Serves the demo on workerd: the static demo origin on 127.0.0.1:7677 and the Worker under
# `wrangler dev` on 127.0.0.1:7676, with local KV seeded from the same files as fastly.toml and
# the demo secrets from .dev.vars. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=.wrangler/state
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

# fastly.toml's KV entries as one `wrangler kv bulk put` file (values base64: lists are bytes).
mkdir -p .wrangler
python3 - > .wrangler/kv.json <<'PY'
import base64, json, tomllib
manifest = tomllib.load(open("fastly.toml", "rb"))
entries = manifest["local_server"]["kv_stores"]["tailor_kv"]
print(json.dumps([{"key": e["key"], "base64": True,
                   "value": base64.b64encode(open(e["file"], "rb").read()).decode()} for e in entries]))
PY
node_modules/.bin/wrangler kv bulk put .wrangler/kv.json --binding tailor_kv --local --persist-to "$STATE"
# Local bulk put decodes base64 values as UTF-8 text, which mangles binary bytes: the trained
# model is put again from its file, which keeps them.
node_modules/.bin/wrangler kv key put recs/v3/model.tlrm --path demo/kv/recs/v3/model.tlrm \
  --binding tailor_kv --local --persist-to "$STATE"

target/release/examples/demo_origin 127.0.0.1:7677 demo/origin &
origin_pid=$!
trap 'kill $origin_pid 2>/dev/null || true' EXIT INT TERM

echo "Tailor demo on workerd: http://127.0.0.1:7676/"
node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port 7676 --persist-to "$STATE" \
  --show-interactive-dev-session=false
