#!/usr/bin/env bash
# Create the work branch: the series as commits on gpuvm-base, checked out
# in its own worktree $CACHE/work, ready for git rebase -i, commit --amend
# and `make export`.  On the embedded base whatever KDIR says (lib.sh:
# KDIR_TARGET).
. "$(dirname "$0")/lib.sh"

embedded_base_only work
branch=${1:-work}
check_series
"$TOP/scripts/prepare-tree.sh" >/dev/null
if git -C "$BASE_REPO" rev-parse -q --verify "refs/heads/$branch" >/dev/null; then
	note "branch $branch exists; edit it in $(git -C "$BASE_REPO" worktree list | awk -v b="[$branch]" '$3 == b { print $1 }')"
	exit 0
fi
wt=$CACHE/$branch
git -C "$BASE_REPO" worktree add -q -b "$branch" "$wt" "$BASE_TAG"
if ! am_series "$wt"; then
	git -C "$BASE_REPO" worktree remove --force "$wt"
	git -C "$BASE_REPO" branch -q -D "$branch"
	exit 1
fi
note "work branch $branch in $wt: $(series_files | wc -l) commits"
