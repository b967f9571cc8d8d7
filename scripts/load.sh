#!/usr/bin/env bash
# `make load`: a realistic mix at 16 concurrent connections against the demo on Viceroy (and on
# workerd when the Worker bundle exists): one wrk per route, all at once, for LOAD_SECONDS.
# Fails on any error answer (status other than the route's expected one, anything not 2xx/3xx),
# any socket error or timeout, fewer than LOAD_MIN_REQUESTS requests in all, and any trap or
# panic in the runtime's log. Prints p50/p99 per route and writes them to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WASM="${TAILOR_WASM:-target/wasm32-wasip1/release/tailor-fastly-init.wasm}"
ORIGIN_BIN="${TAILOR_DEMO_ORIGIN:-target/release/examples/demo_origin}"
BUNDLE="${TAILOR_WORKER_BUNDLE:-build}"
VICEROY="$(command -v viceroy || echo "${CARGO_HOME:-$HOME/.cargo}/bin/viceroy")"
SECONDS_PER_RUN="${LOAD_SECONDS:-90}"
MIN_REQUESTS="${LOAD_MIN_REQUESTS:-10000}"
UPDATE_BENCHMARKS="${LOAD_UPDATE_BENCHMARKS:-1}"
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
# route connections (16 in all)
ROUTES=("banner 3" "page 2" "image-hit 3" "image-mixed 2" "events 3" "not-modified 3")

