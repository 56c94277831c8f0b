#!/usr/bin/env bash
# `make bench`: micro-benchmarks of drm_gpuvm, the base kernel against the
# base kernel with the series applied.
#
# The suite is tests/bench/drm_gpuvm_bench.c (its top comment says what it
# measures).  It is never part of the series: this script copies it into
# drivers/gpu/drm/tests/ of two detached worktrees of the tree (lib.sh:
# tree_dir; with KDIR, the KDIR clone), $CACHE/bench-base (its base,
# tree_base) and $CACHE/bench-patched (branch "applied", after
# prepare-tree.sh and apply.sh), adds it to that directory's Makefile
# and makes DRM_KUNIT_TEST select DRM_GPUVM, in those worktrees only.  Only
# the patched worktree compiles it with -DGPUVM_BENCH_PATCHED, plus one
# define per feature its drm_gpuvm.h declares, so the patched-only
# measurements exist only there and the base kernel still builds.
#
# Both are built as UML KUnit kernels (through the build lock, ccache as in
# kunit.sh) with drivers/gpu/drm/tests/.kunitconfig and the non-debug
# fragment tests/bench/bench.config, in $BUILD_ROOT/bench-base and
# $BUILD_ROOT/bench-patched; a kernel whose inputs did not change is not
# rebuilt.  Then they run alternately, base, patched, base, patched, ...,
# BENCH_RUNS times each, pinned to one CPU, holding the build lock so that
# no build of this machine runs meanwhile.  scripts/bench-report.py prints
# the table and the verdicts and writes, under $RESULTS/bench: raw.csv,
# summary.csv, report.txt, bench.png, and the kernel logs in logs/.
#
# Variables: BENCH_RUNS=<n> runs per kernel (default and minimum 5),
# BENCH_CPU=<cpu> (default 0), BENCH_PATCHED=<rev> measures that revision of
# the base repository as the patched kernel instead of applying the series
# (e.g. a branch that has features `series` does not have yet).
# BENCH_PATCHED=aa is the A/A control: the base with drm_gpuvm.c's code moved
# by 80 bytes (a padding function before it, same source otherwise), made as
# the commit refs/gpuvm/bench-aa of the tree, never a branch.  Its ratios
# show what code layout alone does to the figures; it reports to
# $RESULTS/bench-aa, so the series' report stays.
#
# usage: bench.sh [--prepare]
# --prepare only sets up the two worktrees (to look at what gets built).
. "$(dirname "$0")/lib.sh"

BENCH_SRC=$TOP/tests/bench/drm_gpuvm_bench.c
FRAG=$TOP/tests/bench/bench.config
OUT=$RESULTS/bench
[ "${BENCH_PATCHED:-}" != aa ] || OUT=$RESULTS/bench-aa
RUNS=${BENCH_RUNS:-5}
CPU=${BENCH_CPU:-0}
KERNELS="base patched"

# The worktree and the build directory of KERNEL (base or patched), the
# tree's own (lib.sh: tree_scratch, tree_build).
bench_wt() { tree_scratch "bench-$1"; }
bench_bdir() { tree_build "bench-$1"; }

# write_file FILE: write stdin to FILE unless FILE holds that already, so
# that an unchanged worktree keeps its time stamps and is not rebuilt.
write_file() {
	local tmp
	tmp=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX")
	cat >"$tmp"
	cmp -s "$tmp" "$1" || cat "$tmp" >"$1"
	rm -f "$tmp"
}

