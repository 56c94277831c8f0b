#!/usr/bin/env bash
# Apply the patches named in `series`, in order, with git am onto a fresh
# branch `applied` at the base of the tree given as $1.  Zero fuzz: plain
# git am on the embedded base, git am -3 on a user's KDIR tree.
#
# On failure: name the patch, show the failing hunk(s), git am --abort and
# exit non-zero; the base is left as it was.
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: apply.sh TREE}
check_series
cd "$tree" 2>/dev/null || die "no kernel tree in $tree (prepare-tree.sh makes it)"

base=$(tree_base)
stamp=$(series_stamp "$base")
stampfile=$(git rev-parse --git-path gpuvm-applied)
if [ -f "$stampfile" ] && [ "$(cat "$stampfile")" = "$stamp $(git rev-parse HEAD)" ] &&
	[ -z "$(git status --porcelain -uno)" ]; then
	note "series already applied on $(git rev-parse --short "$base") (nothing changed)"
	exit 0
fi
rm -f "$stampfile"

# The patches applied last time, each with its commit: a prefix of the
# series that is unchanged, on the same base and am options, is kept and
# only the rest is applied again.  Equivalent to applying all of it.
listfile=$(git rev-parse --git-path gpuvm-applied-patches)
mapfile -t stamps < <(patch_stamps)
skip=0
start=$base
if prev=$(git rev-parse -q --verify HEAD) && [ -z "$(git status --porcelain -uno)" ] &&
	[ -f "$listfile" ] && [ "$(head -n 1 "$listfile")" = "$base $(am_options)" ]; then
	while read -r pstamp commit; do
		[ "$skip" -lt "${#stamps[@]}" ] && [ "$pstamp" = "${stamps[skip]}" ] || break
		git merge-base --is-ancestor "$commit" "$prev" 2>/dev/null || break
		start=$commit
		skip=$((skip + 1))
	done < <(tail -n +2 "$listfile")
fi
rm -f "$listfile"

# Re-applying rewrites every file the series touches.  Those that end up
# with the contents they had before get their old time stamps back below, so
# that editing one patch rebuilds only what that patch changes.
declare -A keep=()
if prev=$(git rev-parse -q --verify HEAD) && [ -z "$(git status --porcelain -uno)" ]; then
	while IFS= read -r -d '' path; do
		[ -f "$path" ] || continue
		keep[$path]="$(git rev-parse -q --verify "$prev:$path") $(stat -c %.9Y -- "$path")"
	done < <(git diff -z --name-only "$base" "$prev" --)
fi

git checkout -q -f -B applied "$start"

if ! am_series "$tree" "$skip"; then
	git checkout -q -f -B applied "$base"
	exit 1
fi
kept=0
for path in "${!keep[@]}"; do
	read -r blob mtime <<<"${keep[$path]}"
	if [ -f "$path" ] && [ "$(git rev-parse -q --verify "HEAD:$path")" = "$blob" ]; then
		touch -m -d "@$mtime" -- "$path"
		kept=$((kept + 1))
	fi
done
[ "$kept" = 0 ] || git update-index -q --refresh >/dev/null || true
{
	echo "$base $(am_options)"
	n=${#stamps[@]}
	for i in "${!stamps[@]}"; do echo "${stamps[i]} $(git rev-parse "HEAD~$((n - 1 - i))")"; done
} >"$listfile"
echo "$stamp $(git rev-parse HEAD)" >"$stampfile"
reused=
[ "$skip" = 0 ] || reused=", the first $skip as they were"
note "applied $(series_files | wc -l) patches on $(git rev-parse --short "$base") ($(git log -1 --format=%s "$base"))$reused"
