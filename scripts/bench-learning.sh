#!/usr/bin/env bash
# The learning loop's benchmarks, written into BENCHMARKS.md ("Learning: eval and training"):
#   1. `tailor eval` on MovieLens-100K (fetched at run time, never committed: its licence
#      forbids redistribution), leave-last-out and session next-item, the edge's own ranking
#      against popularity and the category re-rank in the same run;
#   2. `tailor train` on 10 M synthetic interactions: wall time, CPU time and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${TRAIN_ROWS:-10000000}"
scripts/fetch-movielens.sh
# Two builds: with `--example`, cargo builds only examples, not the `tailor` binary.
cargo build --release -p tailor-cli --bin tailor
cargo build --release -p tailor-learn --example synth
release="${CARGO_TARGET_DIR:-target}/release"
tailor="$release/tailor"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for protocol in leave-last-out session; do
  "$tailor" eval --interactions data/ml-100k/interactions.csv --protocol "$protocol" --k 10 \
    --markdown "$out/eval-$protocol.md" --json "$out/eval-$protocol.json"
done
bulk="data/bulk-$rows.csv"
[ -s "$bulk" ] || "$release/examples/synth" bulk "$bulk" "$rows"
/usr/bin/time -v "$tailor" train --import "$bulk" --out "$out/model" --version bench \
  2> "$out/time.txt" > /dev/null
wall="$(grep 'Elapsed (wall clock)' "$out/time.txt" | awk '{print $NF}')"
user="$(grep 'User time' "$out/time.txt" | awk '{print $NF}')"
sys="$(grep 'System time' "$out/time.txt" | awk '{print $NF}')"
rss_kb="$(grep 'Maximum resident' "$out/time.txt" | awk '{print $NF}')"
{
  echo "## Learning: eval and training"
  echo
  echo "\`scripts/bench-learning.sh\` (part of \`make bench\`), $(date -u +%Y-%m-%d), $(nproc) cores."
  echo "MovieLens-100K, full catalogue, seen items excluded, k = 10; \`tailor eval\` ranks with"
  echo "\`tailor_core::recs::rank\`, the function the edge runs."
  echo
  for protocol in leave-last-out session; do
    echo "**$protocol**"
    echo
    cat "$out/eval-$protocol.md"
    echo
  done
  echo "\`tailor train --import\` on $rows synthetic interactions (\`synth bulk\`): wall ${wall},"
  echo "CPU ${user} s user + ${sys} s system, peak RSS $((rss_kb / 1024)) MB (target ≤ 60 s, ≤ 2 GB)."
} | scripts/replace_section.py BENCHMARKS.md "Learning: eval and training"
echo "BENCHMARKS.md: Learning: eval and training updated"
