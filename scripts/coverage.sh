#!/usr/bin/env bash
# `make coverage`: line and function coverage of drm_gpuvm.c by the
# drm_gpuvm KUnit suite, with the whole series applied.
#
# A separate worktree of the tree ($CACHE/coverage, or next to a KDIR
# clone) at the applied series, plus the local UML linker fix
# coverage/uml-fini-array.patch (never mailed), built with
# tools/testing/kunit/configs/coverage_uml.config and
# kunit/failslab.config, then booted once more by scripts/kmemleak.sh
# --failslab-only for the kmemdup() failure paths.  Writes an lcov
# tracefile and an HTML report, and prints: lines and functions of
# drm_gpuvm.c, the lines the series adds or changes, and the exported
# functions never called.
. "$(dirname "$0")/lib.sh"

for c in lcov genhtml gcov; do
	command -v $c >/dev/null || die "$c is not installed (apt-get install lcov)"
done
tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
need_applied
wt=$(tree_scratch coverage)
bdir=$(tree_build coverage)
out=$RESULTS/coverage
# The applied series, plus the linker fix (kept when it is there already,
# so that an unchanged worktree is not relinked).
worktree_at "$wt" "$APPLIED_REV" arch/um
cd "$wt" || die "cannot enter $wt"
if ! git apply -R --check "$TOP/coverage/uml-fini-array.patch" 2>/dev/null; then
	git checkout -q -f -- arch/um
	git apply "$TOP/coverage/uml-fini-array.patch" 2>/dev/null ||
		die "coverage/uml-fini-array.patch does not apply to $(tree_desc)"
fi

mkdir -p "$bdir" "$out"
# The lines the series adds or changes in drm_gpuvm.c.
git diff -U0 "$BASE_REV" "$APPLIED_REV" -- drivers/gpu/drm/drm_gpuvm.c |
	awk '/^@@/ { split($3, a, ","); l = substr(a[1], 2); n = (a[2] == "" ? 1 : a[2]); for (i = 0; i < n; i++) print l + i }' \
	>"$out/added-lines"
find "$bdir" -name '*.gcda' -delete
kunit_build_args tools/testing/kunit/configs/coverage_uml.config "$FAILSLAB_FRAGMENT"
with_build_lock python3 tools/testing/kunit/kunit.py run "${KUNIT_BUILD[@]}" --build_dir="$bdir" \
	--json="$out/kunit.json" 'drm_gpuvm*' >"$out/kunit.out" 2>&1 ||
	die "coverage kernel: kunit.py failed: $(grep -m1 -E 'error|FAILED|crashed' "$out/kunit.out") (log: $out/kunit.out)"
# A second boot adds the kmemdup() failure paths of drm_gpuva_sm_step();
# gcov adds its counts to the same .gcda files.
RESULTS=$out KUNIT_FILTER='drm_gpuvm*' "$TOP/scripts/kmemleak.sh" --failslab-only "$bdir" \
	>"$out/failslab.txt" 2>&1 ||
	die "coverage kernel, failslab boot: $(grep -m1 '^error' "$out/failslab.txt") (log: $out/kmemleak.log)"
n=$(find "$bdir" -name '*.gcda' | wc -l)
[ "$n" -gt 0 ] || die "the coverage kernel wrote no .gcda files"
[ -f "$bdir/drivers/gpu/drm/drm_gpuvm.gcda" ] || die "no drm_gpuvm.gcda among the $n .gcda files"

lcov -q --capture --directory "$bdir/drivers/gpu/drm" --base-directory "$bdir" \
	--rc lcov_branch_coverage=0 -o "$out/all.info" 2>"$out/lcov.err" ||
	die "lcov --capture failed: $(tail -n 1 "$out/lcov.err")"
lcov -q --extract "$out/all.info" '*/drm_gpuvm.c' '*/drm_gpuvm.h' -o "$out/drm_gpuvm.info" 2>>"$out/lcov.err"
genhtml -q --legend -o "$out/html" "$out/drm_gpuvm.info" >/dev/null 2>>"$out/lcov.err"

exports=$(grep -o 'EXPORT_SYMBOL_GPL([a-z_0-9]*)' drivers/gpu/drm/drm_gpuvm.c | sed 's/.*(\(.*\))/\1/') ||
	die "no EXPORT_SYMBOL_GPL in drivers/gpu/drm/drm_gpuvm.c of $wt"
python3 "$TOP/scripts/coverage-report.py" "$out/drm_gpuvm.info" drm_gpuvm.c "$out/added-lines" $exports |
	tee "$out/figures.txt"
echo "gcda files: $n; tracefile: $out/drm_gpuvm.info; HTML: $out/html/index.html"