# aa_commit TREE BASE: the A/A control commit on BASE (see BENCH_PATCHED=aa),
# the same commit each time; prints it.
aa_commit() {
	local tree=$1 base=$2 f=drivers/gpu/drm/drm_gpuvm.c blob idx tree_id c
	blob=$(git -C "$tree" show "$base:$f" | awk '
		{ print }
		/^#include <linux\/mm.h>$/ && !done {
			print ""
			print "/* Bench A/A control: every function below moves by 80 bytes. */"
			print "void drm_gpuvm_bench_pad(void);"
			print "noinline void drm_gpuvm_bench_pad(void)"
			print "{"
			print "\tasm volatile(\".skip 80, 0x90\");"
			print "}"
			done = 1
		}
		END { if (!done) exit 1 }' | git -C "$tree" hash-object -w --stdin) ||
		die "BENCH_PATCHED=aa: $f of the base has no #include <linux/mm.h> to pad after"
	idx=$(mktemp "${TMPDIR:-/tmp}/bench-aa.XXXXXX")
	GIT_INDEX_FILE=$idx git -C "$tree" read-tree "$base"
	GIT_INDEX_FILE=$idx git -C "$tree" update-index --cacheinfo "100644,$blob,$f"
	tree_id=$(GIT_INDEX_FILE=$idx git -C "$tree" write-tree)
	rm -f "$idx"
	c=$(GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@invalid GIT_COMMITTER_NAME=bench \
		GIT_COMMITTER_EMAIL=bench@invalid GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' \
		GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git -C "$tree" commit-tree "$tree_id" -p "$base" \
		-m "bench A/A control: drm_gpuvm.c's code moved by 80 bytes")
	git -C "$tree" update-ref refs/gpuvm/bench-aa "$c"
	echo "$c"
}

# setup_worktree KERNEL REV: bench_wt KERNEL is a detached worktree of the
# tree at REV carrying the bench suite; prints its directory.
setup_worktree() {
	local kernel=$1 rev=$2 wt defs kconf h
	local tests=drivers/gpu/drm/tests kdebug=drivers/gpu/drm/Kconfig.debug

	wt=$(bench_wt "$kernel")
	# Only the files below may differ from REV; anything else is reset.
	worktree_at "$wt" "$rev" "$tests/Makefile" "$kdebug"

	cmp -s "$BENCH_SRC" "$wt/$tests/drm_gpuvm_bench.c" ||
		cp "$BENCH_SRC" "$wt/$tests/drm_gpuvm_bench.c"

	defs=
	if [ "$kernel" = patched ]; then
		defs=" -DGPUVM_BENCH_PATCHED"
		# The declarations, not mere mentions in comments.
		h=$wt/include/drm/drm_gpuvm.h
		grep -qE '^[[:space:]]*DRM_GPUVM_VA_WEAK_REF[[:space:]]*=' "$h" &&
			defs+=" -DGPUVM_BENCH_HAVE_WEAK_REF"
		grep -qE '[ *]drm_gpuva_alloc\(struct drm_gpuvm \*' "$h" &&
			grep -qE '^void drm_gpuva_unlink_defer_free\(' "$h" &&
			defs+=" -DGPUVM_BENCH_HAVE_DEFER_FREE"
	fi
	{
		git -C "$wt" show "$rev:$tests/Makefile"
		printf '\n# make bench (tests/bench of the series repository), never mailed\n'
		# shellcheck disable=SC2016 # a make variable, not a shell one
		printf 'obj-$(CONFIG_DRM_KUNIT_TEST) += drm_gpuvm_bench.o\n'
		[ -z "$defs" ] || printf 'CFLAGS_drm_gpuvm_bench.o +=%s\n' "$defs"
	} | write_file "$wt/$tests/Makefile"

	# DRM_GPUVM has no prompt: DRM_KUNIT_TEST selects it, unless the series
	# does so already.
	kconf=$(git -C "$wt" show "$rev:$kdebug")
	if ! awk '/^config /{b = ($2 == "DRM_KUNIT_TEST")} b && /^[ \t]+select DRM_GPUVM$/{f = 1} END{exit !f}' <<<"$kconf"; then
		kconf=$(awk '{print} /^config /{b = ($2 == "DRM_KUNIT_TEST")} b && /^[ \t]+select DRM_EXEC$/{print "\tselect DRM_GPUVM"}' <<<"$kconf")
		grep -q '^[[:space:]]*select DRM_GPUVM$' <<<"$kconf" ||
			die "cannot make DRM_KUNIT_TEST select DRM_GPUVM in $wt/$kdebug"
	fi
	printf '%s\n' "$kconf" | write_file "$wt/$kdebug"

	printf '%s\n' "$wt"
}

# build KERNEL: build the UML KUnit kernel of bench_wt KERNEL.
build() {
	local kernel=$1 wt bdir log=$OUT/build-$1.log stamp
	wt=$(bench_wt "$kernel")
	bdir=$(bench_bdir "$kernel")
	kunit_build_args "$FRAG"
	# The Makefile and Kconfig.debug edits are uncommitted changes of the
	# worktree; the suite is a file git does not track there.
	stamp=$(kunit_stamp "$wt" "$wt/drivers/gpu/drm/tests/drm_gpuvm_bench.c")
	if [ -x "$bdir/linux" ] && stamp_matches "$bdir/.bench-stamp" "$stamp"; then
		note "$kernel kernel unchanged: not rebuilt ($bdir)"
		return
	fi
	rm -f "$bdir/.bench-stamp"
	mkdir -p "$bdir"
	note "building the $kernel kernel in $bdir (log: $log)"
	(cd "$wt" && with_build_lock python3 tools/testing/kunit/kunit.py build "${KUNIT_BUILD[@]}" \
		--build_dir="$bdir") >"$log" 2>&1 ||
		die "$kernel kernel: build failed: $(kunit_first_error "$log" | grep . || tail -n 1 "$log") (full log: $log)"
	[ -x "$bdir/linux" ] || die "$kernel kernel: kunit.py built no $bdir/linux (log: $log)"
	echo "$stamp" >"$bdir/.bench-stamp"
}

# run_all: the alternating runs; called with the build lock held.
run_all() {
	local i kernel bdir
	for i in $(seq 1 "$RUNS"); do
		for kernel in $KERNELS; do
			bdir=$(bench_bdir "$kernel")
			note "run $i/$RUNS: $kernel"
			rm -f "$bdir/test.log"
			(cd "$(bench_wt "$kernel")" && taskset -c "$CPU" python3 tools/testing/kunit/kunit.py exec \
				--build_dir="$bdir" 'drm_gpuvm_bench*') >"$OUT/logs/$kernel-$i.out" 2>&1 ||
				die "$kernel kernel, run $i: the bench suite failed or crashed (see $OUT/logs/$kernel-$i.out)"
			[ -f "$bdir/test.log" ] || die "$kernel kernel, run $i: no kernel log $bdir/test.log"
			cp "$bdir/test.log" "$OUT/logs/$kernel-$i.log"
		done
	done
}

case $RUNS in
'' | *[!0-9]*) die "BENCH_RUNS=$RUNS is not a number" ;;
esac
[ "$RUNS" -ge 5 ] || die "BENCH_RUNS=$RUNS: at least 5 runs per kernel are needed"
taskset -c "$CPU" true 2>/dev/null || die "BENCH_CPU=$CPU is not a CPU this process may run on"
[ -f "$BENCH_SRC" ] || die "the bench suite $BENCH_SRC is missing"
command -v gnuplot >/dev/null || die "gnuplot is not installed (apt-get install gnuplot-nox)"

