#!/usr/bin/env bash
# sparse (C=2, with a sparse the 7.3 Makefile accepts) and W=1 on the .c
# files the series touches (msm's aside), on the base of the tree (lib.sh: tree_base) and
# with the series, in a worktree of their own ($CACHE/static, or next to a
# KDIR clone) so that the KUnit tree is not disturbed.
# No file may have more warnings with the series than on the base, and the
# check fails if sparse did not actually run.
. "$(dirname "$0")/lib.sh"

need_applied
sparse=$("$TOP/scripts/fetch-sparse.sh")
sh "$TREE/scripts/checker-valid.sh" "$sparse" | grep -q 1 ||
	die "$sparse fails scripts/checker-valid.sh: the build would skip it silently"
config=$(build_dir)/.config
[ -f "$config" ] || die "no KUnit .config in $(build_dir): run make first"
wt=$(tree_scratch static)
bdir=$(tree_build static)
worktree_at "$wt" "$BASE_REV"
mkdir -p "$bdir" "$RESULTS/static"
cp "$config" "$bdir/.config"
# msm does not build for UML: make users compiles its patch (arm64) and
# compares its warnings with the base's.
mapfile -t files < <(git -C "$TREE" diff --name-only "$BASE_REV" "$APPLIED_REV" -- '*.c' ':!drivers/gpu/drm/msm')
headers=$(git -C "$TREE" diff --name-only "$BASE_REV" "$APPLIED_REV" -- '*.h' ':!drivers/gpu/drm/msm')
cc=$(kernel_cc)

declare -A count
for rev in base applied; do
	commit=$BASE_REV
	[ $rev = base ] || commit=$APPLIED_REV
	worktree_at "$wt" "$commit"
	objs=()
	for f in "${files[@]}"; do
		[ -f "$wt/$f" ] && objs+=("${f%.c}.o")
	done
	log=$RESULTS/static/$rev.log
	: >"$log"
	if [ ${#objs[@]} -gt 0 ]; then
		with_build_lock make -C "$wt" -s O="$bdir" ARCH=um CC="$cc" olddefconfig >/dev/null 2>&1
		with_build_lock make -C "$wt" O="$bdir" ARCH=um CC="$cc" C=2 CHECK="$sparse" W=1 \
			-j"$(nproc)" "${objs[@]}" >"$log" 2>&1 || die "build of ${objs[*]} at $rev failed (log: $log)"
		for o in "${objs[@]}"; do
			grep -q "CHECK .*${o%.o}.c" "$log" || die "sparse did not run on ${o%.o}.c at $rev (log: $log)"
		done
	fi
	for f in "${files[@]}" $headers; do
		count[$rev:$f]=$(grep -c "$f:[0-9]*:[0-9]*: \(warning\|error\)" "$log" || true)
	done
done
worktree_at "$wt" "$BASE_REV"

bad=0
printf '%-45s %6s %8s   (sparse + W=1 warnings)\n' file base patched
for f in "${files[@]}" $headers; do
	b=${count[base:$f]}
	p=${count[applied:$f]}
	printf '%-45s %6s %8s\n' "$f" "$b" "$p"
	[ "$p" -le "$b" ] || bad=$((bad + 1))
done
[ $bad = 0 ] || die "sparse/W=1: $bad file(s) have new warnings (logs: $RESULTS/static)"
echo "sparse $(cat "$CACHE/sparse/VERSION" 2>/dev/null) (Debian sid source, passes checker-valid.sh; C=2) and W=1: no new warnings in ${#files[@]} touched .c files and their headers"
