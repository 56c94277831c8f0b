#!/usr/bin/env bash
# `make baseline` and `make baseline-check`: the known upstream noise,
# kunit/upstream-splats and kunit/upstream-leaks, measured on the unpatched
# base instead of kept by hand.
#
# The base of the tree (tree_base: gpuvm-base, or KDIR's BASE) is checked
# out in a worktree of its own and built as the KUnit kernel of the series
# is (drivers/gpu/drm/tests and KUNIT_FRAGMENTS, the same kunit.py
# arguments), in a build directory of its own.  ccache gains little there:
# the base's .config differs (DRM_KUNIT_TEST selects DRM_GPUVM only with
# the series), so every object misses once.  kunit.py runs it, and
# kmemleak.sh --scan-only boots it once more into its init script for the
# kmemleak report, both at once as run.sh does.  scripts/baseline.py turns
# the two logs into the two files, each entry with where it came from.
#
# usage: baseline.sh           rewrite kunit/upstream-splats and
#                              kunit/upstream-leaks
#        baseline.sh --check   measure the same way, change nothing, and
#                              fail with the difference when the files are
#                              not what the base and fragments give
# The logs stay in $RESULTS/baseline.  An unchanged base kernel (same
# tree, same fragments) is not built again, but it is always run and
# booted again.
. "$(dirname "$0")/lib.sh"

check=0
case ${1:-} in
--check) check=1 ;;
'') ;;
*) die "usage: baseline.sh [--check]" ;;
esac

"$TOP/scripts/prepare-tree.sh" >/dev/null
base=$(tree_base)
wt=$(tree_scratch baseline)
bdir=$(tree_build kunit-baseline)
out=$RESULTS/baseline
ensure_cache
mkdir -p "$out" "$bdir"
rm -rf "${out:?}"/*
worktree_at "$wt" "$base"
cd "$wt" || die "cannot enter $wt"

kunit_build_args "${KUNIT_FRAGMENTS[@]}"
stamp=$(kunit_stamp .)
if [ -x "$bdir/linux" ] && stamp_matches "$bdir/.gpuvm-stamp" "$stamp"; then
	note "baseline: the base's kernel is unchanged since its last build"
else
	rm -f "$bdir/.gpuvm-stamp"
	need_space "$BUILD_ROOT" 1024 "the base's KUnit build"
	note "baseline: building the unpatched base ($(git log -1 --format='%h %s' "$base")) in $bdir"
	with_build_lock python3 tools/testing/kunit/kunit.py build "${KUNIT_BUILD[@]}" --build_dir="$bdir" \
		>"$out/kunit-build.out" 2>&1 ||
		die "the base's KUnit build failed: $(kunit_first_error "$out/kunit-build.out") (full log: $out/kunit-build.out)"
	echo "$stamp" >"$bdir/.gpuvm-stamp"
fi

note "baseline: running the base's suites, and booting it for kmemleak"
"$TOP/scripts/kmemleak.sh" --scan-only "$bdir" "$out/kmemleak.log" &
kpid=$!
python3 tools/testing/kunit/kunit.py exec --build_dir="$bdir" --json="$out/kunit.json" \
	>"$out/kunit.out" 2>&1 || true
# kmemleak.sh prints its own error line.
wait "$kpid" || exit 1
[ -f "$out/kunit.json" ] && [ -f "$bdir/test.log" ] ||
	die "the base's suites did not run: $(tail -n 1 "$out/kunit.out") (full log: $out/kunit.out)"
cp "$bdir/test.log" "$out/test.log"
# The functions of the upstream tests, to which each leak is attributed.
nm --defined-only "$bdir"/drivers/gpu/drm/tests/*.o >"$out/tests.nm" 2>/dev/null ||
	die "cannot list the symbols of $bdir/drivers/gpu/drm/tests (nm)"

frags=()
for f in "${KUNIT_FRAGMENTS[@]}"; do frags+=("${f#"$TOP"/}"); done
dst=$TOP/kunit
[ $check = 0 ] || dst=$out/new
mkdir -p "$dst"
"$TOP/scripts/baseline.py" --test-log "$out/test.log" --kmemleak-log "$out/kmemleak.log" \
	--tests-nm "$out/tests.nm" --base "$(git log -1 --format='%H %s' "$base")" \
	--fragments "${frags[*]}" --fragments-stamp "$(cat "${KUNIT_FRAGMENTS[@]}" | content_stamp)" \
	--splats "$dst/upstream-splats" --leaks "$dst/upstream-leaks" >"$out/baseline.txt" ||
	exit 1

if [ $check = 0 ]; then
	echo "$(cat "$out/baseline.txt"): kunit/upstream-splats and kunit/upstream-leaks written"
	exit 0
fi
# entries FILE: what the check compares: the entries and the header's
# base and fragments, not the provenance comments (kmemleak may miss an
# object of a known function from one boot to the next).
entries() {
	grep -v '^#' "$1" | grep . || true
	grep '^#   \(base\|fragments\):' "$1" || true
}
differ=()
for f in upstream-splats upstream-leaks; do
	if ! diff -u <(entries "$TOP/kunit/$f") <(entries "$dst/$f") >"$out/$f.diff"; then
		differ+=("kunit/$f")
		sed 's/^/  | /' "$out/$f.diff" | head -n 40 >&2
	fi
done
[ ${#differ[@]} = 0 ] ||
	die "${differ[*]} differ from what $(tree_desc) and the fragments give (diff above, in $out/*.diff): run make baseline"
echo "$(cat "$out/baseline.txt"): both files are what $(tree_desc) gives"
