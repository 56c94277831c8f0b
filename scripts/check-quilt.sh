#!/usr/bin/env bash
# The series applies with quilt too, zero fuzz, on a plain (non-git) copy of
# the base of the tree (lib.sh: tree_base), and gives the same files as
# git am (branch applied).
. "$(dirname "$0")/lib.sh"

command -v quilt >/dev/null || die "quilt is not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
need_applied
cd "$TREE" || die "cannot enter $TREE"
# The files the series touches, as they are in the base; a plain tree of
# just those is all quilt needs.
mapfile -t files < <(for p in $(series_files); do
	grep -E '^diff --git ' "$TOP/patches/$p" | awk '{ sub(/^b\//, "", $4); print $4 }'
done | sort -u)
existing=()
for f in "${files[@]}"; do
	git cat-file -e "$BASE_REV:$f" 2>/dev/null && existing+=("$f")
done
mkdir -p "$tmp/plain"
[ ${#existing[@]} -gt 0 ] && git archive "$BASE_REV" -- "${existing[@]}" | tar -x -C "$tmp/plain"
(cd "$tmp/plain" && QUILT_PATCHES="$TOP/patches" QUILT_SERIES="$TOP/series" \
	quilt push -a -q --fuzz=0) >"$tmp/quilt.log" 2>&1 || {
	cat "$tmp/quilt.log"
	die "quilt push -a --fuzz=0 failed: $(grep -m1 -E 'FAILED|does not apply|fuzz' "$tmp/quilt.log")"
}
grep -q -i 'fuzz' "$tmp/quilt.log" && die "quilt applied with fuzz"
# Same bytes as the git am result (branch applied).
for f in "${files[@]}"; do
	if git cat-file -e "$APPLIED_REV:$f" 2>/dev/null; then
		git show "$APPLIED_REV:$f" | cmp -s - "$tmp/plain/$f" || die "quilt and git am differ on $f"
	else
		[ ! -e "$tmp/plain/$f" ] || die "quilt created $f, git am did not"
	fi
done
echo "quilt push -a --fuzz=0: $(series_files | wc -l) patches, ${#files[@]} files identical to git am"
