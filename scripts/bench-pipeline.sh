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
# The goals of the pipeline issue: cold <= 1.3 x kunit.py's cold run plus
# download and unpack; warm <= 45 s; unchanged <= 15 s.
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

note "1/4 cold make (empty cache: download, unpack, apply, build, run)"
cold=$(timed cold pmake)
passed cold
fetch=$("$TOP/scripts/json-field.py" "$summary" timings.base+apply) || exit 1

# One patch edited: a word of the first comment line that the last patch
# adds to drm_gpuvm.c.  The line count stays, so the hunk still applies.
last=$(series_files | tail -n 1)
[ -n "$last" ] || die "series is empty: nothing to edit"
p=$DIR/repo/patches/$last
awk 'BEGIN { f = 0; done = 0 }
	/^diff --git / { f = ($0 ~ / b\/drivers\/gpu\/drm\/drm_gpuvm\.c$/) }
	f && !done && /^\+[ \t]*\*.* the / { sub(/ the /, " this "); done = 1 }
	{ print }
	END { exit !done }' "$p" >"$p.new" ||
	die "patches/$last adds no comment line with ' the ' to drm_gpuvm.c: nothing to edit"
mv "$p.new" "$p"
note "2/4 warm make after editing patches/$last"
warm=$(timed warm pmake)
passed warm

note "3/4 make with nothing changed"
none=$(timed unchanged pmake)

note "4/4 kunit.py run, cold, without ccache, on the same tree"
tree=$DIR/cache/linux
kunit_build_args --no-ccache "${KUNIT_FRAGMENTS[@]}"
kunit_cold=$(cd "$tree" && timed kunit env -u CCACHE_DIR python3 tools/testing/kunit/kunit.py run \
	"${KUNIT_BUILD[@]}" --build_dir="$DIR/kunit-build")

awk -v cold="$cold" -v fetch="${fetch:-0}" -v warm="$warm" -v none="$none" -v k="$kunit_cold" \
	-v cpus="$(nproc)" 'BEGIN {
	printf "\npipeline timings (%d CPUs, one run each)\n", cpus
	printf "  %-34s %8s  %s\n", "what", "seconds", "goal"
	printf "  %-34s %8.1f  %s\n", "kunit.py run, cold (reference)", k, "-"
	lim = 1.3 * k + fetch
	printf "  %-34s %8.1f  <= 1.3 x %.1f + %d (download, unpack, apply) = %.1f: %s\n",
		"make, cold", cold, k, fetch, lim, (cold <= lim ? "met" : "NOT met")
	printf "  %-34s %8.1f  <= 45: %s\n", "make, one patch edited", warm, (warm <= 45 ? "met" : "NOT met")
	printf "  %-34s %8.1f  <= 15: %s\n", "make, nothing changed", none, (none <= 15 ? "met" : "NOT met")
}' >"$DIR/results/pipeline.txt"
mkdir -p "$RESULTS"
cp "$DIR/results/pipeline.txt" "$RESULTS/pipeline.txt"
cat "$RESULTS/pipeline.txt"
echo "(also in $RESULTS/pipeline.txt)"
# Kept on failure (die above) for its logs; removed after a complete run.
[ "${PIPELINE_KEEP:-0}" = 1 ] || rm -rf "$DIR"
