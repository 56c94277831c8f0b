#!/usr/bin/env bash
# `make bench-pipeline`: how long the pipeline itself takes, against
# kunit.py's own cold run measured in the same run.
#
#   cold        `make` in a copy of this repository with an empty cache of
#               its own: download, unpack, apply, build (empty ccache), run
#   warm        `make` again after editing one patch (a word of a comment
#               that the last patch adds to drm_gpuvm.c)
#   unchanged   `make` again with nothing changed
#   kunit.py    `kunit.py run` on the same applied tree, with the same
#               kunitconfigs (drivers/gpu/drm/tests + lib.sh's KUNIT_FRAGMENTS),
#               in an empty build directory, without ccache: what a
#               developer would type by hand
#
# Everything happens under $CACHE/pipeline (override with PIPELINE_DIR=),
# which is removed first and, after a complete run, unless PIPELINE_KEEP=1; the real
# cache, its trees and builds are not touched.  The whole run holds the
# build lock of the real cache, so that no other kernel build of this
# machine runs meanwhile.  About 20 to 30 minutes on 2 cores.
#
#   floor       after the warm make, the same edit once more and only what
#               the loop cannot do without: kbuild's make (the edited
#               objects and the link) and one kunit.py exec of the suites
#
# The goals: cold <= 1.3 x kunit.py's cold run plus download and unpack;
# warm <= 1.5 x the floor; unchanged <= 15 s.  The warm make is shown by
# part (run.sh's and kunit.sh's timings in summary.json).
. "$(dirname "$0")/lib.sh"

DIR=${PIPELINE_DIR:-$CACHE/pipeline}

ensure_cache
need_space "$CACHE" 12288 "the pipeline benchmark (a tree, two builds)"
note "pipeline benchmark in $DIR (waiting for the build lock)"
hold_build_lock

rm -rf "$DIR"
mkdir -p "$DIR/repo" "$DIR/results"

# A copy of this repository as it is now, committed or not.
tar -C "$TOP" --exclude=.git -cf - . | tar -C "$DIR/repo" -xf - ||
	die "cannot copy $TOP to $DIR/repo"

