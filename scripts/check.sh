#!/usr/bin/env bash
# `make check`: every check of the repository, one line each, and a last
# line `N passed, N failed`.  Logs of failed checks go to $RESULTS/check/.
#
# usage: check.sh [--no-kunit]
. "$(dirname "$0")/lib.sh"
set +e

passed=0
failed=0
skipped=0
logdir=$RESULTS/check
mkdir -p "$logdir" 2>/dev/null || logdir=$(mktemp -d)

# check NAME CMD...: run CMD; its last output line says what it found.
# Exit status 77 means it could not run here (a script test that needs
# root): SKIP, counted neither as passed nor as failed.
check() {
	local name=$1 log rc
	shift
	log=$logdir/${name//\//_}.log
	"$@" >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		passed=$((passed + 1))
		printf 'PASS %-34s %s\n' "$name" "$(tail -n 1 "$log")"
	elif [ $rc = 77 ]; then
		skipped=$((skipped + 1))
		printf 'SKIP %-34s %s\n' "$name" "$(tail -n 1 "$log")"
	else
		failed=$((failed + 1))
		printf 'FAIL %-34s %s\n' "$name" "$(grep -m1 '^error: ' "$log" || tail -n 1 "$log")"
		sed 's/^/     | /' "$log" | tail -n 15
	fi
}

echo "== the series"
check series/files bash -c '. "$0/scripts/lib.sh"; check_series; echo "$(series_files | wc -l) patches named, all mail-format"' "$TOP"
tree=$("$TOP/scripts/prepare-tree.sh") || { echo "FAIL base tree"; echo "0 passed, 1 failed"; exit 1; }
check apply/git-am "$TOP/scripts/apply.sh" "$tree"
if [ "${1:-}" != --no-kunit ]; then
	echo "== KUnit (drm_gpuvm and the upstream DRM suites, debug fragment)"
	check kunit env KMEMLEAK_REUSE=0 "$TOP/scripts/run.sh"
	"$TOP/scripts/summary.py" --show "$RESULTS/summary.json" --table drm_gpuvm 2>/dev/null | sed 's/^/     | /'
	check cover-letter "$TOP/scripts/check-cover.py" "$TOP" "$RESULTS/summary.json"
	echo "== the known upstream noise (the unpatched base, same fragments)"
	check baseline "$TOP/scripts/baseline.sh" --check
fi
echo "== the series, statically"
check apply/quilt "$TOP/scripts/check-quilt.sh"
check drift "$TOP/scripts/check-drift.sh"
check rust/ops-fields "$TOP/scripts/check-rust-ops.py" "$tree"
check b4/round-trip "$TOP/scripts/check-b4-roundtrip.sh"
check checkpatch/codespell-live "$TOP/scripts/check-codespell-live.sh"
check kernel-doc "$TOP/scripts/check-kerneldoc.sh"
check sparse+W=1 "$TOP/scripts/check-static.sh"
check coccicheck "$TOP/scripts/check-cocci.sh"
for p in $(series_files); do
	check "checkpatch/${p:0:4}" "$TOP/scripts/checkpatch.sh" "$TOP/patches/$p"
done

echo "== the scripts"
check shellcheck "$TOP/scripts/check-scripts.sh" shellcheck
check python/py_compile "$TOP/scripts/check-scripts.sh" python
while read -r t; do
	check "script/$t" "$TOP/scripts/tests/run.sh" "$t"
done < <("$TOP/scripts/tests/run.sh" --list)
check script/parsers python3 "$TOP/scripts/tests/test_parsers.py"

[ $skipped = 0 ] || echo "$skipped skipped (SKIP above: they could not run here)"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
