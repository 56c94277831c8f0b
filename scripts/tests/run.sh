#!/usr/bin/env bash
# Tests of the pipeline scripts against small fixture trees: a fake kernel
# git repository (the few files the scripts look at, and a stand-in
# tools/testing/kunit/kunit.py) and a copy of this repository's scripts with
# its own patches/ and series.  No real kernel is needed.
#
# usage: run.sh --list | run.sh NAME
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

fail() {
	echo "error: $*"
	exit 1
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
	MAKEFLAGS MFLAGS MAKELEVEL GIT_DIR GIT_WORK_TREE
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
	mkdir -p "$T/small"
	mount -t tmpfs -o size=1m tmpfs "$T/small" 2>/dev/null || fail "cannot mount a small tmpfs here (needs root)"
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
# shown, its error line fails the run, and no result at all fails too.
t_summary_kmemleak() {
	cat >"$T/r.json" <<'J'
{"name": "KUnit Test Group", "test_cases": [], "sub_groups": [
 {"name": "drm_gpuvm", "sub_groups": [], "test_cases": [{"name": "a", "status": "PASS"}],
  "misc": {"passed": 1, "failed": 0, "crashed": 0, "skipped": 0, "errors": 0}}]}
J
	printf 'ok 1 drm_gpuvm\n' >"$T/t.log"
	printf '%s\n' 'kmemleak: /x/linux (all suites, then a scan)' \
		'kmemleak: 0 unreferenced objects of ours after the 1 boot results (0 of upstream tests, in kunit/upstream-leaks); failslab at the 3 kmemdup() calls of drm_gpuva_sm_step: site 1: 10 failed, 0 leaked' >"$T/ok.txt"
	sed 's/after the 1 boot/after the 2 boot/' "$T/ok.txt" >"$T/more.txt"
	printf '%s\n' 'kmemleak: /x/linux (failslab at 0x1, site 3)' \
		'error: kmemleak: site 3 (0x1): 16 objects allocated in drm_gpuva_sm_step leaked after 17 injected failures (log: x)' >"$T/leak.txt"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/ok.txt") ||
		fail "a clean kmemleak boot failed the run: $out"
	grep -q '^kmemleak: 0 unreferenced objects' <<<"$out" || fail "kmemleak line not shown: $out"
	grep -q 'no splat, no leak)$' <<<"$out" || fail "bad result line: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/more.txt") &&
		fail "a kmemleak boot with other KUnit results passed the run: $out"
	grep -q 'FAIL: kmemleak: 2 KUnit results ok in its boot, 1 in' <<<"$out" || fail "count mismatch not named: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/leak.txt") &&
		fail "a leak passed the run: $out"
	grep -q '^FAIL: kmemleak: site 3 (0x1): 16 objects' <<<"$out" || fail "leak not named: $out"
	out=$("$REPO/scripts/summary.py" "$T/r.json" "$T/t.log" --kmemleak "$T/none.txt") &&
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

# Re-applying after one patch changed gives the files that kept their
# contents their old time stamps back, so that make rebuilds only the rest.
t_reapply_keeps_timestamps() {
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
	out=$("$REPO/scripts/check-rust-ops.py" "$T/r")
	rc=$?
	[ "$rc" != 0 ] || fail "missing Rust field not found"
	grep -q 'mod.rs:2: drm_gpuvm_ops initializer lacks field va_alloc' <<<"$out" || fail "bad report: $out"
	sed -i 's/vm_free: Some(Self::vm_free),/&\n            va_alloc: None,/' "$T/r/rust/kernel/drm/gpuvm/mod.rs"
	out=$("$REPO/scripts/check-rust-ops.py" "$T/r") || fail "complete initializer rejected: $out"
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
