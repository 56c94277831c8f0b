#!/usr/bin/env bash
# Print the kernel tree to work in (tree_dir in lib.sh), making it first
# when needed, and check the base (tree_base).
#
# Without KDIR: the embedded base ($CACHE/linux, from fetch-base.sh).
# With KDIR=/path/to/kernel.git: a scratch clone of that repository under
# $CACHE/kdir/ (objects shared, nothing written to KDIR), so that the
# user's working tree, index and branches are never touched.
. "$(dirname "$0")/lib.sh"

if [ -z "${KDIR:-}" ]; then
	"$TOP/scripts/fetch-base.sh"
	tree_base >/dev/null
	tree_dir
	exit 0
fi

tree_base >/dev/null
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