# timed NAME CMD...: run CMD with its output in $DIR/results/NAME.log,
# print its wall time in seconds.
timed() {
	local name=$1 t0 t1 rc=0
	shift
	t0=$(date +%s.%N)
	"$@" >"$DIR/results/$name.log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	[ "$rc" = 0 ] || die "$name: '$*' failed with status $rc (log: $DIR/results/$name.log)"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

pmake() {
	env -u KDIR -u BASE -u CCACHE_DIR -u CCACHE_BASEDIR -u RESULTS \
		CACHE="$DIR/cache" make -C "$DIR/repo" --no-print-directory "$@"
}

# passed NAME: the make just timed passed; its summary's data (run.sh's
# summary.json in the scratch cache) says so.
summary=$DIR/cache/results/summary.json
passed() {
	[ "$("$TOP/scripts/json-field.py" "$summary" verdict 2>/dev/null)" = PASS ] ||
		die "$1 make did not pass (log: $DIR/results/$1.log)"
}

note "1/5 cold make (empty cache: download, unpack, apply, build, run)"
cold=$(timed cold pmake)
passed cold
fetch=$("$TOP/scripts/json-field.py" "$summary" timings.base+apply) || exit 1

# One patch edited: a word of the first comment line that the last patch
# adds to drm_gpuvm.c.  The line count stays, so the hunk still applies.
# edit_patch FROM TO: the first such line with FROM gets TO instead.
last=$(series_files | tail -n 1)
[ -n "$last" ] || die "series is empty: nothing to edit"
p=$DIR/repo/patches/$last
edit_patch() {
	awk -v from=" $1 " -v to=" $2 " 'BEGIN { f = 0; done = 0 }
		/^diff --git / { f = ($0 ~ / b\/drivers\/gpu\/drm\/drm_gpuvm\.c$/) }
		f && !done && /^\+[ \t]*\*/ && index($0, from) { sub(from, to); done = 1 }
		{ print }
		END { exit !done }' "$p" >"$p.new" ||
		die "patches/$last adds no comment line with ' $1 ' to drm_gpuvm.c: nothing to edit"
	mv "$p.new" "$p"
}
edit_patch the this
note "2/5 warm make after editing patches/$last"
warm=$(timed warm pmake)
passed warm
# Its parts, from the summary's timings (run.sh, kunit.sh); the kmemleak
# and failslab boots run while the suites do, and only the wait for them
# after the suites adds to the loop.
part() { "$TOP/scripts/json-field.py" "$summary" "timings.$1" 2>/dev/null || echo 0; }
parts=()
for n in prepare apply build suites gpuvm-alone kmemleak kmemleak-wait; do parts+=("$n=$(part "$n")"); done

# The floor of the loop: the same edit again, applied; then only kbuild
# (the edited objects and the link, as kunit.py's make runs it) and one
# kunit.py exec of the suites, nothing else.
note "3/5 the floor: the same edit again, then only make and one boot of the suites"
edit_patch this that
pmake apply >"$DIR/results/floor-apply.log" 2>&1 || die "make apply failed (log: $DIR/results/floor-apply.log)"
tree=$DIR/cache/linux
fbdir=$DIR/cache/build/kunit-linux
[ -x "$fbdir/linux" ] || die "no KUnit build in $fbdir to measure the floor with"
kunit_build_args "${KUNIT_FRAGMENTS[@]}"
floor_make=$(cd "$tree" && timed floor-make env CCACHE_DIR="$DIR/cache/ccache" CCACHE_BASEDIR="$DIR/cache" \
	make ARCH=um O="$fbdir" --jobs="$(nproc)" "CC=$(kernel_cc)")
floor_boot=$(cd "$tree" && timed floor-boot python3 tools/testing/kunit/kunit.py exec --build_dir="$fbdir")

note "4/5 make with nothing changed (the edit of the floor is applied first)"
pmake >"$DIR/results/after-floor.log" 2>&1 || die "make after the floor failed (log: $DIR/results/after-floor.log)"
none=$(timed unchanged pmake)

note "5/5 kunit.py run, cold, without ccache, on the same tree"
tree=$DIR/cache/linux
kunit_build_args --no-ccache "${KUNIT_FRAGMENTS[@]}"
kunit_cold=$(cd "$tree" && timed kunit env -u CCACHE_DIR python3 tools/testing/kunit/kunit.py run \
	"${KUNIT_BUILD[@]}" --build_dir="$DIR/kunit-build")

awk -v cold="$cold" -v fetch="${fetch:-0}" -v warm="$warm" -v none="$none" -v k="$kunit_cold" \
	-v fmake="$floor_make" -v fboot="$floor_boot" -v parts="${parts[*]}" \
	-v cpus="$(nproc)" 'BEGIN {
	printf "\npipeline timings (%d CPUs, one run each)\n", cpus
	printf "  %-34s %8s  %s\n", "what", "seconds", "goal"
	printf "  %-34s %8.1f  %s\n", "kunit.py run, cold (reference)", k, "-"
	lim = 1.3 * k + fetch
	printf "  %-34s %8.1f  <= 1.3 x %.1f + %d (download, unpack, apply) = %.1f: %s\n",
		"make, cold", cold, k, fetch, lim, (cold <= lim ? "met" : "NOT met")
	floor = fmake + fboot
	printf "  %-34s %8.1f  <= 1.5 x the floor %.1f = %.1f (ratio %.2f): %s\n", "make, one patch edited",
		warm, floor, 1.5 * floor, warm / floor, (warm <= 1.5 * floor ? "met" : "NOT met")
	printf "  %-34s %8.1f  <= 15: %s\n", "make, nothing changed", none, (none <= 15 ? "met" : "NOT met")
	printf "\nthe edit loop: make after editing one patch, by part\n"
	n = split(parts, p, " ")
	sum = 0
	for (i = 1; i <= n; i++) {
		split(p[i], kv, "=")
		v[kv[1]] = kv[2]
	}
	printf "  %-34s %8.1f\n", "prepare (the tree and its base)", v["prepare"]
	printf "  %-34s %8.1f\n", "apply (git am, time stamps)", v["apply"]
	printf "  %-34s %8.1f\n", "build (make, or kunit.py build)", v["build"]
	printf "  %-34s %8.1f\n", "suites (kunit.py exec, all)", v["suites"]
	printf "  %-34s %8.1f  (beside the suites)\n", "drm_gpuvm suites alone", v["gpuvm-alone"]
	printf "  %-34s %8.1f  (%.1f, while the suites ran)\n", "wait for kmemleak/failslab boots", v["kmemleak-wait"], v["kmemleak"]
	sum = v["prepare"] + v["apply"] + v["build"] + v["suites"] + v["kmemleak-wait"]
	printf "  %-34s %8.1f\n", "rest (make, stamps, summary)", warm - sum
	printf "  %-34s %8.1f\n", "total", warm
	printf "the floor: make %.1f (edited objects, link) + one boot of the suites %.1f = %.1f\n", fmake, fboot, floor
}' >"$DIR/results/pipeline.txt"
mkdir -p "$RESULTS"
cp "$DIR/results/pipeline.txt" "$RESULTS/pipeline.txt"
cat "$RESULTS/pipeline.txt"
echo "(also in $RESULTS/pipeline.txt)"
# Kept on failure (die above) for its logs; removed after a complete run.
[ "${PIPELINE_KEEP:-0}" = 1 ] || rm -rf "$DIR"
