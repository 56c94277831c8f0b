#!/usr/bin/env bash
# Tests of the pipeline scripts against small fixture trees: a fake kernel
# git repository (the few files the scripts look at, and a stand-in
# tools/testing/kunit/kunit.py) and a copy of this repository's scripts with
# its own patches/ and series.  No real kernel is needed.
#
# usage: run.sh --list | run.sh NAME
# Exit status: 0 passed, 77 skipped (the last line says why), else failed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

fail() {
	echo "error: $*"
	exit 1
}

# skip REASON: the test cannot run here (exit 77); check.sh shows SKIP and
# does not count it as failed.
skip() {
	echo "skip: $*"
	exit 77
}

# expect_error REGEX: the command's stderr ($err) has exactly one error
# line, and it matches REGEX; the exit status ($rc) is non-zero.
expect_error() {
	[ "$rc" != 0 ] || fail "expected failure, got exit 0"
	local n
	n=$(grep -c '^error: ' <<<"$err")
	[ "$n" = 1 ] || fail "expected one error line, got $n: $err"
	grep -q -E "^error: .*$1" <<<"$err" || fail "error line does not match '$1': $(grep '^error: ' <<<"$err")"
}

# run_script NAME ARGS...: run one of the copied scripts, capture stderr.
run_script() {
	local s=$1
	shift
	out=$(CACHE=$T/cache "$T/top/scripts/$s" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
}

T=$(mktemp -d)
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT
# Nothing of the caller's environment reaches the scripts under test: not
# its tree, base, cache or results (make exports KDIR, BASE and CACHE), not
# the tuning variables of the targets, not its git or make configuration.
unset KDIR BASE RESULTS WORK XDG_CACHE_HOME CCACHE_DIR CCACHE_BASEDIR DEBIAN_MIRROR \
	LLVM_VERSION KUNIT_FILTER KMEMLEAK_REUSE KEEP_TMP FAKE_KUNIT FIXTURE_LOG \
	BENCH_RUNS BENCH_CPU BENCH_PATCHED PIPELINE_DIR PIPELINE_KEEP \
	MAKEFLAGS MFLAGS MAKELEVEL GIT_DIR GIT_WORK_TREE SIGNOFF GIT_CONFIG_COUNT \
	FAKE_BUILD FAKE_TEST_LOG FAKE_BOOT RUST_WARN FAKE_SYNCCONFIG
export CACHE=$T/cache GIT_CONFIG_GLOBAL=$T/gitconfig GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.org

# A fake kernel tree with one commit; FAKE_KUNIT selects what its kunit.py
# does.  Its Makefile and the tools of its scripts/ are stand-ins
# (fake-kernel/) that record where they ran in $FIXTURE_LOG.
make_kernel() {
	local d=$1
	mkdir -p "$d/drivers/gpu/drm/tests" "$d/include/drm" "$d/tools/testing/kunit"
	cp -r "$HERE/fake-kernel/." "$d/"
	printf '/* drm_gpuvm */\nint a;\nint b;\nint c;\n' >"$d/drivers/gpu/drm/drm_gpuvm.c"
	printf '/* drm_gpuvm.h */\n' >"$d/include/drm/drm_gpuvm.h"
	printf 'CONFIG_KUNIT=y\n' >"$d/drivers/gpu/drm/tests/.kunitconfig"
	cp "$HERE/fake-kunit.py" "$d/tools/testing/kunit/kunit.py"
	git -C "$d" init -q -b master
	git -C "$d" add -A
	git -C "$d" commit -q -m base
}

# The repository's scripts with a series of one patch made against $1.
make_top() {
	local k=$1
	mkdir -p "$T/top/patches"
	cp -r "$REPO/scripts" "$REPO/kunit" "$T/top/"
	git -C "$k" checkout -q -b tmp
	sed -i 's/int b;/int b = 1;/' "$k/drivers/gpu/drm/drm_gpuvm.c"
	git -C "$k" commit -q -a -m 'drm/gpuvm: set b'
	git -C "$k" format-patch -q -o "$T/top/patches" master..tmp
	git -C "$k" checkout -q master
	git -C "$k" branch -q -D tmp
	(cd "$T/top/patches" && ls) >"$T/top/series"
}

# Snapshot of everything of the user's repository the scripts must not touch.
user_state() {
	git -C "$1" rev-parse HEAD
	git -C "$1" for-each-ref
	git -C "$1" status --porcelain
	git -C "$1" worktree list --porcelain
	git -C "$1" diff
}

setup() {
	make_kernel "$T/k"
	make_top "$T/k"
	export KDIR=$T/k
}

t_kdir_not_git() {
	setup
	mkdir "$T/plain"
	KDIR=$T/plain run_script prepare-tree.sh
	expect_error "KDIR=.* is not a kernel git tree"
}

t_kdir_not_kernel() {
	setup
	git init -q "$T/other"
	echo x >"$T/other/x" && git -C "$T/other" add x && git -C "$T/other" commit -q -m x
	KDIR=$T/other run_script prepare-tree.sh
	expect_error "KDIR=.* is not a kernel git tree"
}

t_base_missing() {
	setup
	BASE=no-such-rev run_script prepare-tree.sh
	expect_error "BASE=no-such-rev does not exist"
}

t_series_missing_file() {
	setup
	echo 0002-missing.patch >>"$T/top/series"
	run_script apply.sh "$T/k"
	expect_error "series names patches/0002-missing.patch, which does not exist"
}

t_patch_not_mail() {
	setup
	printf 'just some text\n' >"$T/top/patches/0002-text.patch"
	echo 0002-text.patch >>"$T/top/series"
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	before=$(git -C "$tree" rev-parse HEAD)
	run_script apply.sh "$tree"
	expect_error "patches/0002-text.patch is not a mail-format patch"
	[ "$(git -C "$tree" rev-parse HEAD)" = "$before" ] || fail "the tree moved"
}

t_patch_unlisted() {
	setup
	cp "$T/top/patches/0001-drm-gpuvm-set-b.patch" "$T/top/patches/0009-stray.patch"
	run_script apply.sh "$T/k"
	expect_error "patches/0009-stray.patch is not named in series"
}

# A patch that does not apply: named, hunk shown, am aborted, base kept,
# and the user's repository untouched.
t_patch_does_not_apply() {
	setup
	sed -i 's/int b;/int bb;/' "$T/k/drivers/gpu/drm/drm_gpuvm.c"
	git -C "$T/k" commit -q -a -m 'upstream moved on'
	echo 'local edit' >>"$T/k/Makefile"
	state=$(user_state "$T/k")
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	run_script apply.sh "$tree"
	expect_error "patch 0001-drm-gpuvm-set-b.patch does not apply"
	grep -q 'while searching for' <<<"$err" || fail "failing hunk not shown: $err"
	grep -q 'int b;' <<<"$err" || fail "hunk lines not shown: $err"
	[ ! -d "$tree/.git/rebase-apply" ] || fail "git am was not aborted"
	[ "$(git -C "$tree" rev-parse HEAD)" = "$(git -C "$T/k" rev-parse HEAD)" ] || fail "tree not back at the base"
	[ -z "$(git -C "$tree" status --porcelain -uno)" ] || fail "tree left dirty"
	[ "$(user_state "$T/k")" = "$state" ] || fail "the user's repository was touched"
}

# The good path on a user's tree: applied in a scratch clone, at BASE, with
# the user's branch, index and uncommitted edits left alone.
t_kdir_applies_untouched() {
	setup
	git -C "$T/k" checkout -q -b mybranch
	echo 'local edit' >>"$T/k/Makefile"
	state=$(user_state "$T/k")
	tree=$(CACHE=$T/cache BASE=master "$T/top/scripts/prepare-tree.sh") || fail "prepare-tree failed"
	[ "$tree" != "$T/k" ] || fail "worked in the user's tree"
	run_script apply.sh "$tree"
	[ "$rc" = 0 ] || fail "apply failed: $err"
	grep -q 'int b = 1;' "$tree/drivers/gpu/drm/drm_gpuvm.c" || fail "patch not applied"
	[ "$(git -C "$tree" log -1 --format=%s)" = 'drm/gpuvm: set b' ] || fail "no commit for the patch"
	[ "$(user_state "$T/k")" = "$state" ] || fail "the user's repository was touched"
}

t_cache_not_writable() {
	setup
	out=$(CACHE=/proc/no-such-dir/cache "$T/top/scripts/prepare-tree.sh" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	expect_error "cache directory /proc/no-such-dir/cache cannot be created"
}

t_disk_full() {
	setup
	[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
	mkdir -p "$T/small"
	mount -t tmpfs -o size=1m tmpfs "$T/small" 2>"$T/err" || fail "cannot mount a small tmpfs as root: $(cat "$T/err")"
	unset KDIR
	out=$(CACHE=$T/small/cache DEBIAN_MIRROR=file:///nowhere "$T/top/scripts/fetch-base.sh" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	expect_error "disk full: the base tree .* needs [0-9]+ MiB"
	[ ! -e "$T/small/cache/linux" ] || fail "half-made base left behind"
}

# Stand-ins for apt-get and apt-cache, so that no network is used.
stub_apt() {
	mkdir -p "$T/bin"
	cat >"$T/bin/apt-get" <<STUB
#!/bin/sh
case "\$*" in
*" update") [ "$1" = update-fails ] && { echo "E: Failed to fetch file:///nowhere/dists/trixie-backports/InRelease"; exit 100; }; exit 0 ;;
*) exit 0 ;;
esac
STUB
	printf '#!/bin/sh\nexit 100\n' >"$T/bin/apt-cache"
	chmod +x "$T/bin/apt-get" "$T/bin/apt-cache"
}

t_download_fails() {
	setup
	unset KDIR
	stub_apt update-fails
	out=$(PATH=$T/bin:$PATH CACHE=$T/cache DEBIAN_MIRROR=file:///nowhere "$T/top/scripts/fetch-base.sh" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	expect_error "Debian download failed: .*Failed to fetch"
	[ ! -e "$T/cache/linux" ] || fail "half-made base left behind"
}

t_archive_lacks_package() {
	setup
	unset KDIR
	stub_apt update-works
	out=$(PATH=$T/bin:$PATH CACHE=$T/cache DEBIAN_MIRROR=file:///nowhere "$T/top/scripts/fetch-base.sh" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	expect_error "the Debian archive file:///nowhere trixie-backports has no linux-source-7.3"
}

# A compiler error: the first one is named, not 500 lines of make output.
t_build_fails() {
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	FAKE_KUNIT=builderror run_script kunit.sh "$tree"
	expect_error "KUnit build failed: .*drm_gpuvm.c:3:5: error: first problem"
	[ "$(wc -l <<<"$err")" -le 3 ] || fail "too much output: $(wc -l <<<"$err") lines"
	grep -q 'second problem' <<<"$err" && fail "more than the first error shown"
	true
}

# The summary fails a run with a splat in the log even when every test passed.
t_summary_splat_fails() {
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	FAKE_KUNIT=splat run_script kunit.sh "$tree"
	[ "$rc" = 0 ] || fail "kunit.sh failed: $err"
	out=$("$T/top/scripts/summary.py" "$T/cache/results/kunit.json" "$T/cache/results/test.log" --require-gpuvm)
	rc=$?
	[ "$rc" != 0 ] || fail "summary passed a run with a KASAN splat"
	grep -q '\[KASAN\] -: BUG: KASAN: slab-use-after-free' <<<"$out" || fail "splat not named: $out"
	grep -q 'drm_gpuvm .* 3 .* 0 ' <<<"$out" || fail "suite line missing: $out"
}

t_summary_clean_passes() {
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	FAKE_KUNIT=ok run_script kunit.sh "$tree"
	[ "$rc" = 0 ] || fail "kunit.sh failed: $err"
	out=$("$T/top/scripts/summary.py" "$T/cache/results/kunit.json" "$T/cache/results/test.log" --require-gpuvm)
	rc=$?
	[ "$rc" = 0 ] || fail "summary failed a clean run: $out"
	head -n 3 <<<"$out" | grep -q '^  drm_gpuvm ' || fail "drm_gpuvm not listed first: $out"
	grep -q 'RESULT: PASS (drm_gpuvm 3/3 passed, upstream DRM 2/2 passed' <<<"$out" || fail "bad result line: $out"
}

t_summary_skip_fails() {
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	FAKE_KUNIT=skip run_script kunit.sh "$tree"
	out=$("$T/top/scripts/summary.py" "$T/cache/results/kunit.json" "$T/cache/results/test.log" --require-gpuvm)
	rc=$?
	[ "$rc" != 0 ] || fail "summary passed a run with a skipped drm_gpuvm case"
	grep -q 'drm_gpuvm case(s) skipped' <<<"$out" || fail "skip not named: $out"
}

# A splat the base already prints in a peer suite is reported but not
# counted; the same splat inside a drm_gpuvm suite fails the run.
t_summary_known_peer_splat() {
	cat >"$T/r.json" <<'J'
{"name": "KUnit Test Group", "test_cases": [], "sub_groups": [
 {"name": "drm_gpuvm", "sub_groups": [], "test_cases": [{"name": "a", "status": "PASS"}],
  "misc": {"passed": 1, "failed": 0, "crashed": 0, "skipped": 0, "errors": 0}},
 {"name": "drm_framebuffer", "sub_groups": [], "test_cases": [{"name": "b", "status": "PASS"}],
  "misc": {"passed": 1, "failed": 0, "crashed": 0, "skipped": 0, "errors": 0}}]}
J
	printf '%s\n' '    # Subtest: drm_framebuffer' \
		'WARNING: drivers/gpu/drm/drm_framebuffer.c:833 at drm_framebuffer_free+0x167/0x230, CPU#0: kunit_try_catch/988' \
		'ok 2 drm_framebuffer' >"$T/peer.log"
	printf '%s\n' '    # Subtest: drm_gpuvm' \
		'WARNING: drivers/gpu/drm/drm_framebuffer.c:833 at drm_framebuffer_free+0x167/0x230, CPU#0: kunit_try_catch/988' \
		'ok 1 drm_gpuvm' >"$T/ours.log"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/peer.log" --known "$REPO/kunit/upstream-splats") ||
		fail "a known upstream splat failed the run: $out"
	grep -q '1 splat(s) of upstream peer suites' <<<"$out" || fail "known splat not reported: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/ours.log" --known "$REPO/kunit/upstream-splats") &&
		fail "a splat in drm_gpuvm passed: $out"
	grep -q 'line 2: \[WARNING\] drm_gpuvm: WARNING: drivers/gpu/drm/drm_framebuffer.c:833' <<<"$out" ||
		fail "splat not named with its suite: $out"
}

# The kmemleak/failslab boot is part of the verdict: its summary line is
# shown, its failure fails the run, and no result at all fails too.  The
# results are kmemleak.py's JSON.
t_summary_kmemleak() {
	cat >"$T/r.json" <<'J'
{"name": "KUnit Test Group", "test_cases": [], "sub_groups": [
 {"name": "drm_gpuvm", "sub_groups": [], "test_cases": [{"name": "a", "status": "PASS"}],
  "misc": {"passed": 1, "failed": 0, "crashed": 0, "skipped": 0, "errors": 0}}]}
J
	printf 'ok 1 drm_gpuvm\n' >"$T/t.log"
	cat >"$T/ok.json" <<'J'
{"version": 1, "function": "drm_gpuva_sm_step", "leakcheck": true, "reused": false,
 "verdict": "PASS", "error": null, "failure": null,
 "boot": {"ok_results": 1, "objects": 0, "upstream_objects": 0, "our_objects": 0},
 "sites": [{"site": 1, "address": "0x1", "injected": 10, "leaked": 0}]}
J
	sed 's/"ok_results": 1/"ok_results": 2/' "$T/ok.json" >"$T/more.json"
	cat >"$T/leak.json" <<'J'
{"version": 1, "function": "drm_gpuva_sm_step", "leakcheck": true, "reused": false,
 "verdict": "FAIL", "failure": {"stage": "site-3", "kind": "leak"},
 "error": "kmemleak: site 3 (0x1): 16 objects allocated under drm_gpuva_sm_step or *_ops_create() leaked after 17 injected failures (log: x)",
 "boot": {"ok_results": 1}, "sites": []}
J
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/ok.json") ||
		fail "a clean kmemleak boot failed the run: $out"
	grep -q '^kmemleak: 0 unreferenced objects of ours after the 1 boot results (0 of upstream tests.*site 1: 10 failed, 0 leaked$' <<<"$out" ||
		fail "kmemleak line not shown: $out"
	grep -q 'no splat, no leak)$' <<<"$out" || fail "bad result line: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/more.json") &&
		fail "a kmemleak boot with other KUnit results passed the run: $out"
	grep -q 'FAIL: kmemleak: 2 KUnit results ok in its boot, 1 in' <<<"$out" || fail "count mismatch not named: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/leak.json") &&
		fail "a leak passed the run: $out"
	grep -q '^FAIL: kmemleak: site 3 (0x1): 16 objects' <<<"$out" || fail "leak not named: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/none.json") &&
		fail "a missing kmemleak result passed the run: $out"
	grep -q 'kmemleak: no result in' <<<"$out" || fail "missing result not named: $out"
}

