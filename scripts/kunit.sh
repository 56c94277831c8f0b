#!/usr/bin/env bash
# Build the KUnit kernel (ARCH=um) of the tree given as $1 and run the DRM
# KUnit suites in it: drivers/gpu/drm/tests/.kunitconfig plus this
# repository's fragments (lib.sh: KUNIT_FRAGMENTS, kunit/debug.config and
# kunit/failslab.config).  The build directory is kept between runs and
# ccache is used when present.  When neither the tree (committed or not)
# nor the configuration changed since the last good build, the kernel is
# only run again (kunit.py exec).
#
# Results: $RESULTS/kunit.json (kunit.py --json), $RESULTS/kunit.out (the
# kunit.py output) and $RESULTS/test.log (the raw kernel log).  When the
# tree has the drm_gpuvm suites and no filter is given, the same kernel boots
# once more with only them, at the same time as the main run when the
# kernel was built already: $RESULTS/kunit-gpuvm.json and test-gpuvm.log
# (see summary.py --alone; an upstream suite turns lockdep off before ours).
# $RESULTS/kunit-times gets the seconds of each part, NAME=SECONDS a line
# (build, suites, gpuvm-alone), for run.sh's summary.
. "$(dirname "$0")/lib.sh"

build_only=0
if [ "${1:-}" = --build-only ]; then
	build_only=1
	shift
fi
tree=${1:?usage: kunit.sh [--build-only] TREE}
bdir=$(build_dir)
mkdir -p "$bdir" "$RESULTS"
need_space "$BUILD_ROOT" 1024 "the KUnit build"
[ $build_only = 1 ] || rm -f "$RESULTS/kunit.json" "$RESULTS/test.log" "$RESULTS/kunit.out" \
	"$RESULTS/kunit-gpuvm.json" "$RESULTS/test-gpuvm.log" "$RESULTS/kunit-gpuvm.out"
times=$RESULTS/kunit-times
[ $build_only = 0 ] || rm -f "$times"

cd "$tree" || die "cannot enter $tree"
# What kunit.py needs to configure and build, for both build and run.
kunit_build_args "${KUNIT_FRAGMENTS[@]}"
build=("${KUNIT_BUILD[@]}")
stamp=$(kunit_stamp .)
common=(--build_dir="$bdir" --json="$RESULTS/kunit.json")
[ -n "${KUNIT_FILTER:-}" ] && common+=("$KUNIT_FILTER")
built=0
if [ -x "$bdir/linux" ] && stamp_matches "$bdir/.gpuvm-stamp" "$stamp"; then
	built=1
else
	rm -f "$bdir/.gpuvm-stamp"
fi

if [ $build_only = 1 ]; then
	# Only build (run.sh then boots it for kmemleak while kunit.sh runs it).
	[ $built = 1 ] && exit 0
	t0=$(now)
	cstamp=$(kunit_config_stamp .)
	fast=0
	if [ -x "$bdir/linux" ] && stamp_matches "$bdir/.gpuvm-config-stamp" "$cstamp" &&
		[ "$(sed -n 2p "$bdir/.gpuvm-config-stamp")" = "$(content_stamp <"$bdir/.config")" ]; then
		# The configuration kunit.py made and checked last time still
		# holds: kbuild's make alone, without kunit.py's olddefconfig,
		# compile_commands.json and scripts_gdb (7 s of the edit loop).
		# Should make's own syncconfig change the .config all the same,
		# kunit.py configures, checks and builds again.
		note "kunit: configuration unchanged, make in $bdir"
		kunit_make_args
		with_build_lock make "${KUNIT_MAKE[@]}" O="$bdir" >"$RESULTS/kunit-build.out" 2>&1 ||
			die "KUnit build failed: $(kunit_first_error "$RESULTS/kunit-build.out") (full log: $RESULTS/kunit-build.out)"
		[ "$(sed -n 2p "$bdir/.gpuvm-config-stamp")" = "$(content_stamp <"$bdir/.config")" ] && fast=1 ||
			note "kunit: make changed the .config: kunit.py configures and checks it again"
	fi
	if [ $fast = 0 ]; then
		rm -f "$bdir/.gpuvm-config-stamp"
		note "kunit: building in $bdir"
		with_build_lock python3 tools/testing/kunit/kunit.py build "${build[@]}" --build_dir="$bdir" \
			>"$RESULTS/kunit-build.out" 2>&1 ||
			die "KUnit build failed: $(kunit_first_error "$RESULTS/kunit-build.out") (full log: $RESULTS/kunit-build.out)"
		printf '%s\n%s\n' "$cstamp" "$(content_stamp <"$bdir/.config")" >"$bdir/.gpuvm-config-stamp"
	fi
	echo "$stamp" >"$bdir/.gpuvm-stamp"
	echo "build=$(elapsed "$t0")" >>"$times"
	exit 0
