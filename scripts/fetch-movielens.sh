#!/usr/bin/env bash
# Fetches MovieLens-100K at run time (its licence forbids redistribution: never commit it)
# from the recbole wheel on PyPI and writes it in tailor-learn's import format:
#   data/ml-100k/interactions.csv   visitor_or_session,item,timestamp
# Idempotent: does nothing when the file is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/data/ml-100k"
csv="$out/interactions.csv"
if [ -s "$csv" ]; then
  echo "$csv already present"
  exit 0
fi
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps recbole==1.2.1 -d "$tmp"
wheel="$(ls "$tmp"/recbole-1.2.1-*.whl)"
python3 - "$wheel" "$tmp/ml-100k.inter" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    with open(sys.argv[2], "wb") as out:
        out.write(wheel.read("recbole/dataset_example/ml-100k/ml-100k.inter"))
PY
# user_id:token  item_id:token  rating:float  timestamp:float  (tab-separated, with header)
awk -F'\t' 'NR == 1 { print "visitor_or_session,item,timestamp"; next }
            NF >= 4 { printf "%s,%s,%s\n", $1, $2, $4 }' "$tmp/ml-100k.inter" > "$csv.part"
mv "$csv.part" "$csv"
echo "wrote $csv ($(($(wc -l < "$csv") - 1)) interactions)"
