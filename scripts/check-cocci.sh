#!/usr/bin/env bash
# coccicheck (Debian's coccinelle, MODE=report) on the .c files the series
# touches, file by file (make C=2 CHECK=scripts/coccicheck), in the
# $CACHE/static worktree at the applied series.  Any finding fails.
. "$(dirname "$0")/lib.sh"

command -v spatch >/dev/null || die "spatch is not installed (apt-get install coccinelle)"
wt=$CACHE/static
bdir=$BUILD_ROOT/static
[ -f "$bdir/.config" ] || die "no $bdir/.config: run the sparse check (check-static.sh) first"
mapfile -t files < <(git -C "$BASE_REPO" diff --name-only "$BASE_TAG" applied -- '*.c')
git -C "$wt" checkout -q -f --detach "$(git -C "$BASE_REPO" rev-parse applied)"
objs=()
for f in "${files[@]}"; do objs+=("${f%.c}.o"); done
log=$RESULTS/static/cocci.log
mkdir -p "$RESULTS/static"
cc=gcc
command -v ccache >/dev/null 2>&1 && cc="ccache gcc"
with_build_lock make -C "$wt" O="$bdir" ARCH=um CC="$cc" C=2 CHECK=scripts/coccicheck MODE=report \
	-j"$(nproc)" "${objs[@]}" >"$log" 2>&1 || die "coccicheck run failed (log: $log)"
git -C "$wt" checkout -q -f --detach "$BASE_TAG"
for f in "${files[@]}"; do
	grep -q "CHECK .*$f" "$log" || die "coccicheck did not run on $f (log: $log)"
done
findings=$(grep -E '^[^ ]*\.c:[0-9]+:[0-9]+-[0-9]+: ' "$log" || true)
if [ -n "$findings" ]; then
	printf '%s\n' "$findings" | head -n 20
	die "coccicheck: $(printf '%s\n' "$findings" | wc -l) finding(s)"
fi
echo "coccicheck MODE=report ($(spatch --version | head -n 1 | awk '{print $3}')): no findings in ${files[*]}"
