#!/usr/bin/env bash
# Create the work branch: the series as commits on gpuvm-base, checked out
# in its own worktree $CACHE/work, ready for git rebase -i, commit --amend
# and `make export`.
. "$(dirname "$0")/lib.sh"

branch=${1:-work}
check_series
if git -C "$BASE_REPO" rev-parse -q --verify "refs/heads/$branch" >/dev/null; then
	note "branch $branch exists; edit it in $(git -C "$BASE_REPO" worktree list | awk -v b="[$branch]" '$3 == b { print $1 }')"
	exit 0
fi
wt=$CACHE/$branch
git -C "$BASE_REPO" worktree add -q -b "$branch" "$wt" "$BASE_TAG"
mapfile -t files < <(series_files)
paths=()
for f in "${files[@]}"; do paths+=("$TOP/patches/$f"); done
[ ${#paths[@]} -eq 0 ] || git -C "$wt" am -q "${paths[@]}" || {
	git -C "$wt" am --abort
	die "the series does not apply on $BASE_TAG"
}
note "work branch $branch in $wt: ${#files[@]} commits"
