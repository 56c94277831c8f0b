#!/usr/bin/env bash
# The main job: get the base tree, apply the series, build the KUnit kernel,
# run the drm_gpuvm suite and the upstream DRM suites, print the summary.
# The summary's data, $RESULTS/summary.json, is what `make summary` prints
# again; it is removed first, so that a run that stops early leaves none.
. "$(dirname "$0")/lib.sh"

rm -f "$RESULTS/summary.json" "$RESULTS/summary.txt" "$RESULTS/kmemleak-time" "$RESULTS/kunit-times"
t0=$SECONDS
p0=$(now)
tree=$("$TOP/scripts/prepare-tree.sh")
p1=$(now)
"$TOP/scripts/apply.sh" "$tree"
p2=$(now)
t1=$SECONDS
# kmemleak and failslab need the drm_gpuvm suites of the series.  Their
# boots (mostly waiting for kmemleak's minimum object age) run while
# kunit.sh runs the same kernel.
leak=()
kpid=
if [ -f "$TOP/tests/drm_gpuvm_test.c" ]; then
	"$TOP/scripts/kunit.sh" --build-only "$tree"
	k0=$(now)
	{
		rc=0
		"$TOP/scripts/kmemleak.sh" >"$RESULTS/kmemleak.txt" 2>&1 || rc=$?
		echo "kmemleak=$(elapsed "$k0")" >"$RESULTS/kmemleak-time"
		exit $rc
	} &
	kpid=$!
	leak=(--kmemleak "$RESULTS/kmemleak.json")
fi
"$TOP/scripts/kunit.sh" "$tree"
t2=$SECONDS
[ -z "$kpid" ] || wait "$kpid" || true
t3=$SECONDS
# The parts, for make bench-pipeline: prepare (the tree and its base),
# apply, then kunit.sh's build, suites and gpuvm-alone, and the kmemleak
# and failslab boots (kmemleak, while the suites run).
parts=(--time "prepare=$(elapsed "$p0" "$p1")" --time "apply=$(elapsed "$p1" "$p2")")
while IFS= read -r t; do parts+=(--time "$t"); done < <(cat "$RESULTS/kunit-times" "$RESULTS/kmemleak-time" 2>/dev/null)

require=
[ -f "$TOP/tests/drm_gpuvm_test.c" ] && require=--require-gpuvm
echo
echo "tree:    $tree ($(git -C "$tree" rev-parse --abbrev-ref HEAD) $(git -C "$tree" rev-parse --short HEAD))"
echo "results: $RESULTS/kunit.json, kernel log $RESULTS/test.log"
# shellcheck disable=SC2086 # $require is one optional word
mapfile -t alone < <(alone_args "$RESULTS")
"$TOP/scripts/summary.py" "$RESULTS/kunit.json" "$RESULTS/test.log" $require \
	--known "$TOP/kunit/upstream-splats" "${leak[@]}" "${alone[@]}" \
	--time base+apply=$((t1 - t0)) --time build+run=$((t2 - t1)) --time kmemleak-wait=$((t3 - t2)) \
	"${parts[@]}" \
	--out "$RESULTS/summary.txt" --json "$RESULTS/summary.json"