fi
if [ $built = 1 ]; then
	note "kernel unchanged since the last build: running it again"
	cmd=(python3 tools/testing/kunit/kunit.py exec "${common[@]}")
else
	cmd=(python3 tools/testing/kunit/kunit.py run "${build[@]}" "${common[@]}")
	rm -f "$bdir/.gpuvm-config-stamp"
	cstamp=$(kunit_config_stamp .)
fi

# The drm_gpuvm suites alone: the same kernel booted straight, as kunit.py
# boots UML (its arguments, with the filter), and its log parsed by
# kunit.py parse.  It needs no kunit.py exec of its own, which would share
# the build directory's test.log, so it boots while the main run runs,
# on the other CPU, when the kernel is already built.
alone=0
[ -z "${KUNIT_FILTER:-}" ] && [ -f drivers/gpu/drm/tests/drm_gpuvm_test.c ] && alone=1
alone_boot() {
	local a0 rc
	a0=$(now)
	rc=$(boot_gpuvm_alone 900 "$bdir" "$RESULTS/test-gpuvm.log" "$RESULTS/kunit-gpuvm.json" \
		"$RESULTS/kunit-gpuvm.out")
	echo "gpuvm-alone=$(elapsed "$a0")" >>"$times"
	echo "$rc" >"$RESULTS/kunit-gpuvm.rc"
}
apid=
beside=0
rm -f "$RESULTS/kunit-gpuvm.rc"
if [ $alone = 1 ] && [ $built = 1 ]; then
	beside=1
	alone_boot &
	apid=$!
	# An early exit takes the boot with it: it would write into the
	# results of the next run.
	trap '[ -z "$apid" ] || pkill -P "$apid" 2>/dev/null; [ -z "$apid" ] || kill "$apid" 2>/dev/null; true' EXIT
fi

note "kunit: ${cmd[*]}"
rc=0
t0=$(now)
if [ "${cmd[2]}" = exec ]; then
	# Only runs the kernel of this tree's own build directory: no build lock.
	"${cmd[@]}" >"$RESULTS/kunit.out" 2>&1 || rc=$?
else
	with_build_lock "${cmd[@]}" >"$RESULTS/kunit.out" 2>&1 || rc=$?
fi
[ -f "$bdir/test.log" ] && cp "$bdir/test.log" "$RESULTS/test.log"
# kunit.py run builds and runs: its time is the build's and the suites'.
if [ "${cmd[2]}" = exec ]; then echo "suites=$(elapsed "$t0")"; else echo "build+suites=$(elapsed "$t0")"; fi >>"$times"
[ -z "$apid" ] || wait "$apid" || true
apid=

if [ ! -f "$RESULTS/kunit.json" ]; then
	# kunit.py stopped before running anything: configuration or build.
	first=$(kunit_first_error "$RESULTS/kunit.out")
	die "KUnit build failed: ${first:-kunit.py exited with $rc} (full log: $RESULTS/kunit.out)"
fi
if [ "${cmd[2]}" = run ] && [ -x "$bdir/linux" ]; then
	echo "$stamp" >"$bdir/.gpuvm-stamp"
	printf '%s\n%s\n' "$cstamp" "$(content_stamp <"$bdir/.config")" >"$bdir/.gpuvm-config-stamp"
fi

if [ $alone = 1 ]; then
	[ $beside = 1 ] || alone_boot
	[ -f "$RESULTS/kunit-gpuvm.json" ] ||
		die "the drm_gpuvm suites did not run alone (kernel exit $(cat "$RESULTS/kunit-gpuvm.rc" 2>/dev/null || echo '?')): $(tail -n 1 "$RESULTS/kunit-gpuvm.out") (log: $RESULTS/test-gpuvm.log)"
fi
exit 0