# Nothing changed: the second run neither re-applies nor rebuilds.
t_nothing_changed_is_cached() {
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	FAKE_KUNIT=ok run_script kunit.sh "$tree"
	run_script apply.sh "$tree"
	grep -q 'already applied' <<<"$err" || fail "series applied again: $err"
	FAKE_KUNIT=ok run_script kunit.sh "$tree"
	grep -q 'running it again' <<<"$err" || fail "kernel rebuilt: $err"
	grep -q 'kunit.py exec' <<<"$err" || fail "not kunit.py exec: $err"
}

# Export is stable: exporting the same commits twice gives the same bytes,
# and the drift check notices a hand-edited patch.
# kunit.sh --build-only: kunit.py build the first time; kbuild's make alone
# while the configuration (kunitconfigs, Kconfig files) stays the same;
# kunit.py build again when a Kconfig file or a fragment changes.
t_build_make_when_config_unchanged() {
	local tree
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	printf 'config DRM_GPUVM\n\ttristate\n' >"$tree/drivers/gpu/drm/Kconfig"
	git -C "$tree" add drivers/gpu/drm/Kconfig && git -C "$tree" commit -q -m Kconfig
	export FIXTURE_LOG=$T/calls.log
	builds() { grep -c "^kunit.py .*args=build " "$T/calls.log"; }
	makes() { grep -c "^make .*args=all ARCH=um CC=ccache gcc\|^make .*args=all ARCH=um CC=gcc" "$T/calls.log"; }
	FAKE_KUNIT=ok run_script kunit.sh --build-only "$tree"
	[ "$rc" = 0 ] && [ "$(builds)" = 1 ] || fail "first build not through kunit.py build: $err"
	echo '/* edit */' >>"$tree/drivers/gpu/drm/drm_gpuvm.c"
	FAKE_KUNIT=ok run_script kunit.sh --build-only "$tree"
	[ "$rc" = 0 ] || fail "second build failed: $err"
	grep -q 'configuration unchanged, make in' <<<"$err" || fail "not make alone: $err"
	[ "$(builds)" = 1 ] && [ "$(makes)" = 1 ] || fail "kunit.py build $(builds), make $(makes) times"
	echo '	default y' >>"$tree/drivers/gpu/drm/Kconfig"
	FAKE_KUNIT=ok run_script kunit.sh --build-only "$tree"
	[ "$(builds)" = 2 ] && [ "$(makes)" = 1 ] || fail "a changed Kconfig did not go through kunit.py: $err"
	echo 'CONFIG_FIXTURE_MORE=y' >>"$T/top/kunit/debug.config"
	echo '/* edit */' >>"$tree/drivers/gpu/drm/drm_gpuvm.c"
	FAKE_KUNIT=ok run_script kunit.sh --build-only "$tree"
	[ "$(builds)" = 3 ] && [ "$(makes)" = 1 ] || fail "a changed fragment did not go through kunit.py: $err"
	# kbuild's own syncconfig changed the .config under make: kunit.py
	# configures and checks it again.
	echo '/* edit */' >>"$tree/drivers/gpu/drm/drm_gpuvm.c"
	FAKE_SYNCCONFIG=1 FAKE_KUNIT=ok run_script kunit.sh --build-only "$tree"
	[ "$rc" = 0 ] && [ "$(makes)" = 2 ] && [ "$(builds)" = 4 ] ||
		fail "a .config changed by make was not checked by kunit.py: make $(makes), kunit.py build $(builds): $err"
	grep -q 'make changed the .config' <<<"$err" || fail "no note: $err"
}

