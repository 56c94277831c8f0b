#!/usr/bin/env bash
# scripts/kernel-doc -Wall (the tree's own) on the files the series
# touches: no file may have more warnings with the series than on the base
# of the tree (lib.sh: tree_base).  Prints both counts.
. "$(dirname "$0")/lib.sh"

need_applied
cd "$TREE" || die "cannot enter $TREE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # REV FILE
	if git cat-file -e "$1:$2" 2>/dev/null; then
		mkdir -p "$tmp/$1/$(dirname "$2")"
		git show "$1:$2" >"$tmp/$1/$2"
		scripts/kernel-doc -Wall -none "$tmp/$1/$2" 2>&1 | grep -c -i 'warning' || true
	else
		echo 0
	fi
}
bad=0
printf '%-45s %6s %8s\n' file base patched
for f in $(git diff --name-only "$BASE_REV" "$APPLIED_REV" -- '*.c' '*.h'); do
	b=$(count "$BASE_REV" "$f")
	p=$(count "$APPLIED_REV" "$f")
	printf '%-45s %6s %8s\n' "$f" "$b" "$p"
	[ "$p" -le "$b" ] || bad=$((bad + 1))
done
[ $bad = 0 ] || die "kernel-doc -Wall: $bad file(s) have new warnings"
echo "kernel-doc -Wall: no new warnings in the touched files"
