#!/bin/sh
# Runs every fuzz target built in BUILD (CMake's PLANALOUD_FUZZ) for SECONDS each, one after the
# other, on its seed corpus (tests/fuzz/corpus/<target>, read only) and what earlier runs found
# (BUILD/fuzz/corpus/<target>, where new inputs go), with its dictionary when it has one. Prints
# one line per target: inputs run, inputs a second, coverage. A crash, leak, sanitizer report or
# timeout stops that target, leaves the input in BUILD/fuzz/crashes/ and its report in
# BUILD/fuzz/<target>.log, and fails the run (after the other targets have run).
#   sh tests/fuzz/run.sh BUILD SECONDS [TARGET...]
set -u
cd "$(dirname "$0")/../.."
build=${1:?"usage: run.sh BUILD SECONDS [TARGET...]"}
seconds=${2:?"usage: run.sh BUILD SECONDS [TARGET...]"}
shift 2
targets=${*:-"message utf8 content voices kiosk staff"}
out="$build/fuzz"
mkdir -p "$out/crashes"
failed=""
for t in $targets; do
  exe="$build/tests/fuzz/fuzz_$t"
  [ -x "$exe" ] || { echo "fuzz_$t: not built in $build"; failed="$failed $t"; continue; }
  mkdir -p "$out/corpus/$t"
  dict=""
  [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
  [ "$t" = message ] && dict="-dict=tests/fuzz/kiosk.dict" # the envelope of the same messages
  # -timeout: one input taking 10 s is a finding (a hang), not a slow machine.
  if "$exe" "$out/corpus/$t" "tests/fuzz/corpus/$t" $dict -max_total_time="$seconds" \
      -timeout=10 -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
      >"$out/$t.log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed="$failed $t"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
  cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -1)
  echo "fuzz_$t: $result, ${runs:-?} inputs in ${seconds} s (${rate:-?} a second), $cov"
  if [ "$result" = FAILED ]; then
    grep -E 'ERROR|SUMMARY|Test unit written|#[0-9]+ 0x' "$out/$t.log" | head -20
  fi
done
if [ -n "$failed" ]; then
  echo "Fuzzing found a problem in:$failed (the inputs are in $out/crashes/, the reports in $out/)"
  exit 1
fi