# The drm_gpuvm suites alone boot exactly once, beside the main run when
# the kernel is built, after it otherwise, and give kunit-gpuvm.json.
t_gpuvm_alone_boots_once() {
	local tree bdir
	setup
	tree=$(CACHE=$T/cache "$T/top/scripts/prepare-tree.sh")
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$tree" 2>/dev/null || fail "apply failed"
	echo '/* suite */' >"$tree/drivers/gpu/drm/tests/drm_gpuvm_test.c"
	git -C "$tree" add drivers/gpu/drm/tests/drm_gpuvm_test.c && git -C "$tree" commit -q -m suite
	bdir=$(CACHE=$T/cache bash -c '. "$1/scripts/lib.sh"; KDIR=$2 build_dir' _ "$T/top" "$KDIR")
	mkdir -p "$T/build"
	printf '#!/bin/sh\necho "$*" >>%s\necho "ok 1 drm_gpuvm"\n' "$T/boots" >"$T/build/linux"
	chmod +x "$T/build/linux"
	export FAKE_BUILD=$T/build
	FAKE_KUNIT=ok run_script kunit.sh "$tree"
	[ "$rc" = 0 ] || fail "kunit.sh (build and run) failed: $err"
	[ "$(grep -c 'kunit.filter_glob=drm_gpuvm\*' "$T/boots")" = 1 ] || fail "alone boots after a build: $(cat "$T/boots")"
	[ -f "$T/cache/results/kunit-gpuvm.json" ] || fail "no kunit-gpuvm.json"
	: >"$T/boots"
	FAKE_KUNIT=ok run_script kunit.sh "$tree"
	[ "$rc" = 0 ] || fail "kunit.sh (built kernel) failed: $err"
	grep -q 'running it again' <<<"$err" || fail "kernel rebuilt: $err"
	[ "$(grep -c 'kunit.filter_glob=drm_gpuvm\*' "$T/boots")" = 1 ] || fail "alone boots beside the run: $(cat "$T/boots")"
	[ -f "$T/cache/results/kunit-gpuvm.json" ] || fail "no kunit-gpuvm.json"
	[ -x "$bdir/linux" ] || fail "no kernel in $bdir"
}

