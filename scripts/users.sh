#!/usr/bin/env bash
# The drivers that use drm_gpuvm still build with the series: every object
# under drivers/gpu/drm/{xe,nouveau,panthor,msm,imagination} that includes
# drm_gpuvm.h (directly or through the driver's own headers, see
# gpuvm-users.py) is compiled, and only those objects.  One arm64 build
# (LLVM, COMPILE_TEST) covers all five: powervr has no COMPILE_TEST on
# x86_64.  Runs in the static worktree of the tree (see check-static.sh) at
# the applied series; what fails there is compiled again on the base.
# Then the Rust side: rust/ and drivers/gpu/drm/tyr (scripts/rust.sh),
# base against patched.
. "$(dirname "$0")/lib.sh"

ver=${LLVM_VERSION:-19}
command -v "clang-$ver" >/dev/null || die "clang-$ver is missing (apt-get install clang-$ver lld-$ver llvm-$ver)"
tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
need_applied
wt=$(tree_scratch static)
bdir=$(tree_build users-arm64)
worktree_at "$wt" "$APPLIED_REV"
mkdir -p "$bdir" "$RESULTS/users"
cc=$(kernel_cc "clang-$ver")
mk=(make -C "$wt" O="$bdir" ARCH=arm64 LLVM="-$ver" CC="$cc" -j"$(nproc)")
drivers="DRM_XE DRM_NOUVEAU DRM_PANTHOR DRM_MSM DRM_POWERVR"
if [ ! -f "$bdir/.config" ]; then
	with_build_lock "${mk[@]}" defconfig >/dev/null 2>&1 || die "arm64 defconfig failed"
	args=(-e COMPILE_TEST)
	for d in $drivers; do args+=(-m "$d"); done
	"$wt/scripts/config" --file "$bdir/.config" "${args[@]}"
	with_build_lock "${mk[@]}" olddefconfig >/dev/null 2>&1 || die "arm64 olddefconfig failed"
fi
for d in $drivers; do
	grep -q "^CONFIG_$d=[ym]" "$bdir/.config" || die "CONFIG_$d cannot be enabled in the arm64 COMPILE_TEST config"
done
log=$RESULTS/users/build.log
with_build_lock "${mk[@]}" modules_prepare >"$log" 2>&1 || die "arm64 modules_prepare failed (log: $log)"

