#!/usr/bin/env bash
# patches/, series and tests/drm_gpuvm_test.c are exactly what the series
# produces: apply the series on gpuvm-base in a scratch clone of the
# embedded base, export it again and compare byte for byte.  On the
# embedded base whatever KDIR says (lib.sh: KDIR_TARGET): the patches'
# base-commit: and the series' "# base:" line name it.
. "$(dirname "$0")/lib.sh"

embedded_base_only "check drift"
check_series
"$TOP/scripts/prepare-tree.sh" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sparse_clone "$BASE_REPO" "$tmp/clone" "$BASE_TAG"
am_series "$tmp/clone" || exit 1
"$TOP/scripts/export.sh" --repo "$tmp/clone" HEAD "$tmp" >/dev/null
rc=0
diff -r -u "$TOP/patches" "$tmp/patches" | head -n 40 || rc=1
diff -u "$TOP/series" "$tmp/series" || rc=1
if [ -f "$tmp/tests/drm_gpuvm_test.c" ] || [ -f "$TOP/tests/drm_gpuvm_test.c" ]; then
	cmp "$TOP/tests/drm_gpuvm_test.c" "$tmp/tests/drm_gpuvm_test.c" || rc=1
fi
[ $rc = 0 ] || die "drift: patches/, series or tests/ differ from what the series produces (run make export)"
# The work branch, when there is one, must not hold commits that were never exported.
if git -C "$BASE_REPO" rev-parse -q --verify work >/dev/null; then
	"$TOP/scripts/export.sh" work "$tmp/work" >/dev/null
	diff -r -q "$TOP/patches" "$tmp/work/patches" && cmp -s "$TOP/series" "$tmp/work/series" ||
		die "drift: the work branch holds changes that were never exported (run make export)"
fi
echo "no drift: $(series_files | wc -l) patches, series and tests/drm_gpuvm_test.c regenerate byte for byte"
