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
cd "$tree"

if [ -n "${KDIR:-}" ]; then
	base=$(git -C "$KDIR" rev-parse "${BASE:-HEAD}^{commit}")
	am_opts=(-3)
else
	base=$(git rev-parse -q --verify "${BASE:-$BASE_TAG}^{commit}") ||
		die "BASE=${BASE:-$BASE_TAG} does not exist in $tree"
	am_opts=()
fi

mapfile -t files < <(series_files)
stamp=$({ echo "$base ${am_opts[*]}"; cat "$TOP/series"; for f in "${files[@]}"; do cat "$TOP/patches/$f"; done; } | sha1sum | cut -c1-40)
stampfile=$(git rev-parse --git-path gpuvm-applied)
if [ -f "$stampfile" ] && [ "$(cat "$stampfile")" = "$stamp $(git rev-parse HEAD)" ] &&
	[ -z "$(git status --porcelain -uno)" ]; then
	note "series already applied on $(git rev-parse --short "$base") (nothing changed)"
	exit 0
fi
rm -f "$stampfile"

# git am needs a committer; do not depend on the machine having one.
git config user.email >/dev/null 2>&1 || export GIT_COMMITTER_NAME=gpuvm-series GIT_COMMITTER_EMAIL=gpuvm-series@localhost

[ -d "$(git rev-parse --git-path rebase-apply)" ] && git am --abort >/dev/null 2>&1

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

git checkout -q -f -B applied "$base"

paths=()
for f in "${files[@]}"; do paths+=("$TOP/patches/$f"); done
if [ ${#paths[@]} -gt 0 ] &&
	! git am -q --committer-date-is-author-date "${am_opts[@]}" "${paths[@]}" >"$tree/.git/am.log" 2>&1; then
	n=$(cat "$(git rev-parse --git-path rebase-apply/next)" 2>/dev/null || echo 1)
	bad=${files[$((n - 1))]}
	note "error: patch $bad does not apply to $(git rev-parse --short "$base")"
	# git apply -v names each failing hunk and prints the lines it searched for.
	git am --show-current-patch=diff 2>/dev/null | git apply --check -v 2>&1 |
		grep -v '^Checking patch\|^Hunk .* succeeded\|^Applied patch' |
		sed -e 's/^error: //' -e 's/^/  | /' | head -n 40 >&2 || true
	git am --abort >/dev/null 2>&1 || true
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
echo "$stamp $(git rev-parse HEAD)" >"$stampfile"
note "applied ${#files[@]} patches on $(git rev-parse --short "$base") ($(git log -1 --format=%s "$base"))"
