#!/usr/bin/env bash
# "Prove that it bites" (issue 4): applies each deliberate cluster bug in this directory to
# the working tree, one at a time, rebuilds the simulator and the property tests, and reports
# which check catches the bug and after how many runs. The patches are never committed to
# the code; this script reverts each one. Usage: bash tests/mutations/run.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-mutations}
here=tests/mutations
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

first_failure() {  # prints "run N: <failure>" for the first failing run of a campaign
  awk '/^seed /{n++} /^FAILED: /{sub(/^FAILED: /, ""); print "run " n ": " $0; exit}'
}

for patch in "$here"/*.patch; do
  echo "== $(basename "$patch")"
  git apply "$patch"
  trap 'git apply -R "$patch"' EXIT
  cmake --build "$build" -j2 --target gnatsd-sim prop_tests >/dev/null
  for campaign in "1 300 none" "100000 500 lite" "200000 1000 full" \
    "300000 600 full --superclusters" "400000 1000 full --leafnodes"; do
    read -r seed runs faults extra <<<"$campaign"
    result=$("$build/gnatsd-sim" --seed "$seed" --seeds "$runs" --faults "$faults" $extra |
      first_failure || true)
    echo "  gnatsd-sim --faults $faults $extra (CI campaign): ${result:-not caught}"
  done
  (RC_PARAMS="seed=1" "$build/tests/prop_tests" 2>&1 || true) |
    awk '/^\[ RUN/{t=$4} /Falsifiable after/{print "  " t ": " $0} /^\[       OK/{print "  " $4 ": not caught"}'
  git apply -R "$patch"
  trap - EXIT
done
