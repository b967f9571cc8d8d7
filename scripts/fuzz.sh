#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target (fuzz/, nightly, libFuzzer) for FUZZ_SECONDS each,
# FUZZ_JOBS at a time, on its committed corpus (fuzz/corpus/<target>, seeded by the
# tailor-fuzzing `fuzz_seeds` example), minimises each corpus again (`cargo fuzz cmin`) and
# writes executions, exec/s and findings per target into BENCHMARKS.md ("Fuzzing").
# A finding is left in fuzz/artifacts/<target>/; once fixed, its input goes to
# fuzz/regressions/<target>/, which the stable replay (crates/fuzzing/tests/fuzz_corpora.rs) runs.
#   FUZZ_SECONDS=600 FUZZ_JOBS=1 FUZZ_TARGETS="model page" scripts/fuzz.sh
# FUZZ_FORK=N runs each target in libFuzzer's fork mode over N processes (both cores on one
# target: FUZZ_TARGETS=model FUZZ_FORK=2).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${FUZZ_SECONDS:-600}"
jobs="${FUZZ_JOBS:-1}"
fork=()
[ -n "${FUZZ_FORK:-}" ] && fork=(-fork="$FUZZ_FORK")
all="image_transform image_url sealed_cookie preview_token config beacon recs_list page model"
targets="${FUZZ_TARGETS:-$all}"
# No sanitizer: our code forbids `unsafe`, and libFuzzer's coverage alone runs several times
# faster than under AddressSanitizer. Release without debug assertions, as the edge builds.
fuzz=(nice -n 15 cargo +nightly fuzz)
flags=(-s none)
# The image target without libFuzzer's comparison tracing, in its own target directory: the
# tracing hooks every compare of the codecs' and resizer's inner loops and made it 3.5 times
# slower; its seeds are valid files, so the magic numbers tracing would find are in place.
image_flags=(-s none --no-trace-compares --target-dir target/no-trace-compares)
target_flags() {
  if [ "$1" = image_transform ]; then echo "${image_flags[@]}"; else echo "${flags[@]}"; fi
}

# Seeds first: new seeds join the corpus (cmin below drops those that add no coverage).
if [ -z "${FUZZ_NO_SEEDS:-}" ]; then
  nice -n 15 cargo run --quiet -p tailor-fuzzing --example fuzz_seeds -- fuzz/corpus >/dev/null
fi
# Each target is built once, with its own flags.
for target in $targets; do
  read -r -a own_flags <<<"$(target_flags "$target")"
  (cd fuzz && "${fuzz[@]}" build "${own_flags[@]}" "$target")
done

results="$(mktemp -d)"
# The date of the run that wrote the rows kept from before (older tables had no run column).
last_run="$(grep -oE '^`make fuzz` \(`scripts/fuzz.sh`\), [0-9-]+' BENCHMARKS.md | grep -oE '[0-9]{4}-[0-9-]+' || echo earlier)"
trap 'rm -rf "$results"' EXIT

# Crashes, leaks, out-of-memory and timeouts; not libFuzzer's slow units (over 10 s), which a
# niced run beside other work writes for inputs that take well under a second alone.
findings_in() {
  find "fuzz/artifacts/$1" -type f ! -name 'slow-unit-*' | wc -l
}

run_target() {
  local target="$1" log="$results/$1.log"
  # The image target's heap is capped at 128 MB by its allocator; the rest is the binary,
  # libFuzzer and its corpus.
  local rss=1024
  [ "$target" = image_transform ] && rss=512
  mkdir -p "fuzz/artifacts/$target"
  local before
  before="$(findings_in "$target")"
  local own_flags started
  read -r -a own_flags <<<"$(target_flags "$target")"
  started="$(date +%s)"
  (cd fuzz && "${fuzz[@]}" run "${own_flags[@]}" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb="$rss" -print_final_stats=1 "${fork[@]}" \
    -artifact_prefix="artifacts/$target/") >"$log" 2>&1 || true
  local execs rate findings
  # Fork mode counts in its progress lines (`#N: …`); its only final stats are a crashing
  # child's, which count that child alone. A pattern that matches nothing is not an error
  # (pipefail would end the whole run).
  rate=""
  if [ ${#fork[@]} -gt 0 ]; then
    execs="$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | tail -1 || true)"
  else
    execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1 || true)"
    rate="$(grep -o 'stat::average_exec_per_sec: [0-9]*' "$log" | awk '{print $2}' | tail -1 || true)"
  fi
  # Over the time it ran: a finding ends a run before its time.
  local elapsed=$(($(date +%s) - started))
  [ "$elapsed" -gt 0 ] || elapsed=1
  [ -n "$rate" ] || rate=$((${execs:-0} / elapsed))
  findings=$(($(findings_in "$target") - before))
  (cd fuzz && "${fuzz[@]}" cmin "${own_flags[@]}" "$target" "corpus/$target" >/dev/null 2>&1) || true
  local files
  files="$(find "fuzz/corpus/$target" -type f | wc -l)"
  printf '| `%s` | %s | %s | %s | %s | %s | %s |\n' "$target" "$(date -u +%Y-%m-%d)" "$seconds" \
    "${execs:-0}" "${rate:-0}" "$files" "$findings" >"$results/$target.row"
  echo "$target: ${execs:-0} executions, ${rate:-0}/s, $findings new findings"
}

running=0
for target in $targets; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

# The notes under the table (written by hand) stay, unless FUZZ_NOTE replaces them.
notes="${FUZZ_NOTE:-$(awk '/^## / { section = ($0 == "## Fuzzing"); next }
  section && /^\| target \|/ { table = 1 }
  section && table && !/^\|/ { after = 1 }
  section && after { print }' BENCHMARKS.md | sed -e '/./,$!d')}"

{
  echo "## Fuzzing"
  echo
  echo "\`make fuzz\` (\`scripts/fuzz.sh\`; \`FUZZ_TARGETS\` runs some, the others keep their last row),"
  echo "$(nproc) cores, ${jobs} target(s) at a time in the last run, libFuzzer through cargo-fuzz on"
  echo "nightly without a sanitizer, each target for the seconds shown on its committed corpus. Corpus"
  echo "files are counted after \`cargo fuzz cmin\`; findings are the new inputs left in"
  echo "\`fuzz/artifacts/\` (crash, out-of-memory past the 128 MB allocator cap, timeout over 30 s)."
  echo "Goal: ≥ 10 M executions per target and 0 open crashes."
  echo
  echo "| target | run | seconds | executions | exec/s | corpus files | findings |"
  echo "| --- | --- | --: | --: | --: | --: | --: |"
  for target in $all; do
    if [ -f "$results/$target.row" ]; then
      cat "$results/$target.row"
    else
      # Not run this time: its last row, given the date of the run that wrote it.
      grep -E "^\| \`$target\` \|" BENCHMARKS.md | head -1 |
        awk -v d="$last_run" -F'|' 'NF == 8 { printf "|%s| %s |%s|%s|%s|%s|%s|\n", $2, d, $3, $4, $5, $6, $7 } NF == 9 { print }' || true
    fi
  done
  if [ -n "$notes" ]; then
    echo
    echo "$notes"
  fi
} | scripts/replace_section.py BENCHMARKS.md "Fuzzing"
echo "BENCHMARKS.md: Fuzzing updated"