t_export_stable_and_drift() {
	setup
	unset KDIR
	make_kernel "$T/cache/linux"
	git -C "$T/cache/linux" tag gpuvm-base
	(cd "$T/top" && rm -f patches/* && CACHE=$T/cache scripts/apply.sh "$T/cache/linux" 2>/dev/null)
	git -C "$T/cache/linux" checkout -q -b work gpuvm-base
	sed -i 's/int c;/int c = 3;/' "$T/cache/linux/drivers/gpu/drm/drm_gpuvm.c"
	git -C "$T/cache/linux" commit -q -a -m 'drm/gpuvm: set c'
	CACHE=$T/cache "$T/top/scripts/export.sh" work "$T/top" >/dev/null 2>"$T/err" || fail "export: $(cat "$T/err")"
	cp -r "$T/top/patches" "$T/first"
	sleep 1
	git -C "$T/cache/linux" commit -q --amend --no-edit --reset-author
	git -C "$T/cache/linux" commit -q --amend --no-edit --date='2001-01-01T00:00:00Z'
	git -C "$T/cache/linux" commit -q --amend --no-edit --date='2001-01-01T00:00:00Z'
	CACHE=$T/cache "$T/top/scripts/export.sh" work "$T/top" >/dev/null 2>&1
	CACHE=$T/cache "$T/top/scripts/export.sh" work "$T/second" >/dev/null 2>&1
	diff -r -q "$T/top/patches" "$T/second/patches" >/dev/null || fail "two exports of the same commits differ"
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$T/cache/linux" 2>/dev/null || fail "apply of the export failed"
	run_script check-drift.sh
	[ "$rc" = 0 ] || fail "drift reported on a fresh export: $err"
	sed -i 's/set c/set C/' "$T/top/patches/0001-drm-gpuvm-set-c.patch"
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$T/cache/linux" 2>/dev/null || fail "apply failed"
	run_script check-drift.sh
	expect_error "drift: "
}

# two_patch_series: a fixture tree at gpuvm-base and a series of two
# patches (0001 sets b in drm_gpuvm.c, 0002 declares h in drm_gpuvm.h),
# applied once.
two_patch_series() {
	setup
	unset KDIR
	make_kernel "$T/cache/linux"
	git -C "$T/cache/linux" tag gpuvm-base
	git -C "$T/cache/linux" checkout -q -b tmp
	sed -i 's/int b;/int b = 1;/' "$T/cache/linux/drivers/gpu/drm/drm_gpuvm.c"
	git -C "$T/cache/linux" commit -q -a -m 'drm/gpuvm: set b'
	printf '/* drm_gpuvm.h */\nint h;\n' >"$T/cache/linux/include/drm/drm_gpuvm.h"
	git -C "$T/cache/linux" commit -q -a -m 'drm/gpuvm: declare h'
	rm -f "$T/top/patches/"*
	git -C "$T/cache/linux" format-patch -q -o "$T/top/patches" gpuvm-base..tmp
	git -C "$T/cache/linux" checkout -q master
	(cd "$T/top/patches" && ls) >"$T/top/series"
	run_script apply.sh "$T/cache/linux"
	[ "$rc" = 0 ] || fail "apply failed: $err"
}

# Re-applying after one patch changed gives the files that kept their
# contents their old time stamps back, so that make rebuilds only the rest.
t_reapply_keeps_timestamps() {
	two_patch_series
	c=$T/cache/linux/drivers/gpu/drm/drm_gpuvm.c
	h=$T/cache/linux/include/drm/drm_gpuvm.h
	touch -m -d @1000000000 "$c" "$h"
	sed -i 's/^+int h;/+int h2;/' "$T/top/patches/0002-drm-gpuvm-declare-h.patch"
	run_script apply.sh "$T/cache/linux"
	[ "$rc" = 0 ] || fail "re-apply failed: $err"
	grep -q 'int h2;' "$h" || fail "the edited patch was not applied"
	[ "$(stat -c %Y "$c")" = 1000000000 ] || fail "unchanged $c got a new time stamp"
	[ "$(stat -c %Y "$h")" != 1000000000 ] || fail "changed $h kept its old time stamp"
	[ -z "$(git -C "$T/cache/linux" status --porcelain -uno)" ] || fail "tree not clean after re-apply"
}

# Re-applying after an edit keeps the unchanged prefix of the series and
# applies the rest: the same commits as applying all of it; an edit of the
# first patch applies everything again.
t_reapply_from_first_change() {
	two_patch_series
	first=$(git -C "$T/cache/linux" rev-parse HEAD~1)
	sed -i 's/^+int h;/+int h2;/' "$T/top/patches/0002-drm-gpuvm-declare-h.patch"
	run_script apply.sh "$T/cache/linux"
	[ "$rc" = 0 ] || fail "re-apply failed: $err"
	grep -q 'the first 1 as they were' <<<"$err" || fail "the unchanged first patch was applied again: $err"
	[ "$(git -C "$T/cache/linux" rev-parse HEAD~1)" = "$first" ] || fail "the first commit changed"
	grep -q 'int h2;' "$T/cache/linux/include/drm/drm_gpuvm.h" || fail "the edited patch was not applied"
	tip=$(git -C "$T/cache/linux" rev-parse HEAD)
	# The same series applied from the base gives the same commits.
	git -C "$T/cache/linux" checkout -q -f -B applied gpuvm-base
	rm -f "$T/cache/linux/.git/gpuvm-applied"*
	run_script apply.sh "$T/cache/linux"
	[ "$rc" = 0 ] || fail "full apply failed: $err"
	[ "$(git -C "$T/cache/linux" rev-parse HEAD)" = "$tip" ] || fail "a full apply gives other commits"
	sed -i 's/^+int b = 1;/+int b = 2;/' "$T/top/patches/0001-drm-gpuvm-set-b.patch"
	run_script apply.sh "$T/cache/linux"
	[ "$rc" = 0 ] || fail "re-apply after editing the first patch failed: $err"
	! grep -q 'as they were' <<<"$err" || fail "a prefix was kept although the first patch changed: $err"
	grep -q 'int b = 2;' "$T/cache/linux/drivers/gpu/drm/drm_gpuvm.c" || fail "the first patch was not applied again"
	grep -q 'int h2;' "$T/cache/linux/include/drm/drm_gpuvm.h" || fail "the second patch is missing"
}

# The Rust check notices a C field that a Rust initializer does not name.
t_rust_ops_missing_field() {
	mkdir -p "$T/r/include/drm" "$T/r/rust/kernel/drm/gpuvm"
	cat >"$T/r/include/drm/drm_gpuvm.h" <<'C'
struct drm_gpuvm_ops {
	/** @vm_free: free */
	void (*vm_free)(struct drm_gpuvm *gpuvm);
	struct drm_gpuva *(*va_alloc)(void);
};
C
	cat >"$T/r/rust/kernel/drm/gpuvm/mod.rs" <<'RS'
    const fn vtable() -> &'static bindings::drm_gpuvm_ops {
        &bindings::drm_gpuvm_ops {
            vm_free: Some(Self::vm_free),
        }
    }
RS
	out=$("$REPO/scripts/check-rust-ops.py" "$T/r" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	expect_error "1 field mismatch"
	grep -q 'mod.rs:2: drm_gpuvm_ops initializer lacks field va_alloc' <<<"$out" || fail "bad report: $out"
	sed -i 's/vm_free: Some(Self::vm_free),/&\n            va_alloc: None,/' "$T/r/rust/kernel/drm/gpuvm/mod.rs"
	out=$("$REPO/scripts/check-rust-ops.py" "$T/r") || fail "complete initializer rejected: $out"
}

# A kernel for kmemleak.sh that replays recorded boots (scripts/tests/data/
# kmemleak): FAKE_BOOT for the boot of all suites, the site-N.log whose
# failslab address is the gpuvm_site= given for the others.  With the
# System.map, .config and (on PATH) objdump output of the same recording.
fake_kmemleak_kernel() {
	local d=$HERE/data/kmemleak
	mkdir -p "$T/build" "$T/bin"
	cat >"$T/build/linux" <<SH
#!/bin/bash
site=
for a in "\$@"; do case \$a in gpuvm_site=*) site=\${a#gpuvm_site=} ;; esac; done
[ -n "\$site" ] || exec cat "\$FAKE_BOOT"
for f in $d/site-[0-9].log; do
	grep -q "^gpuvm-stage: armed \$(printf '0x%016x' "\$site") " "\$f" && exec cat "\$f"
done
echo "no recorded boot armed at \$site"
SH
	chmod +x "$T/build/linux"
	cp "$d/System.map" "$T/build/System.map"
	{ echo CONFIG_DEBUG_KMEMLEAK=y; grep '^CONFIG_.*=y$' "$REPO/kunit/failslab.config"; } >"$T/build/.config"
	printf '#!/bin/sh\ncat %s\n' "$d/objdump.txt" >"$T/bin/objdump"
	chmod +x "$T/bin/objdump"
}

# make's verdict is make summary's: after a run that failed on a leak,
# make summary prints the same FAIL; after a clean run, the same PASS.
t_summary_after_leak() {
	setup
	cp "$REPO/Makefile" "$T/top/"
	mkdir -p "$T/top/tests"
	: >"$T/top/tests/drm_gpuvm_test.c"
	fake_kmemleak_kernel
	export FAKE_BUILD=$T/build PATH=$T/bin:$PATH
	FAKE_BOOT=$HERE/data/kmemleak/boot-leak.log run_script run.sh
	[ "$rc" != 0 ] || fail "a run with a leak passed: $out"
	grep -q '^FAIL: kmemleak: 2 unreferenced objects after the KUnit run' <<<"$out" ||
		fail "leak not named: $out"
	shown=$(make -s -C "$T/top" summary CACHE="$T/cache" 2>"$T/err")
	[ $? != 0 ] || fail "make summary passed after a failed run: $shown"
	[ "$shown" = "$(cat "$T/cache/results/summary.txt")" ] || fail "make summary differs from the run's summary: $shown"
	grep -q '^RESULT: FAIL' <<<"$shown" || fail "make summary does not say FAIL: $shown"

	# The recorded KUnit log has as many ok results as the recorded boot.
	FAKE_BOOT=$HERE/data/kmemleak/boot.log FAKE_TEST_LOG=$HERE/data/kunit/test.log run_script run.sh
	[ "$rc" = 0 ] || fail "a clean run failed: $out $err"
	shown=$(make -s -C "$T/top" summary CACHE="$T/cache" 2>"$T/err") || fail "make summary failed after a clean run: $shown"
	grep -q '^kmemleak: 0 unreferenced objects of ours after the 88 boot results' <<<"$shown" ||
		fail "kmemleak line missing: $shown"
	grep -q '^RESULT: PASS' <<<"$shown" || fail "make summary does not say PASS: $shown"
	[ "$("$REPO/scripts/json-field.py" "$T/cache/results/summary.json" timings.build+run)" -ge 0 ] ||
		fail "no timings in summary.json"

	# A run that stops before its summary leaves none to show.
	FAKE_KUNIT=builderror run_script run.sh
	[ "$rc" != 0 ] || fail "a failed build passed"
	make -s -C "$T/top" summary CACHE="$T/cache" >/dev/null 2>"$T/err" && fail "make summary passed after a failed build"
	grep -q '^error: no summary in .*summary.json' "$T/err" || fail "no error line: $(cat "$T/err")"
}

# make baseline and make baseline-check: the base of the tree (KDIR at its
# HEAD here) in a worktree of the clone, its recorded KUnit log and kmemleak
# boot turned into kunit/upstream-*, which the check then finds equal;
# a hand edit fails the check; a leak that is not an upstream test's stops
# the rewrite with nothing written.
t_baseline_written_and_checked() {
	local wt
	setup
	fake_kmemleak_kernel
	printf '#!/bin/sh\ncat %s\n' "$HERE/data/baseline/tests.nm" >"$T/bin/nm"
	chmod +x "$T/bin/nm"
	export FAKE_BUILD=$T/build PATH=$T/bin:$PATH FAKE_TEST_LOG=$HERE/data/kunit/test.log
	FAKE_BOOT=$HERE/data/kmemleak/boot.log run_script baseline.sh
	[ "$rc" = 0 ] || fail "make baseline failed: $err"
	grep -q '^baseline: 2 splat keys, 6 leaked objects of 3 upstream test functions: .* written$' <<<"$out" ||
		fail "bad last line: $out"
	wt=$(CACHE=$T/cache bash -c '. "$1/scripts/lib.sh"; tree_scratch baseline' _ "$T/top")
	[ "$(git -C "$wt" rev-parse HEAD)" = "$(git -C "$T/k" rev-parse HEAD)" ] || fail "the base was not checked out in $wt"
	[ "$(git -C "$wt" rev-parse --path-format=absolute --git-common-dir)" = "$(CACHE=$T/cache bash -c '. "$1/scripts/lib.sh"; tree_dir' _ "$T/top")/.git" ] ||
		fail "the baseline worktree is not the KDIR clone's"
	[ "$(grep -v '^#' "$T/top/kunit/upstream-splats" | grep -c .)" = 2 ] || fail "splats: $(cat "$T/top/kunit/upstream-splats")"
	grep -q "^#   base:      $(git -C "$T/k" rev-parse HEAD) base$" "$T/top/kunit/upstream-splats" || fail "the base is not named"
	[ "$(grep -v '^#' "$T/top/kunit/upstream-leaks" | grep . | sort | tr '\n' ' ')" = \
		"drm_test_bridge_chain_init drm_test_bridge_rgb_producer_in_fmts drm_test_bridge_yuv8_passthrough_in_fmts " ] ||
		fail "leaks: $(cat "$T/top/kunit/upstream-leaks")"
	cp "$T/top/kunit/upstream-splats" "$T/splats.good"

	FAKE_BOOT=$HERE/data/kmemleak/boot.log run_script baseline.sh --check
	[ "$rc" = 0 ] || fail "the check fails on the files just written: $err"
	sed -i '/drm_framebuffer_init$/d' "$T/top/kunit/upstream-splats"
	cp "$T/top/kunit/upstream-splats" "$T/splats.edited"
	FAKE_BOOT=$HERE/data/kmemleak/boot.log run_script baseline.sh --check
	expect_error "kunit/upstream-splats differ from what KDIR=.* and the fragments give"
	cmp -s "$T/top/kunit/upstream-splats" "$T/splats.edited" || fail "the check wrote the file"

	FAKE_BOOT=$HERE/data/kmemleak/boot-leak.log run_script baseline.sh
	expect_error "leaked object 0x64ad8000 was not allocated by an upstream test"
	cmp -s "$T/top/kunit/upstream-splats" "$T/splats.edited" || fail "a failed baseline rewrote upstream-splats"
	! ls "$T/top/kunit/"*.new >/dev/null 2>&1 || fail "temporary files left behind"
}

# The embedded base with a MAINTAINERS section and a stand-in
# get_maintainer.pl, and a series committed as the repository is: by the
# placeholder identity, with a real person's tags.  Patch 2 is a real
# person's, signed by them and by the placeholder.  The fixture's git
# configuration is $T/gitconfig (user.name/user.email as given).
PLACEHOLDER='Seed maintainers <maintainers@users.noreply.r-seed.example>'
setup_mails() {
	local k=$T/cache/linux
	setup
	# Not the caller's: make check SIGNOFF=... must not change these tests.
	unset KDIR SIGNOFF GIT_CONFIG_COUNT
	export HOME=$T/home GIT_CONFIG_GLOBAL=$T/gitconfig GIT_CONFIG_NOSYSTEM=1
	mkdir -p "$HOME"
	make_kernel "$k"
	mkdir -p "$k/scripts"
	printf 'DRM GPUVM\nM:\tDanilo Krummrich <dakr@kernel.org>\nL:\tdri-devel@lists.freedesktop.org\nS:\tSupported\nF:\tdrivers/gpu/drm/drm_gpuvm.c\n\n' >"$k/MAINTAINERS"
	printf '#!/bin/sh\ncat >/dev/null\necho "Danilo Krummrich <dakr@kernel.org>"\necho "dri-devel@lists.freedesktop.org"\n' >"$k/scripts/get_maintainer.pl"
	chmod +x "$k/scripts/get_maintainer.pl"
	git -C "$k" add -A && git -C "$k" commit -q -m 'maintainers'
	git -C "$k" tag gpuvm-base
	git -C "$k" checkout -q -b tmp
	sed -i 's/int b;/int b = 1;/' "$k/drivers/gpu/drm/drm_gpuvm.c"
	GIT_AUTHOR_NAME=${PLACEHOLDER% <*} GIT_AUTHOR_EMAIL=maintainers@users.noreply.r-seed.example \
		git -C "$k" commit -q -a -F - <<EOM
drm/gpuvm: set b

Set b.

Suggested-by: Danilo Krummrich <dakr@kernel.org>
Link: https://lore.kernel.org/all/aCwx_9KIc9QBd7_0@pollux/
Cc: stable@vger.kernel.org
Signed-off-by: $PLACEHOLDER
EOM
	sed -i 's/int c;/int c = 1;/' "$k/drivers/gpu/drm/drm_gpuvm.c"
	GIT_AUTHOR_NAME='Boris Brezillon' GIT_AUTHOR_EMAIL=boris.brezillon@collabora.com \
		git -C "$k" commit -q -a -F - <<EOM
drm/gpuvm: set c

Set c.

Signed-off-by: Boris Brezillon <boris.brezillon@collabora.com>
Signed-off-by: $PLACEHOLDER
EOM
	rm -f "$T/top/patches/"*
	git -C "$k" format-patch -q -o "$T/top/patches" gpuvm-base..tmp
	git -C "$k" checkout -q master
	git -C "$k" branch -q -D tmp
	(cd "$T/top/patches" && ls) >"$T/top/series"
	printf 'drm/gpuvm: a test series\n\nTwo patches.\n' >"$T/top/cover-letter.txt"
	CACHE=$T/cache "$T/top/scripts/apply.sh" "$k" 2>/dev/null || fail "apply failed"
}

# git_identity NAME EMAIL: the fixture's git configuration.
git_identity() {
	git config --file "$T/gitconfig" user.name "$1"
	git config --file "$T/gitconfig" user.email "$2"
}

# unfolded MAIL: MAIL with its folded header lines joined.
unfolded() {
	awk 'hdr && /^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
	     hdr { if (NR > 1) print line; line = $0; if ($0 == "") { hdr = 0; print ""; line = "" }; next }
	     { print }' hdr=1 "$1"
}

# need_b4: the b4 tests need b4 (make check installs it).
need_b4() {
	command -v b4 >/dev/null || skip "b4 is not installed (apt-get install b4)"
}

# The sender's identity from git config replaces the placeholder, as
# author and in Signed-off-by; the applied branch is left alone.
t_send_dry_signs_as_sender() {
	need_b4
	setup_mails
	git_identity 'Jane Developer' jane@kernel.org
	k=$T/cache/linux
	applied=$(git -C "$k" rev-parse applied)
	run_script send-dry.sh "$T/mails"
	[ "$rc" = 0 ] || fail "send-dry failed: $err"
	grep -q 'written as Jane Developer <jane@kernel.org>' <<<"$out" || fail "sender not named: $out"
	m=$(unfolded "$T/mails/0001-"*.eml)
	grep -qx 'From: Jane Developer <jane@kernel.org>' <<<"$m" || fail "From: is not the sender: $(grep '^From:' <<<"$m")"
	[ "$(grep -cx 'Signed-off-by: Jane Developer <jane@kernel.org>' <<<"$m")" = 1 ] || fail "no single Signed-off-by of the sender: $m"
	grep -rqi 'noreply' "$T/mails" && fail "the placeholder is still in the mails: $(grep -ri noreply "$T/mails")"
	[ "$(git -C "$k" rev-parse applied)" = "$applied" ] || fail "the applied branch moved"
	[ "$(git -C "$k" rev-parse 'b4/gpuvm^{tree}')" = "$(git -C "$k" rev-parse 'applied^{tree}')" ] ||
		fail "the mails' branch has another tree than applied"
	[ "$(git -C "$k" symbolic-ref --short HEAD)" = applied ] || fail "HEAD not restored"
	true
}

# SIGNOFF= wins over git config; real people's tags stay, in their place,
# and a real person's patch keeps its author, with the sender's
# Signed-off-by after theirs.
t_send_dry_keeps_real_tags() {
	need_b4
	setup_mails
	git_identity 'Someone Else' someone@kernel.org
	SIGNOFF='Jane Developer <jane@kernel.org>' run_script send-dry.sh "$T/mails"
	[ "$rc" = 0 ] || fail "send-dry failed: $err"
	m1=$(unfolded "$T/mails/0001-"*.eml)
	want=$(printf '%s\n' 'Suggested-by: Danilo Krummrich <dakr@kernel.org>' \
		'Link: https://lore.kernel.org/all/aCwx_9KIc9QBd7_0@pollux/' 'Cc: stable@vger.kernel.org' \
		'Signed-off-by: Jane Developer <jane@kernel.org>')
	grep -qF -- "$want" <<<"$m1" || fail "tags of patch 1 not kept in order: $m1"
	m2=$(unfolded "$T/mails/0002-"*.eml)
	grep -qx 'From: Jane Developer <jane@kernel.org>' <<<"$m2" || fail "patch 2 not sent by the sender"
	grep -qx 'From: Boris Brezillon <boris.brezillon@collabora.com>' <<<"$m2" || fail "patch 2 lost its author: $m2"
	want=$(printf '%s\n' 'Signed-off-by: Boris Brezillon <boris.brezillon@collabora.com>' \
		'Signed-off-by: Jane Developer <jane@kernel.org>')
	grep -qF -- "$want" <<<"$m2" || fail "Signed-off-by lines of patch 2 wrong: $m2"
	grep -rq 'Someone Else' "$T/mails" && fail "git config's identity used despite SIGNOFF="
	true
}

# A placeholder or missing identity stops before anything is written,
# with one error line; so does a SIGNOFF that is not "Name <addr>".
t_send_dry_refuses_placeholder() {
	setup_mails
	k=$T/cache/linux
	git_identity "${PLACEHOLDER% <*}" maintainers@users.noreply.r-seed.example
	run_script send-dry.sh "$T/mails"
	expect_error "git config user.email: maintainers@users.noreply.r-seed.example is a placeholder address"
	[ ! -e "$T/mails" ] || fail "mails written"
	[ "$(git -C "$k" symbolic-ref --short HEAD)" = applied ] || fail "the base tree was touched"
	git -C "$k" rev-parse -q --verify b4/gpuvm >/dev/null && fail "b4 branch created"
	for a in x@example.com x@mail.example.org x@a.example x@a.invalid x@a.test x@localhost noreply@kernel.org; do
		SIGNOFF="Jane <$a>" run_script send-dry.sh "$T/mails"
		expect_error "SIGNOFF: $a is a placeholder address"
	done
	SIGNOFF='jane@kernel.org' run_script send-dry.sh "$T/mails"
	expect_error "SIGNOFF='jane@kernel.org' is not \"Name <addr>\""
	rm -f "$T/gitconfig"
	run_script send-dry.sh "$T/mails"
	expect_error "no identity to sign the mails"
	[ ! -e "$T/mails" ] || fail "mails written"
}

# SIGNOFF=none: unsigned mails, even with the placeholder identity (CI's),
# and the b4 round trip of make check still gives the same tree.
t_send_dry_signoff_none() {
	need_b4
	setup_mails
	git_identity "${PLACEHOLDER% <*}" maintainers@users.noreply.r-seed.example
	SIGNOFF=none run_script send-dry.sh "$T/mails"
	[ "$rc" = 0 ] || fail "send-dry failed: $err"
	grep -q 'unsigned (SIGNOFF=none)' <<<"$out" || fail "not said unsigned: $out"
	grep -rq '^Signed-off-by: Seed' "$T/mails" && fail "the placeholder still signs: $(grep -r '^Signed-off-by' "$T/mails")"
	grep -q '^Signed-off-by: Boris Brezillon' "$T/mails/0002-"*.eml || fail "a real Signed-off-by was dropped"
	FAKE_KUNIT=ok run_script check-b4-roundtrip.sh
	[ "$rc" = 0 ] || fail "b4 round trip failed: $err $out"
	grep -q 'tree .* identical' <<<"$out" || fail "round trip did not compare the trees: $out"
}

# Every make target's dependency profile (scripts/deps.sh) lists the
# Debian packages of what the target runs.  The table below says what each
# script runs, from reading it; a target runs the scripts of its recipe and
# of its prerequisites, and the scripts those name ("$TOP/scripts/...").
# What a fresh bookworm machine has (Priority: required, and apt) needs no
# package.  Where a THING is installed here, dpkg -S must agree with the
# table, and where the archive's lists are here, every package must exist.
t_deps_profiles() {
	python3 - "$REPO" <<'PY' || fail "see above"
import os, re, subprocess, sys

top = sys.argv[1]
# A fresh Debian bookworm: Priority required, and apt with its keyring.
FRESH = set("""apt base-files base-passwd bash bsdutils coreutils dash debconf
debianutils diffutils dpkg e2fsprogs findutils grep gzip hostname
init-system-helpers libc-bin login mawk mount ncurses-base ncurses-bin passwd
perl-base sed sensible-utils sysvinit-utils tar tzdata util-linux gpgv
debian-archive-keyring""".split())
# A kernel build (kunit.py run/build, make): UML with gcc, or LLVM as drm-ci.
KBUILD = """make:make flex:flex bison:bison bc:bc perl:perl-base python3:python3
/usr/include/stdio.h:libc6-dev"""
UM = 'gcc:gcc ccache:ccache ' + KBUILD
LLVM = 'clang-19:clang-19 ld.lld-19:lld-19 llvm-ar-19:llvm-19 ' + KBUILD
# script: THING:PACKAGE ...  ("-": nothing beyond a fresh machine)
NEEDS = {
    'apply.sh': 'git:git',
    'b4-addresses.sh': '/usr/bin/perldoc:perl',  # get_maintainer.pl: JSON::PP
    'baseline.sh': 'git:git nm:binutils diff:diffutils ' + UM,
    'baseline.py': 'python3:python3',
    'bench-pipeline.sh': 'make:make tar:tar ' + UM,
    'bench-report.py': 'python3:python3 gnuplot:gnuplot-nox',
    'bench.sh': 'git:git taskset:util-linux gnuplot:gnuplot-nox ' + UM,
    'bisect.sh': 'git:git ' + UM,
    'check-b4-roundtrip.sh': 'b4:b4 git:git',
    # coccinelle runs the semantic patches' OCaml script rules with ocamlopt
    'check-cocci.sh': 'spatch:coccinelle ocamlopt:ocaml-nox git:git',
    'check-codespell-live.sh': '-',
    'check-cover.py': 'python3:python3',
    'check-drift.sh': 'git:git diff:diffutils',
    'check-kerneldoc.sh': 'git:git python3:python3',  # kernel-doc is Python in 7.3
    'check-quilt.sh': 'quilt:quilt git:git tar:tar',
    'check-rust-ops.py': 'python3:python3',
    'check-scripts.sh': 'shellcheck:shellcheck python3:python3',
    'check-static.sh': 'git:git ' + UM,
    'check.sh': 'git:git',
    # checkpatch.pl: Term::ANSIColor and Encode (full perl), codespell's
    # dictionary, and spdxcheck.py with Debian's python3, ply and git.
    'checkpatch.sh': """/usr/bin/perldoc:perl git:git
        /usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt:codespell
        /usr/lib/python3/dist-packages/ply:python3-ply
        /usr/lib/python3/dist-packages/git:python3-git""",
    # the x86_64 kernel builds objtool, which includes <gelf.h>
    'ci-drm.sh': """git:git /usr/include/gelf.h:libelf-dev
        qemu-system-x86_64:qemu-system-x86 qemu-system-aarch64:qemu-system-arm
        qemu-system-arm:qemu-system-arm ccache:ccache """ + LLVM,
    'coverage-report.py': 'python3:python3',
    'coverage.sh': 'lcov:lcov genhtml:lcov gcov:gcc git:git ' + UM,
    'deps.sh': 'apt-get:apt',
    'export.sh': 'git:git',
    'fetch-base.sh': """apt-get:apt apt-cache:apt dpkg-deb:dpkg tar:tar xz:xz-utils git:git
        make:make /usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring""",
    'fetch-sparse.sh': 'apt-get:apt tar:tar xz:xz-utils gcc:gcc make:make /usr/include/stdio.h:libc6-dev',
    'gpuvm-users.py': 'python3:python3',
    'cli.py': 'python3:python3',
    'json-field.py': 'python3:python3',
    'kmemleak.py': 'python3:python3',
    'splats.py': 'python3:python3',
    'tests/test_parsers.py': 'python3:python3',
    'kmemleak-control.sh': 'git:git python3:python3',
    'kmemleak.sh': 'objdump:binutils timeout:coreutils perl:perl-base python3:python3',
    'kunit.sh': 'git:git flock:util-linux ' + UM,
    'lib.sh': 'flock:util-linux df:coreutils git:git',
    'make-work.sh': 'git:git',
    'mutate.sh': 'git:git flock:util-linux timeout:coreutils python3:python3 ' + UM,
    'mutate.py': 'python3:python3',
    'prepare-tree.sh': 'git:git',
    'run.sh': 'git:git',
    'send-dry.sh': 'b4:b4 git:git',
    'summary.py': 'python3:python3',
    'users.sh': 'git:git ccache:ccache ' + LLVM,
    'rust.sh': '''/usr/bin/rustc:rustc-web /usr/bin/cargo:cargo-web
        /usr/lib/rustlib/src/rust:rust-web-src clang-22:clang-22 ld.lld-22:lld-22 llvm-ar-22:llvm-22
        /usr/lib/llvm-22/lib/libclang.so:libclang-22-dev /usr/include/gelf.h:libelf-dev
        /usr/include/openssl/ssl.h:libssl-dev apt-get:apt dpkg-deb:dpkg flock:util-linux
        ccache:ccache ''' + KBUILD,
    # x86_64's objtool includes <gelf.h>, its defconfig needs OpenSSL
    'sizes.sh': """git:git ccache:ccache llvm-nm-19:llvm-19 /usr/include/gelf.h:libelf-dev
        /usr/include/openssl/ssl.h:libssl-dev python3:python3 """ + LLVM,
    'smp.sh': 'git:git ccache:ccache flock:util-linux qemu-system-x86_64:qemu-system-x86 /usr/include/gelf.h:libelf-dev ' + UM,
    'tests/run.sh': 'git:git python3:python3 make:make b4:b4 shellcheck:shellcheck',
    'tests/fake-kunit.py': 'python3:python3',
    'tests/fake-b4.py': 'python3:python3 git:git',
    'tests/kdir.sh': 'git:git tar:tar',
    'tests/fake-kernel/scripts/checker-valid.sh': '-',
}
bad = []
scripts = sorted(os.path.relpath(os.path.join(d, f), f'{top}/scripts')
                 for d, _, fs in os.walk(f'{top}/scripts') if '__pycache__' not in d
                 for f in fs if f.endswith(('.sh', '.py')))
for s in sorted(set(scripts) - set(NEEDS)):
    bad.append(f'scripts/{s} has no entry in the needs table of this test')
for s in sorted(set(NEEDS) - set(scripts)):
    bad.append(f'the needs table names scripts/{s}, which does not exist')


def pairs(text):
    return [] if text.strip() == '-' else [tuple(w.split(':', 1)) for w in text.split()]


# Which scripts each script runs (lib.sh: every shell script sources it).
calls = {}
for s in scripts:
    code = '\n'.join(l for l in open(f'{top}/scripts/{s}') if not l.lstrip().startswith('#'))
    calls[s] = set(re.findall(r'\$TOP/scripts/([\w./-]+\.(?:sh|py))', code))
    if s.endswith('.sh'):
        calls[s].add('lib.sh')

# The Makefile: each target's prerequisites, scripts and deps.sh profiles.
rules, phony, cur = {}, [], None
for line in open(f'{top}/Makefile'):
    if line.startswith('.PHONY:'):
        phony += line.split()[1:]
    m = re.match(r'^([a-z][a-z-]*):(?!=)(.*)', line)
    if m:
        cur = rules.setdefault(m.group(1), {'pre': m.group(2).split('#')[0].split(),
                                            'scripts': set(), 'profiles': set()})
        continue
    if not line.startswith('\t'):
        cur = None
        continue
    if cur is None:
        continue
    for p in re.findall(r'deps\.sh(?: +([a-z][a-z-]*))?', line):
        cur['profiles'].add(p or 'run')
    cur['scripts'] |= set(re.findall(r'\$\(S\)/([\w.-]+)', line))
    m = re.search(r'\$\(MAKE\)[^;|&]* ([a-z][a-z-]*)\s*$', line)
    if m:
        cur['pre'].append(m.group(1))


def closure(t, seen):
    if t in seen or t not in rules:
        return set(), set()
    seen.add(t)
    r = rules[t]
    scr, prof = set(r['scripts']), set(r['profiles'])
    for p in r['pre']:
        a, b = closure(p, seen)
        scr |= a
        prof |= b
    todo = list(scr)
    while todo:
        for c in calls.get(todo.pop(), ()):
            if c not in scr:
                scr.add(c)
                todo.append(c)
    return scr, prof


listed = {}


def profile(p):
    if p not in listed:
        r = subprocess.run([f'{top}/scripts/deps.sh', '--list', p], capture_output=True, text=True)
        if r.returncode:
            bad.append(f'deps.sh --list {p}: {r.stderr.strip()}')
        listed[p] = [tuple(l.split(':', 1)) for l in r.stdout.split()]
    return listed[p]


checked = 0
for t in phony:
    if t not in rules:
        bad.append(f'.PHONY target {t} has no rule')
        continue
    scr, prof = closure(t, set())
    have = {pkg for p in prof for _, pkg in profile(p)}
    for s in sorted(scr):
        for thing, pkg in pairs(NEEDS.get(s, '-')):
            checked += 1
            if pkg not in FRESH and pkg not in have:
                bad.append(f'make {t}: scripts/{s} runs {thing} (Debian package {pkg}), which '
                           f'deps.sh {" ".join(sorted(prof)) or "(no profile)"} does not install')


# The THING:PACKAGE knowledge, where this machine can tell.
def owner(thing):
    paths = [thing] if thing.startswith('/') else \
        [f'{d}/{thing}' for d in ('/usr/bin', '/bin', '/usr/sbin', '/sbin')]
    for path in paths:
        if os.path.lexists(path):
            r = subprocess.run(['dpkg-query', '-S', path], capture_output=True, text=True)
            if r.returncode == 0:
                return {l.split(':')[0] for l in r.stdout.splitlines()}
    return None


def depends(pkg):
    r = subprocess.run(['dpkg-query', '-W', '-f', '${Depends} ${Pre-Depends}', pkg],
                       capture_output=True, text=True)
    return set(re.findall(r'[a-z0-9][a-z0-9+.-]+', r.stdout)) if r.returncode == 0 else set()


every = {w for text in NEEDS.values() for w in pairs(text)}
every |= {w for p in listed for w in listed[p]}
verified = 0
for thing, pkg in sorted(every):
    own = owner(thing)
    if own is None:
        continue
    verified += 1
    if pkg not in own and not (own & depends(pkg)):
        bad.append(f'{thing} belongs to {" ".join(sorted(own))} (dpkg -S), not to {pkg}')
lists = [f for f in os.listdir('/var/lib/apt/lists') if '_Packages' in f] \
    if os.path.isdir('/var/lib/apt/lists') else []
if lists:
    want = sorted({pkg for _, pkg in every} - FRESH)
    r = subprocess.run(['apt-cache', 'show', '--no-all-versions'] + want, capture_output=True, text=True)
    known = set(re.findall(r'^Package: (\S+)', r.stdout, re.M))
    for pkg in want:
        if pkg not in known:
            bad.append(f'no package {pkg} in the apt lists of this machine')
for b in bad:
    print('error: ' + b)
if bad:
    sys.exit(1)
print(f'{len(phony)} targets, {checked} needs, each in its target\'s deps.sh profile; '
      f'{verified} of {len(every)} THING:PACKAGE pairs confirmed by dpkg -S here'
      + ('' if lists else '; no apt lists here to check that the packages exist'))
PY
}

# make help is made from the Makefile's "## " lines: every .PHONY target is
# in it, and every target it lists has a rule.
t_make_help_lists_phony() {
	out=$(make -s --no-print-directory -f "$REPO/Makefile" help) || fail "make help failed: $out"
	phony=$(sed -n 's/^\.PHONY://p' "$REPO/Makefile")
	[ -n "$phony" ] || fail "no .PHONY line in the Makefile"
	for t in $phony; do
		grep -qE "^  make $t( |\$)" <<<"$out" || fail "make help does not list the .PHONY target $t"
	done
	for t in $(sed -n 's/^  make \([a-z][a-z-]*\).*/\1/p' <<<"$out"); do
		grep -q "^$t:" "$REPO/Makefile" || fail "make help lists $t, which has no rule"
	done
	echo "make help lists all $(wc -w <<<"$phony") .PHONY targets"
}

# ci-drm.sh: kunit.py printed no build time (it stopped before building,
# or a stand-in that never prints one): a PASS line still, or a FAIL line
# that names the first error and one error line, never a silent exit.
t_ci_drm_no_build_time() {
	setup
	unset LLVM_VERSION RESULTS
	mkdir -p "$T/bin"
	for c in clang-19 ld.lld-19 qemu-system-x86_64 qemu-system-aarch64 qemu-system-arm; do
		printf '#!/bin/sh\nexit 0\n' >"$T/bin/$c"
		chmod +x "$T/bin/$c"
	done
	PATH=$T/bin:$PATH FAKE_KUNIT=ok run_script ci-drm.sh x86_64
	[ "$rc" = 0 ] || fail "ci-drm failed on a passing run: $out $err"
	grep -q '^PASS x86_64: PASS (drm_gpuvm 3/3 passed.*; no build time' <<<"$out" || fail "no PASS line: $out"
	PATH=$T/bin:$PATH FAKE_KUNIT=builderror run_script ci-drm.sh x86_64 arm64
	expect_error "ci-drm: 2 of 2 architectures failed"
	grep -q '^FAIL x86_64 (kunit.py exit 1): drivers/gpu/drm/drm_gpuvm.c:3:5: error: first problem; log ' <<<"$out" ||
		fail "no FAIL line naming the error: $out"
	grep -q '^FAIL arm64 ' <<<"$out" || fail "arm64 not run after x86_64 failed: $out"
	grep -qx '0 passed, 2 failed' <<<"$out" || fail "no count line: $out"
}

# Every Python helper of scripts/ writes its error line to stderr, and
# only there.
t_python_errors_on_stderr() {
	local py n
	mkdir -p "$T/c/patches" "$T/r/include/drm" "$T/g"
	printf 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: A <a@b.c>\nSubject: [PATCH] x: y\n\ndiff --git a/f b/f\n' >"$T/c/patches/0001-x.patch"
	echo 0001-x.patch >"$T/c/series"
	printf 'a cover letter without the patch list\n' >"$T/c/cover-letter.txt"
	printf 'struct drm_gpuvm_ops {\n\tvoid (*vm_free)(struct drm_gpuvm *gpuvm);\n};\n' >"$T/r/include/drm/drm_gpuvm.h"
	: >"$T/empty.info"
	printf 'bench: x n=1 ns_per_op=1 iters=1\n' >"$T/wrong-name.log"
	declare -A bad=(
		[summary.py]="$T/none.json $T/none.log"
		[check-cover.py]="$T/c $T/none.txt"
		[check-rust-ops.py]="$T/r"
		[coverage-report.py]="$T/empty.info drm_gpuvm.c $T/none"
		[bench-report.py]="--out $T/bench $T/wrong-name.log"
		[gpuvm-users.py]="$T/g no-such-dir"
		[json-field.py]="$T/none.json verdict"
		[kmemleak.py]="caught $T/none.json 3"
		[splats.py]="$T/none.log"
		[mutate.py]="reference $T/none.json $T/none.log $T/cases $T/splats"
		[baseline.py]="--test-log $T/none.log --kmemleak-log $T/none.log --tests-nm $T/none --base b --fragments f --fragments-stamp s --splats $T/s --leaks $T/l"
	)
	for py in "$REPO"/scripts/*.py; do
		# Modules such as cli.py are imported, not run.
		[ -x "$py" ] || continue
		py=$(basename "$py")
		[ -n "${bad[$py]:-}" ] || fail "scripts/$py has no bad-input case in this test"
		# shellcheck disable=SC2086 # the arguments are words
		out=$("$REPO/scripts/$py" ${bad[$py]} 2>"$T/err")
		rc=$?
		err=$(cat "$T/err")
		[ "$rc" != 0 ] || fail "$py: bad input accepted: $out"
		grep -q '^error: ' <<<"$out" && fail "$py: error line on stdout: $(grep '^error: ' <<<"$out")"
		n=$(grep -c '^error: ' <<<"$err")
		[ "$n" -ge 1 ] || fail "$py: no error line on stderr: $err"
	done
	echo "${#bad[@]} Python helpers write their error lines to stderr"
}

# hold_build_lock: the build lock on a file descriptor, held until the
# script ends or releases it; with_build_lock inside runs at once.
t_build_lock_fd() {
	local lock=$T/cache/build.lock
	CACHE=$T/cache timeout 20 bash -c '. "$1/scripts/lib.sh"; hold_build_lock; touch "$2/held"; sleep 3' _ "$REPO" "$T" &
	for _ in $(seq 50); do [ -e "$T/held" ] && break; sleep 0.1; done
	[ -e "$T/held" ] || fail "hold_build_lock did not return"
	flock -n "$lock" true && fail "the lock is not held"
	wait
	flock -n "$lock" true || fail "the lock is still held after the script ended"
	CACHE=$T/cache timeout 20 bash -c '. "$1/scripts/lib.sh"; hold_build_lock
		with_build_lock true
		! flock -n "$CACHE/build.lock" true || exit 3
		release_build_lock
		flock -n "$CACHE/build.lock" true' _ "$REPO" ||
		fail "with_build_lock under the held lock, or release_build_lock, failed (exit $?)"
	grep -q -e '--runs\|--locked' "$REPO/scripts/bench.sh" "$REPO/scripts/bench-pipeline.sh" &&
		fail "bench scripts still re-run themselves to hold the lock"
	true
}

# check-scripts.sh finds a shellcheck warning and a Python syntax error,
# each with one error line, and writes no bytecode into the repository.
t_check_scripts_finds_problems() {
	command -v shellcheck >/dev/null || skip "shellcheck is not installed (apt-get install shellcheck)"
	setup
	# The copy of scripts/ starts without the bytecode other runs left.
	find "$T/top" -name __pycache__ -prune -exec rm -rf {} +
	run_script check-scripts.sh shellcheck
	[ "$rc" = 0 ] || fail "the scripts as they are: $err $out"
	run_script check-scripts.sh python
	[ "$rc" = 0 ] || fail "the Python files as they are: $err $out"
	printf '#!/usr/bin/env bash\ncd /tmp\necho "$undefined_thing"\n' >"$T/top/scripts/bad.sh"
	printf 'def f(:\n    pass\n' >"$T/top/scripts/bad.py"
	run_script check-scripts.sh shellcheck
	expect_error "shellcheck -S warning: 2 finding\(s\)"
	grep -q 'scripts/bad.sh:2:1: warning: .*SC2164' <<<"$out" || fail "finding not shown: $out"
	run_script check-scripts.sh python
	expect_error "python3 -m py_compile failed: .*SyntaxError"
	[ -z "$(find "$T/top" -name __pycache__)" ] || fail "bytecode written into the repository"
}

# A test that needs root is skipped with a reason when not root (exit 77),
# and check.sh shows SKIP without counting it as failed.
t_skip_not_counted() {
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv is missing"
		cp -r "$REPO/scripts" "$T/s"
		chmod -R a+rX "$T"
		out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env TMPDIR=/tmp bash "$T/s/tests/run.sh" disk_full 2>&1)
	else
		out=$(bash "$REPO/scripts/tests/run.sh" disk_full 2>&1)
	fi
	rc=$?
	[ "$rc" = 77 ] || fail "disk_full as non-root: exit $rc, not 77: $out"
	grep -qx 'skip: needs root to mount a small tmpfs' <<<"$out" || fail "no reason given: $out"
	eval "$(sed -n '/^check() {/,/^}/p' "$REPO/scripts/check.sh")"
	# shellcheck disable=SC2034 # used by the check() of check.sh
	passed=0 failed=0 skipped=0 logdir=$T
	out=$(check demo bash -c 'echo "skip: no reason"; exit 77'; echo "$passed $failed $skipped")
	grep -q '^SKIP demo .* skip: no reason$' <<<"$out" || fail "check.sh shows no SKIP line: $out"
	[ "$(tail -n 1 <<<"$out")" = "0 0 1" ] || fail "check.sh counted the skip wrong (passed failed skipped): $(tail -n 1 <<<"$out")"
}

# The targets on a user's tree (KDIR): kdir.sh.
. "$HERE/kdir.sh"

cases=$(declare -F | awk '$3 ~ /^t_/ { sub(/^t_/, "", $3); print $3 }')
if [ "${1:-}" = --list ]; then
	printf '%s\n' "$cases"
	exit 0
fi
name=${1:?usage: run.sh --list | run.sh NAME}
grep -qx "$name" <<<"$cases" || { echo "error: no test named $name"; exit 2; }
"t_$name" || exit 1
echo "ok $name"
