#!/usr/bin/env bash
# Print the kernel tree to work in, making it first when needed.
#
# Without KDIR: the embedded base ($CACHE/linux, from fetch-base.sh).
# With KDIR=/path/to/kernel.git: a scratch clone of that repository under
# $CACHE/kdir/ (objects shared, nothing written to KDIR), so that the
# user's working tree, index and branches are never touched.
. "$(dirname "$0")/lib.sh"

if [ -z "${KDIR:-}" ]; then
	"$TOP/scripts/fetch-base.sh"
	printf '%s\n' "$BASE_REPO"
	exit 0
fi

[ -d "$KDIR" ] || die "KDIR=$KDIR does not exist"
git -C "$KDIR" rev-parse --git-dir >/dev/null 2>&1 ||
	die "KDIR=$KDIR is not a kernel git tree (not a git repository)"
base=${BASE:-HEAD}
git -C "$KDIR" rev-parse -q --verify "$base^{commit}" >/dev/null ||
	die "BASE=$base does not exist in KDIR=$KDIR"
for f in Makefile drivers/gpu/drm/drm_gpuvm.c include/drm/drm_gpuvm.h tools/testing/kunit/kunit.py; do
	git -C "$KDIR" cat-file -e "$base:$f" 2>/dev/null ||
		die "KDIR=$KDIR is not a kernel git tree with drm_gpuvm ($f missing at $base)"
done

ensure_cache
tree=$(tree_dir)
if [ ! -d "$tree/.git" ]; then
	need_space "$CACHE" 2048 "a scratch clone of KDIR"
	rm -rf "$tree.tmp"
	git clone -q --shared --no-checkout "$(realpath "$KDIR")" "$tree.tmp" ||
		die "cannot clone KDIR=$KDIR into $tree"
	mv "$tree.tmp" "$tree"
else
	git -C "$tree" fetch -q "$(realpath "$KDIR")" ||
		die "cannot fetch from KDIR=$KDIR into $tree"
fi
printf '%s\n' "$tree"