mapfile -t srcs < <("$TOP/scripts/gpuvm-users.py" "$wt" drivers/gpu/drm/{xe,nouveau,panthor,msm,imagination})
# A failure inside <(...) does not stop the script: an empty list would
# pass with nothing compiled.
[ ${#srcs[@]} -gt 0 ] || die "gpuvm-users.py found no object that includes drm_gpuvm.h in $wt"
objs=()
for s in "${srcs[@]}"; do objs+=("${s%.c}.o"); done
# The warning comparison below leaves the base's objects behind: an object
# is only counted as compiled with the series when this build wrote it.
for o in "${objs[@]}"; do rm -f "$bdir/$o"; done
with_build_lock "${mk[@]}" -k "${objs[@]}" >>"$log" 2>&1 || true
ok=0
notcfg=0
bad=()
for o in "${objs[@]}"; do
	if [ -f "$bdir/$o" ]; then
		ok=$((ok + 1))
	elif grep -q "No rule to make target '$o'" "$log"; then
		notcfg=$((notcfg + 1))
	else
		bad+=("$o")
	fi
done
# An object kbuild would not build in this config (nouveau_acpi.o outside
# x86, xe_svm.o without DRM_XE_GPUSVM, a xe/tests/ file that is #included
# elsewhere) fails on its own, with or without the series.  Such objects
# are compiled again on the base: only an object that builds there and not
# with the series is a failure of the series.
basefail=0
if [ ${#bad[@]} -gt 0 ]; then
	blog=$RESULTS/users/build-base.log
	worktree_at "$wt" "$BASE_REV"
	for o in "${bad[@]}"; do rm -f "$bdir/$o"; done
	with_build_lock "${mk[@]}" -k "${bad[@]}" >"$blog" 2>&1 || true
	still=()
	for o in "${bad[@]}"; do
		if [ -f "$bdir/$o" ]; then
			still+=("$o")
			rm -f "$bdir/$o"
		else
			basefail=$((basefail + 1))
			note "  $o does not compile on the base either (not in this config): not counted"
		fi
	done
	worktree_at "$wt" "$APPLIED_REV"
	bad=("${still[@]}")
fi
for d in xe nouveau panthor msm imagination; do
	n=0
	for o in "${objs[@]}"; do [[ $o == drivers/gpu/drm/$d/* ]] && [ -f "$bdir/$o" ] && n=$((n + 1)); done
	printf '  %-12s %4d objects compiled\n' "$d" "$n"
done
if [ ${#bad[@]} -gt 0 ]; then
	for o in "${bad[@]}"; do
		grep -m 1 "${o%.o}\.c:.*error:" "$log" || true
	done
	die "${#bad[@]} of ${#objs[@]} drm_gpuvm users compile on the base but not with the series: ${bad[*]} (log: $log)"
fi
# Warnings: the same objects compiled again on the base, compared by file
# and message, since the series moves line numbers.  Every object includes
# drm_gpuvm.h, so switching the worktree rebuilds them all, here and on the
# next run's build with the series.
warn_list() {
	sed -nE 's/^([^ :]+):[0-9]+:[0-9]+: warning: /\1: /p' "$1" | sort -u
}
pwarn=$RESULTS/users/warnings-patched.txt
bwarn=$RESULTS/users/warnings-base.txt
warn_list "$log" >"$pwarn"
blog=$RESULTS/users/build-base-warnings.log
worktree_at "$wt" "$BASE_REV"
with_build_lock "${mk[@]}" -k "${objs[@]}" >"$blog" 2>&1 || true
worktree_at "$wt" "$APPLIED_REV"
warn_list "$blog" >"$bwarn"
new=$(comm -13 "$bwarn" "$pwarn")
[ -z "$new" ] ||
	die "the series adds $(wc -l <<<"$new") compiler warnings to the drm_gpuvm users, the first: $(head -n 1 <<<"$new") (logs: $log, $blog)"
c_result="drm_gpuvm users (arm64, LLVM=-$ver, COMPILE_TEST): $ok objects compiled, $((notcfg + basefail)) not built in this config (they fail on the base too), 0 failed; $(wc -l <"$pwarn") warnings with the series, $(wc -l <"$bwarn") on the base, none new"
echo "$c_result"

# The Rust side: rust/ (the kernel crate, rust/kernel/drm/gpuvm among it)
# and drivers/gpu/drm/tyr, on x86_64 with Debian's toolchain
# (scripts/rust.sh), the series against its base, each in a worktree and
# build directory of its own.  The objects of rust/ and tyr are removed
# first, so that both logs are of a whole build.  The series may not fail
# to build there, nor add a warning that the base does not have; a base
# that does not build is reported and not compared.
rust_wt=$(tree_scratch rust)
# rust_build NAME REV: sets OBJS and WARN, or returns 1 with the error line
# of rust.sh in $RESULTS/users/rust-NAME.err.
rust_build() {
	local wt=$rust_wt-$1 bd line
	bd=$(tree_build "rust-$1")
	worktree_at "$wt" "$2"
	rm -f "$bd"/rust/*.o "$bd"/drivers/gpu/drm/tyr/*.o
	line=$("$TOP/scripts/rust.sh" "$wt" "$bd" 2>"$RESULTS/users/rust-$1.err") || return 1
	[[ $line =~ \(([0-9]+)\ objects,\ ([0-9]+)\ warnings\)$ ]] ||
		die "scripts/rust.sh printed no summary line for the $1 tree: $line"
	OBJS=${BASH_REMATCH[1]}
	WARN=${BASH_REMATCH[2]}
}
rust_err() {
	grep -m1 '^error: ' "$RESULTS/users/rust-$1.err" 2>/dev/null | sed 's/^error: //' || echo "no error line"
}
rust_build patched "$APPLIED_REV" ||
	die "the Rust build fails with the series: $(rust_err patched) (log: $RESULTS/users/rust-patched.err)"
rp_objs=$OBJS rp_warn=$WARN
if ! rust_build base "$BASE_REV"; then
	echo "Rust (x86_64, rustc-web, COMPILE_TEST): rust/ and drivers/gpu/drm/tyr built with the series, $rp_objs objects, $rp_warn warnings; the base does not build ($(rust_err base)): not compared"
	exit 0
fi
new=$(comm -13 "$(tree_build rust-base)/rust-logs/warnings.txt" "$(tree_build rust-patched)/rust-logs/warnings.txt")
[ -z "$new" ] ||
	die "the series adds $(wc -l <<<"$new") Rust warnings to rust/ and drivers/gpu/drm/tyr, the first: $(head -n 1 <<<"$new") (logs in $(tree_build rust-patched)/rust-logs)"
echo "Rust (x86_64, rustc-web, COMPILE_TEST): rust/ and drivers/gpu/drm/tyr built, $rp_objs objects, $rp_warn warnings with the series, $WARN on the base ($OBJS objects), none new"
