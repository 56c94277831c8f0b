#!/usr/bin/env bash
# coccicheck (Debian's coccinelle, MODE=report) on the .c files the series
# touches, one file at a time, in the static worktree of the tree (see
# check-static.sh) at the applied series.  The 7.3 Makefile rejects
# CHECK=scripts/coccicheck (it is not sparse), so scripts/coccicheck is run
# the way C=2 would run it.  Any finding fails.
. "$(dirname "$0")/lib.sh"

command -v spatch >/dev/null || die "spatch is not installed (apt-get install coccinelle ocaml-nox)"
need_applied
wt=$(tree_scratch static)
worktree_at "$wt" "$APPLIED_REV"
mapfile -t files < <(git -C "$TREE" diff --name-only "$BASE_REV" "$APPLIED_REV" -- '*.c')
mkdir -p "$RESULTS/static"
log=$RESULTS/static/cocci.log
: >"$log"
for f in "${files[@]}"; do
	(cd "$wt" && C=2 MODE=report srctree=. scripts/coccicheck "$f") >>"$log" 2>&1 ||
		die "coccicheck failed on $f: $(grep -v '^/usr/bin/spatch' "$log" | tail -n 1) (log: $log)"
	grep -q -- "--cocci-file .* $f\$" "$log" || die "coccicheck ran no semantic patch on $f (log: $log)"
done
worktree_at "$wt" "$BASE_REV"
findings=$(grep -E '^[^ ]+\.c:[0-9]+:[0-9]+-[0-9]+: ' "$log" || true)
if [ -n "$findings" ]; then
	printf '%s\n' "$findings" | head -n 20
	die "coccicheck: $(printf '%s\n' "$findings" | wc -l) finding(s) (log: $log)"
fi
n=$(grep -c '^/usr/bin/spatch' "$log")
echo "coccicheck MODE=report: $n semantic patch runs over ${#files[@]} files, no findings"