t0=$SECONDS
tree=$("$TOP/scripts/prepare-tree.sh")
base=$(tree_base)
if [ "${BENCH_PATCHED:-}" = aa ]; then
	patched=$(aa_commit "$tree" "$base")
elif [ -n "${BENCH_PATCHED:-}" ]; then
	patched=$(git -C "$tree" rev-parse -q --verify "$BENCH_PATCHED^{commit}") ||
		die "BENCH_PATCHED=$BENCH_PATCHED does not exist in $tree"
else
	"$TOP/scripts/apply.sh" "$tree"
	patched=$(git -C "$tree" rev-parse applied)
fi
[ "$patched" != "$base" ] ||
	note "warning: the patched kernel is the base itself (empty series?): expect ratios of 1"

mkdir -p "$OUT" "$BUILD_ROOT"
need_space "$BUILD_ROOT" 1024 "the bench builds"
setup_worktree base "$base" >/dev/null
setup_worktree patched "$patched" >/dev/null
defs=$(sed -n 's/^CFLAGS_drm_gpuvm_bench.o +=//p' "$(bench_wt patched)/drivers/gpu/drm/tests/Makefile")
note "base:    $(git -C "$tree" log -1 --format='%h %s' "$base")"
note "patched: $(git -C "$tree" log -1 --format='%h %s' "$patched") (bench defines:$defs)"
if [ "${1:-}" = --prepare ]; then
	echo "$(bench_wt base) $(bench_wt patched)"
	exit 0
fi

t1=$SECONDS
for kernel in $KERNELS; do
	build "$kernel"
done
t2=$SECONDS

rm -rf "$OUT/logs"
mkdir -p "$OUT/logs"
note "running each kernel $RUNS times, alternately, on CPU $CPU (build lock held)"
hold_build_lock
run_all
release_build_lock
t3=$SECONDS

logs=()
for i in $(seq 1 "$RUNS"); do
	for kernel in $KERNELS; do
		logs+=("$OUT/logs/$kernel-$i.log")
	done
done
python3 "$TOP/scripts/bench-report.py" --out "$OUT" --cpu "$CPU" \
	--base "$(git -C "$tree" log -1 --format='%h %s' "$base")" \
	--patched "$(git -C "$tree" log -1 --format='%h %s' "$patched")" "${logs[@]}"
echo "time: $((t3 - t0)) s in all: worktrees $((t1 - t0)) s, builds $((t2 - t1)) s, runs $((t3 - t2)) s"
