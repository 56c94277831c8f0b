#!/usr/bin/env bash
# coccicheck (Debian's coccinelle, MODE=report) on the .c files the series
# touches, one file at a time, in the static worktree of the tree (see
# check-static.sh), at the applied series and then at the base.  The 7.3
# Makefile rejects CHECK=scripts/coccicheck (it is not sparse), so
# scripts/coccicheck is run the way C=2 would run it.  A finding fails
# unless the base has it too: findings are compared by file, message and
# the text of the line they name, not by line number, which the series
# moves.
. "$(dirname "$0")/lib.sh"

command -v spatch >/dev/null || die "spatch is not installed (apt-get install coccinelle ocaml-nox)"
need_applied
wt=$(tree_scratch static)
mapfile -t files < <(git -C "$TREE" diff --name-only "$BASE_REV" "$APPLIED_REV" -- '*.c')
mkdir -p "$RESULTS/static"
log=$RESULTS/static/cocci.log
blog=$RESULTS/static/cocci-base.log

# cocci_run REV LOG FILE...: coccicheck on each FILE that exists at REV.
cocci_run() {
	local rev=$1 out=$2 f
	shift 2
	worktree_at "$wt" "$rev"
	: >"$out"
	for f in "$@"; do
		[ -e "$wt/$f" ] || continue
		(cd "$wt" && C=2 MODE=report srctree=. scripts/coccicheck "$f") >>"$out" 2>&1 ||
			die "coccicheck failed on $f: $(grep -v '^/usr/bin/spatch' "$out" | tail -n 1) (log: $out)"
		grep -q -- "--cocci-file .* $f\$" "$out" || die "coccicheck ran no semantic patch on $f (log: $out)"
	done
}

# keys LOG: for each finding of LOG, "file: message: source line" (the
# line as the worktree has it now, without its indentation), then a tab
# and the finding itself; sorted.
keys() {
	local l f n
	{ grep -E '^[^ ]+\.c:[0-9]+:[0-9]+-[0-9]+: ' "$1" || true; } | while IFS= read -r l; do
		f=${l%%:*}
		n=${l#*:} && n=${n%%:*}
		printf '%s: %s: %s\t%s\n' "$f" "$(sed -E 's/^[^ ]+\.c:[0-9]+:[0-9]+-[0-9]+: //' <<<"$l")" \
			"$(sed -n "${n}{s/^[[:space:]]*//;p}" "$wt/$f")" "$l"
	done | sort
}

cocci_run "$APPLIED_REV" "$log" "${files[@]}"
keys "$log" >"$log.keys"
mapfile -t found < <(cut -f2 "$log.keys" | cut -d: -f1 | sort -u)
: >"$blog.keys"
if [ "${#found[@]}" -gt 0 ]; then
	cocci_run "$BASE_REV" "$blog" "${found[@]}"
	keys "$blog" >"$blog.keys"
fi
worktree_at "$wt" "$BASE_REV"
# comm pairs equal keys one to one: a finding the series repeats is new.
new=$(comm -23 <(cut -f1 "$log.keys") <(cut -f1 "$blog.keys") | sort | uniq -c)
old=$(grep -c . "$blog.keys" || true)
if [ -n "$new" ]; then
	while read -r c k; do
		grep -F -- "$k"$'\t' "$log.keys" | cut -f2 | tail -n "$c"
	done <<<"$new" | head -n 20
	die "coccicheck: $(comm -23 <(cut -f1 "$log.keys") <(cut -f1 "$blog.keys") | wc -l) new finding(s) that the base does not have (log: $log)"
fi
n=$(grep -c '^/usr/bin/spatch' "$log")
echo "coccicheck MODE=report: $n semantic patch runs over ${#files[@]} files, no new findings ($old on the base too)"