RUN="$(mktemp -d "${TMPDIR:-/tmp}/tailor-load-XXXXXX")"
pids=()
# Each server runs in its own process group (setsid), so stopping it stops its children too.
cleanup() { for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() { # url pid log
  for _ in $(seq 300); do
    kill -0 "$2" 2>/dev/null || { echo "load: exited early; see $3" >&2; return 1; }
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "load: $1 did not answer in 60 s; see $3" >&2
  return 1
}

start_origin() { # -> ORIGIN_PORT
  ORIGIN_PORT=$(free_port)
  setsid "$ORIGIN_BIN" "127.0.0.1:$ORIGIN_PORT" demo/origin >"$RUN/origin.log" 2>&1 &
  pids+=($!)
  wait_up "http://127.0.0.1:$ORIGIN_PORT/pages/index.html" $! "$RUN/origin.log"
}

start_viceroy() { # -> BASE, LOG
  sed -e "s|url = \"http://127.0.0.1:[0-9]*\"|url = \"http://127.0.0.1:$ORIGIN_PORT\"|" \
      -e "s|file = \"\([^/]\)|file = \"$ROOT/\1|" fastly.toml >"$RUN/fastly.toml"
  local port; port=$(free_port)
  LOG="$RUN/viceroy.log"
  setsid "$VICEROY" serve "$WASM" -C "$RUN/fastly.toml" --addr "127.0.0.1:$port" >"$LOG" 2>&1 &
  pids+=($!)
  BASE="http://127.0.0.1:$port"
  wait_up "$BASE/healthz" $! "$LOG"
}

start_workerd() { # -> BASE, LOG (as scripts/serve-cloudflare.sh, in a run directory)
  local dir="$RUN/workerd" port; port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/wrangler.toml" <<EOF
name = "tailor-load"
main = "$ROOT/$BUNDLE/index.js"
compatibility_date = "2026-04-20"

[[kv_namespaces]]
binding = "tailor_kv"
id = "7a11015e7a11015e7a11015e7a11015e"

[vars]
config_key = "config/v1"
config_kv_store = "tailor_kv"
backend_origin = "http://127.0.0.1:$ORIGIN_PORT"
EOF
  cp .dev.vars "$dir/.dev.vars"
  python3 - "$ROOT" >"$dir/kv.json" <<'PY'
import base64, json, sys, tomllib
root = sys.argv[1]
entries = tomllib.load(open(f"{root}/fastly.toml", "rb"))["local_server"]["kv_stores"]["tailor_kv"]
print(json.dumps([{"key": e["key"], "base64": True,
                   "value": base64.b64encode(open(f"{root}/{e['file']}", "rb").read()).decode()} for e in entries]))
PY
  export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false CI=1 NO_COLOR=1
  (cd "$dir" && "$ROOT/node_modules/.bin/wrangler" kv bulk put kv.json --binding tailor_kv --local \
     --persist-to state >/dev/null)
  # Local bulk put mangles binary values (it decodes base64 as UTF-8): the model from its file.
  (cd "$dir" && "$ROOT/node_modules/.bin/wrangler" kv key put recs/v3/model.tlrm \
     --path "$ROOT/demo/kv/recs/v3/model.tlrm" --binding tailor_kv --local --persist-to state >/dev/null)
  LOG="$RUN/workerd.log"
  (cd "$dir" && exec setsid "$ROOT/node_modules/.bin/wrangler" dev --local --ip 127.0.0.1 --port "$port" \
     --persist-to state --show-interactive-dev-session=false) >"$LOG" 2>&1 &
  pids+=($!)
  BASE="http://127.0.0.1:$port"
  wait_up "$BASE/healthz" $! "$LOG"
}

signed() { # path query -> /img/_/path?query&sig=...
  local sig
  sig=$(printf '%s?%s' "$1" "$2" | openssl dgst -sha256 -hmac demo-url-signing-key-0123456789abcdef -r | cut -d' ' -f1)
  printf '/img/_/%s?%s&sig=s1.%s' "$1" "$2" "$sig"
}

# One request file per route (see scripts/load.lua for the format).
write_requests() {
  local host=${BASE#http://} visitor
  visitor=$(curl -si -A "$UA" -H 'Cookie: tailor_consent=1' "$BASE/banner.json?slot=hero" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(tailor_visitor=[^;]*\).*/\1/p' | head -1)
  [ -n "$visitor" ] || { echo "load: no visitor cookie issued" >&2; return 1; }
  local anon="User-Agent: $UA" consent="User-Agent: $UA|Cookie: tailor_consent=1"
  local known="User-Agent: $UA|Cookie: tailor_consent=1; $visitor"
  local phone="User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
  {
    printf 'GET\t/banner?slot=hero\t%s\n' "$anon"
    printf 'GET\t/banner.json?slot=sidebar\t%s\n' "$anon"
    printf 'GET\t/banner?slot=hero\t%s\n' "$consent"
    printf 'GET\t/banner.json?slot=hero\t%s\n' "$known"
    printf 'GET\t/banner?slot=sidebar\t%s\n' "$known"
    printf 'GET\t/banner?slot=hero\t%s\n' "$phone"
    printf 'GET\t/banner.json?slot=hero&utm_campaign=black-friday\t%s\n' "$anon"
    printf 'GET\t/\t%s\n' "$known"
  } >"$RUN/banner.txt"
  {
    printf 'GET\t/page/index.html\t%s\n' "$anon"
    printf 'GET\t/page/index.html\t%s|Accept-Encoding: gzip\n' "$known"
  } >"$RUN/page.txt"
  # Cached variants: fetched once here, so every request of the run is a hit.
  : >"$RUN/image-hit.txt"
  for v in thumbnail preview; do
    for accept in 'image/jpeg' 'image/webp,image/*'; do
      for p in harbour.jpg item-01.jpg item-02.jpg badge.png; do
        curl -sf -o /dev/null -H "Accept: $accept" "$BASE/img/$v/photos/$p"
        printf 'GET\t/img/%s/photos/%s\tAccept: %s\n' "$v" "$p" "$accept" >>"$RUN/image-hit.txt"
      done
    done
  done
  # Free-form widths over a small set: each first request of a width misses, later ones hit.
  : >"$RUN/image-mixed.txt"
  for w in 160 240 320 480; do
    for n in 03 04 05 06 07 08; do
      printf 'GET\t%s\tAccept: image/jpeg\n' "$(signed "photos/item-$n.jpg" "fit=cover&h=$((w * 2 / 3))&w=$w")" >>"$RUN/image-mixed.txt"
    done
  done
  {
    printf 'POST\t/events\t%s|Origin: http://%s|Content-Type: text/plain;charset=UTF-8\t%s\n' "$known" "$host" \
      '{"events":[{"type":"view","item":"sku-130","category":"jackets","slot":"hero"},{"type":"view","item":"sku-133","category":"outdoor","slot":"hero"}]}'
    printf 'POST\t/events\t%s|Origin: http://%s|Content-Type: text/plain;charset=UTF-8\t%s\n' "$known" "$host" \
      '{"type":"click","item":"sku-133","category":"outdoor","slot":"hero"}'
    printf 'POST\t/events\t%s|Origin: http://%s\t%s\n' "$anon" "$host" \
      '{"type":"view","item":"sku-040","category":"accessories"}'
  } >"$RUN/events.txt"
  # Revalidations of cached variants (their ETags stored with them): 304s.
  : >"$RUN/not-modified.txt"
  local v p accept etag
  for v in thumbnail preview; do
    for p in harbour.jpg item-01.jpg; do
      for accept in 'image/jpeg' 'image/webp,image/*'; do
        etag=$(curl -sfI -H "Accept: $accept" "$BASE/img/$v/photos/$p" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
        [ -n "$etag" ] || { echo "load: no ETag on /img/$v/photos/$p" >&2; return 1; }
        printf 'GET\t/img/%s/photos/%s\tAccept: %s|If-None-Match: %s\n' "$v" "$p" "$accept" "$etag" >>"$RUN/not-modified.txt"
      done
    done
  done
}

expected_status() {
  case $1 in events) echo 204 ;; not-modified) echo 304 ;; *) echo 200 ;; esac
}

# Runs every route at once against $BASE; writes $RUN/<runtime>.tsv (route, figures).
run_mix() { # runtime
  local runtime=$1 route conns wpids=()
  for entry in "${ROUTES[@]}"; do
    read -r route conns <<<"$entry"
    LOAD_REQUESTS="$RUN/$route.txt" LOAD_EXPECT=$(expected_status "$route") \
      wrk -t1 -c"$conns" -d"${SECONDS_PER_RUN}s" --timeout 30s -s scripts/load.lua "$BASE" \
      >"$RUN/$runtime-$route.out" 2>&1 &
    wpids+=($!)
  done
  local failed=0
  for p in "${wpids[@]}"; do wait "$p" || failed=1; done
  [ $failed = 0 ] || { echo "load: a wrk run failed; see $RUN" >&2; return 1; }
  python3 scripts/load_report.py "$runtime" "$RUN" "${ROUTES[@]}"
}

# Traps and panics of the code under test. Viceroy 0.22 itself panics, outside the wasm, when a
# client hangs up before its answer is sent (wrk does when the time is up): counted apart.
check_log() { # runtime
  local bad gone
  bad=$(grep -Ei 'panicked at|wasm trap|wasm backtrace|RuntimeError|error while executing|error handling the request|uncaught' "$LOG" \
        | grep -Ev 'viceroy-lib-[0-9.]+/src/sandbox/downstream\.rs' || true)
  gone=$(grep -Ec 'viceroy-lib-[0-9.]+/src/sandbox/downstream\.rs' "$LOG" || true)
  echo "$gone" >"$RUN/$1.hangups"
  echo "$1: log $LOG: $(printf '%s' "$bad" | grep -c . || true) traps/panics; $gone runtime panics on clients that hung up"
  [ -z "$bad" ] || { echo "$bad" | head -20 >&2; return 1; }
}

start_origin
runtimes=(viceroy)
start_viceroy
echo "load: Viceroy on $BASE, ${SECONDS_PER_RUN}s per route, 16 connections, log in $RUN"
write_requests
run_mix viceroy
check_log viceroy

if [ -f "$BUNDLE/index.js" ] && [ -x node_modules/.bin/wrangler ]; then
  start_workerd
  echo "load: workerd on $BASE"
  write_requests
  run_mix workerd
  check_log workerd
  runtimes+=(workerd)
else
  echo "load: no Worker bundle in $BUNDLE/ (make build-cloudflare) or no wrangler: workerd skipped"
fi

python3 scripts/load_report.py --check "$MIN_REQUESTS" "$RUN" "${runtimes[@]}"
if [ "$UPDATE_BENCHMARKS" = 1 ]; then
  python3 scripts/load_report.py --benchmarks BENCHMARKS.md "$RUN" "$SECONDS_PER_RUN" "${runtimes[@]}"
fi
