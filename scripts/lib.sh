# shellcheck shell=bash
# Common settings for the scripts of this repository.  Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drm-gpuvm-series}
# The embedded base tree: a git repository made from Debian's linux-source.
BASE_REPO=$CACHE/linux
BASE_TAG=gpuvm-base
BUILD_ROOT=$CACHE/build
RESULTS=${RESULTS:-$CACHE/results}
LOCK=$CACHE/build.lock

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$CACHE
export CCACHE_NOHASHDIR=1
# Depend mode: on a miss ccache runs the compiler once and takes the
# headers from kbuild's -MMD file, instead of running the preprocessor
# first.  Building drivers/gpu/drm/tests with an empty cache took 21.0 s
# with plain gcc, 43.4 s with ccache's default mode and 22.1 s in depend
# mode; the rebuild from the cache, 5.5 s.
export CCACHE_DEPEND=1

# die MESSAGE: print one clear error line and fail.
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

note() {
	printf '%s\n' "$*" >&2
}

# ensure_cache: the cache directory exists and is writable.
ensure_cache() {
	mkdir -p "$CACHE" 2>/dev/null ||
		die "cache directory $CACHE cannot be created (set CACHE= to a writable place)"
	[ -w "$CACHE" ] && touch "$CACHE/.writable" 2>/dev/null ||
		die "cache directory $CACHE is not writable (set CACHE= to a writable place)"
	rm -f "$CACHE/.writable"
}

# need_space DIR MIB WHAT: fail early when DIR's file system has less than
# MIB MiB free, instead of dying half-way through an unpack or a build.
need_space() {
	local avail
	avail=$(df -Pm "$1" | awk 'NR == 2 { print $4 }') || die "cannot tell the free space in $1 (df failed)"
	[ "${avail:-0}" -ge "$2" ] ||
		die "disk full: $3 needs $2 MiB in $1, only ${avail:-0} MiB free"
}

# series_files: the patch files named by `series`, in order, comments and
# quilt options stripped.
series_files() {
	sed -e 's/#.*//' -e 's/[[:space:]].*//' "$TOP/series" | grep -v '^$' || true
}

# is_mail_patch FILE: FILE looks like `git format-patch` output.
is_mail_patch() {
	head -n 1 "$1" | grep -q '^From [0-9a-f]\{40\} ' &&
		grep -q '^From: ' "$1" && grep -q '^Subject: ' "$1" &&
		grep -q '^diff --git ' "$1"
}

# check_series: every file named in `series` exists and is a mail-format
# patch, and every patch in patches/ is named in `series`.
check_series() {
	local f
	[ -f "$TOP/series" ] || die "series file $TOP/series is missing"
	for f in $(series_files); do
		[ -f "$TOP/patches/$f" ] || die "series names patches/$f, which does not exist"
		is_mail_patch "$TOP/patches/$f" ||
			die "patches/$f is not a mail-format patch (git format-patch output)"
	done
	for f in "$TOP"/patches/*.patch; do
		[ -e "$f" ] || continue
		series_files | grep -qxF "$(basename "$f")" ||
			die "patches/$(basename "$f") is not named in series"
	done
}

# ---- The tree and its base ------------------------------------------------
#
# Every target that builds, tests or checks the applied series works on one
# tree and one base commit: tree_dir and tree_base.  Without KDIR, that is
# the embedded base $BASE_REPO at BASE (default gpuvm-base); with KDIR, a
# scratch clone of KDIR under $CACHE/kdir/ (prepare-tree.sh makes it, so
# that the user's working tree, index and branches are never touched) at
# BASE (default KDIR's HEAD).
#
# What each target does with KDIR is written here and nowhere else in the
# scripts; the README's table "KDIR behaviour per target" says the same (the
# script test kdir_table compares the two).  "check NAME" is one check of
# `make check`.
#   tree      the tree and base above
#   embedded  the embedded base at gpuvm-base whatever KDIR and BASE say,
#             with a one-line note when either is set (embedded_base_only):
#             patches/ and series are generated there, their base-commit:
#             and "# base:" lines name gpuvm-base, so they can only be
#             made and compared there
#   own       fixture trees or a cache of its own; KDIR and BASE are ignored
#   none      no kernel tree
# send-dry and the b4 round trip follow KDIR: the mails are the ones a user
# of KDIR would send (base-commit: and get_maintainer.pl of that tree), and
# the round trip takes exactly those mails back onto that base.
declare -gA KDIR_TARGET=(
	[run]=tree [base]=tree [apply]=tree [bisect]=tree [coverage]=tree [users]=tree [sizes]=tree
	[kmemleak-control]=tree [baseline]=tree [baseline-check]=tree [bench]=tree [mutate]=tree [ci-drm]=tree [smp]=tree [send-dry]=tree
	[check apply/git-am]=tree [check kunit]=tree [check apply/quilt]=tree
	[check rust/ops-fields]=tree [check b4/round-trip]=tree [check checkpatch]=tree
	[check checkpatch/codespell-live]=tree [check kernel-doc]=tree [check baseline]=tree
	[check sparse+W=1]=tree [check coccicheck]=tree
	[work]=embedded [export]=embedded [check drift]=embedded
	[bench-pipeline]=own [check script]=own
	[summary]=none [clean]=none [distclean]=none [deps]=none [help]=none
	[check series/files]=none [check cover-letter]=none [check shellcheck]=none
	[check python/py_compile]=none
)

# embedded_base_only NAME: NAME stays on the embedded base at gpuvm-base.
# When KDIR or BASE is set, say so in one line; drop both for the rest of
# the script.
embedded_base_only() {
	local set=
	[ "${KDIR_TARGET[$1]:-}" = embedded ] || die "embedded_base_only: $1 is not listed as embedded in lib.sh"
	[ -z "${KDIR:-}" ] || set=KDIR
	[ -z "${BASE:-}" ] || set=${set:+$set and }BASE
	[ -z "$set" ] ||
		note "note: $set set, but $1 works on the embedded base $BASE_REPO at $BASE_TAG (README: KDIR behaviour per target)"
	unset KDIR BASE
}

# tree_dir: the kernel tree (see above).
tree_dir() {
	if [ -n "${KDIR:-}" ]; then
		printf '%s/kdir/%s\n' "$CACHE" "$(printf '%s' "$(realpath -m "$KDIR")" | sha1sum | cut -c1-12)"
	else
		printf '%s\n' "$BASE_REPO"
	fi
}

# tree_base: the full id of the base commit, checked: with KDIR, BASE
# (default HEAD) resolved in KDIR itself, which must be a git repository
# holding a kernel with drm_gpuvm at that commit; without, BASE (default
# gpuvm-base) in the embedded base.  One error line otherwise.
tree_base() {
	local base f
	if [ -n "${KDIR:-}" ]; then
		[ -d "$KDIR" ] || die "KDIR=$KDIR does not exist"
		git -C "$KDIR" rev-parse --git-dir >/dev/null 2>&1 ||
			die "KDIR=$KDIR is not a kernel git tree (not a git repository)"
		base=$(git -C "$KDIR" rev-parse -q --verify "${BASE:-HEAD}^{commit}") ||
			die "BASE=${BASE:-HEAD} does not exist in KDIR=$KDIR"
		for f in Makefile drivers/gpu/drm/drm_gpuvm.c include/drm/drm_gpuvm.h tools/testing/kunit/kunit.py; do
			git -C "$KDIR" cat-file -e "$base:$f" 2>/dev/null ||
				die "KDIR=$KDIR is not a kernel git tree with drm_gpuvm ($f missing at ${BASE:-HEAD})"
		done
	else
		git -C "$BASE_REPO" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1 ||
			die "no embedded base tree in $BASE_REPO (make base fetches it)"
		base=$(git -C "$BASE_REPO" rev-parse -q --verify "${BASE:-$BASE_TAG}^{commit}") ||
			die "BASE=${BASE:-$BASE_TAG} does not exist in $BASE_REPO"
	fi
	printf '%s\n' "$base"
}

# tree_desc: the tree and base in words, for messages.
tree_desc() {
	if [ -n "${KDIR:-}" ]; then
		printf 'KDIR=%s at BASE=%s\n' "$KDIR" "${BASE:-HEAD}"
	else
		printf 'the embedded base at %s\n' "${BASE:-$BASE_TAG}"
	fi
}

# tree_scratch NAME, tree_build NAME: a directory of the tree's own under
# the cache (worktrees) and under $BUILD_ROOT (build directories):
# $CACHE/NAME and $BUILD_ROOT/NAME for the embedded base, with the KDIR
# clone's name added for KDIR, so that the trees never share one.
tree_scratch() {
	if [ -n "${KDIR:-}" ]; then
		printf '%s-%s\n' "$(tree_dir)" "$1"
	else
		printf '%s/%s\n' "$CACHE" "$1"
	fi
}

tree_build() {
	if [ -n "${KDIR:-}" ]; then
		printf '%s/%s-%s\n' "$BUILD_ROOT" "$1" "$(basename "$(tree_dir)")"
	else
		printf '%s/%s\n' "$BUILD_ROOT" "$1"
	fi
}

# build_dir: the KUnit build directory of the tree.
build_dir() {
	printf '%s/kunit-%s\n' "$BUILD_ROOT" "$(basename "$(tree_dir)")"
}

# am_options: git am's options for the series: plain on the embedded base
# (zero fuzz), -3 on a user's KDIR tree.
am_options() {
	[ -z "${KDIR:-}" ] || echo -3
}

# patch_stamps: one line per patch of the series, in order: the content
# stamp of the patch file.  apply.sh keeps the commit of each next to it,
# to apply only from the first patch that changed.
patch_stamps() {
	local f
	for f in $(series_files); do content_stamp <"$TOP/patches/$f"; done
}

# series_stamp BASE: names the series as apply.sh applies it on BASE.
series_stamp() {
	local f
	{
		echo "$1 $(am_options)"
		cat "$TOP/series"
		for f in $(series_files); do cat "$TOP/patches/$f"; done
	} | content_stamp
}

# am_series DIR [SKIP]: git am the series in DIR (a checkout at the base,
# or at the commit of its first SKIP patches).  On failure: one error line
# naming the patch, the failing hunks, git am aborted, and status 1.
am_series() {
	local dir=$1 skip=${2:-0} f n bad paths=() files=() am_opts log
	mapfile -t files < <(series_files | tail -n +"$((skip + 1))")
	[ ${#files[@]} -gt 0 ] || return 0
	for f in "${files[@]}"; do paths+=("$TOP/patches/$f"); done
	read -r -a am_opts <<<"$(am_options)"
	log=$(git -C "$dir" rev-parse --path-format=absolute --git-path am.log)
	# git am needs a committer; do not depend on the machine having one.
	git -C "$dir" config user.email >/dev/null 2>&1 ||
		export GIT_COMMITTER_NAME=gpuvm-series GIT_COMMITTER_EMAIL=gpuvm-series@localhost
	git -C "$dir" am --abort >/dev/null 2>&1 || true
	git -C "$dir" am -q --committer-date-is-author-date "${am_opts[@]}" "${paths[@]}" >"$log" 2>&1 && return 0
	n=$(cat "$(git -C "$dir" rev-parse --path-format=absolute --git-path rebase-apply/next)" 2>/dev/null || echo 1)
	bad=${files[$((n - 1))]}
	note "error: patch $bad does not apply to $(git -C "$dir" rev-parse --short HEAD) ($(tree_desc))"
	# git apply -v names each failing hunk and prints the lines it searched for.
	git -C "$dir" am --show-current-patch=diff 2>/dev/null | git -C "$dir" apply --check -v 2>&1 |
		grep -v '^Checking patch\|^Hunk .* succeeded\|^Applied patch' |
		sed -e 's/^error: //' -e 's/^/  | /' | head -n 40 >&2 || true
	git -C "$dir" am --abort >/dev/null 2>&1 || true
	return 1
}

# need_applied: the tree and base of this run, with the current series
# applied on that base as branch "applied" (apply.sh, make apply).  Sets
# TREE, BASE_REV (the base commit) and APPLIED_REV; one error line when the
# branch is missing or stale.
need_applied() {
	local stampfile stamp applied
	BASE_REV=$(tree_base)
	TREE=$(tree_dir)
	[ -d "$TREE/.git" ] || die "no kernel tree in $TREE for $(tree_desc): run make apply first"
	stampfile=$(git -C "$TREE" rev-parse --path-format=absolute --git-path gpuvm-applied)
	read -r stamp applied 2>/dev/null <"$stampfile" || true
	APPLIED_REV=$(git -C "$TREE" rev-parse -q --verify refs/heads/applied) &&
		[ "${stamp:-}" = "$(series_stamp "$BASE_REV")" ] && [ "${applied:-}" = "$APPLIED_REV" ] ||
		die "the series is not applied on $(tree_desc) in $TREE (no branch applied, or patches or BASE changed since): run make apply first"
}

# worktree_at WT REV [PATH...]: WT is a detached worktree of the tree,
# checked out at REV, with no change except in PATHs (which the caller
# keeps).  A worktree of another repository, or a broken one, is made
# again.  An unchanged worktree keeps its time stamps, so that its build
# directory is not rebuilt.
worktree_at() {
	local wt=$1 rev=$2 tree common p excl=()
	shift 2
	tree=$(tree_dir)
	common=$(git -C "$tree" rev-parse --path-format=absolute --git-common-dir)
	if [ -e "$wt" ] &&
		[ "$(git -C "$wt" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" != "$common" ]; then
		rm -rf "$wt"
	fi
	if [ ! -e "$wt" ]; then
		need_space "$(dirname "$wt")" 4096 "the worktree $wt"
		git -C "$tree" worktree prune
		git -C "$tree" worktree add -q --detach "$wt" "$rev" >/dev/null 2>&1 ||
			die "cannot create the worktree $wt of $tree at $rev"
	fi
	for p; do excl+=(":!$p"); done
	if [ "$(git -C "$wt" rev-parse HEAD)" != "$(git -C "$wt" rev-parse "$rev^{commit}")" ] ||
		[ -n "$(git -C "$wt" status --porcelain -uno -- . "${excl[@]}")" ]; then
		git -C "$wt" checkout -q -f --detach "$rev" || die "cannot check out $rev in $wt"
	fi
}

# sparse_clone SRC DIR REV: a clone of SRC in DIR sharing its objects, on a
# branch at REV, with only the directories the series touches checked
# out: a fresh base in seconds that leaves SRC alone.
sparse_clone() {
	local dirs
	git clone -q --shared --no-checkout "$1" "$2" || die "cannot clone $1 into $2"
	dirs=$(for f in $(series_files); do
		grep -E '^diff --git ' "$TOP/patches/$f" | awk '{ sub(/^b\//, "", $4); print $4 }'
	done | xargs -r -n1 dirname | sort -u) || die "the series holds no diff to take the directories from"
	# shellcheck disable=SC2086 # one directory a word
	git -C "$2" sparse-checkout set --cone $dirs
	git -C "$2" checkout -q -b scratch "$3" || die "cannot check out $3 in $2"
}

# ---- Builds ------------------------------------------------------------------

# kernel_cc [COMPILER]: the CC= of every kernel build: COMPILER (default
# gcc), through ccache when ccache is installed.
# shellcheck disable=SC2120 # the callers are the scripts that source this
kernel_cc() {
	if command -v ccache >/dev/null 2>&1; then
		printf 'ccache %s\n' "${1:-gcc}"
	else
		printf '%s\n' "${1:-gcc}"
	fi
}

# The fragments merged into drivers/gpu/drm/tests/.kunitconfig for the
# KUnit kernel of the series: the debug options, and what the kmemleak and
# failslab boots need (also merged into the coverage kernel).
FAILSLAB_FRAGMENT=$TOP/kunit/failslab.config
# shellcheck disable=SC2034 # used by the scripts that source this
KUNIT_FRAGMENTS=("$TOP/kunit/debug.config" "$FAILSLAB_FRAGMENT")

# kunit_build_args [--no-ccache] FRAGMENT...: sets KUNIT_BUILD, kunit.py's
# arguments that configure and build a UML kernel of drivers/gpu/drm/tests
# with the FRAGMENTs merged (relative to the tree or absolute), compiled
# with kernel_cc (or plain gcc) on all CPUs.
kunit_build_args() {
	local cc f
	cc=$(kernel_cc)
	if [ "${1:-}" = --no-ccache ]; then
		cc=gcc
		shift
	fi
	KUNIT_BUILD=(--arch=um --kunitconfig=drivers/gpu/drm/tests)
	for f; do KUNIT_BUILD+=(--kunitconfig="$f"); done
	KUNIT_BUILD+=(--make_options "CC=$cc" --jobs="$(nproc)")
}

# ---- Timings ---------------------------------------------------------------

# now: the wall clock in seconds, with nanoseconds.  elapsed T0 [T1]: the
# seconds from T0 to T1 (default: now), one decimal.
now() {
	date +%s.%N
}

elapsed() {
	awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.1f\n", b - a }'
}

# ---- Content stamps ----------------------------------------------------------
#
# A build or a run is reused when the stamp of everything it depends on is
# the one written after the last good one.

# content_stamp: the stamp of stdin.
content_stamp() {
	sha1sum | cut -c1-40
}

# kunit_build_inputs DIR: the arguments KUNIT_BUILD as the stamps below see
# them, for the tree DIR: each kunitconfig by its contents, not its path,
# the other arguments as they are.
kunit_build_inputs() {
	local a f
	for a in "${KUNIT_BUILD[@]}"; do
		case $a in
		--kunitconfig=*)
			f=${a#--kunitconfig=}
			[[ $f == /* ]] || f=$1/$f
			[ ! -d "$f" ] || f=$f/.kunitconfig
			cat "$f"
			;;
		*) printf '%s\n' "$a" ;;
		esac
	done
}

# kunit_stamp DIR [FILE...]: the stamp of a KUnit build of the tree DIR with
# the arguments KUNIT_BUILD: DIR's committed tree and its uncommitted
# changes, the arguments (the kunitconfigs by their contents, not their
# paths) and the FILEs.
kunit_stamp() {
	local dir=$1
	shift
	{
		git -C "$dir" rev-parse 'HEAD^{tree}'
		git -C "$dir" diff HEAD
		kunit_build_inputs "$dir"
		[ $# = 0 ] || cat "$@"
	} | content_stamp
}

# kunit_config_stamp DIR: the stamp of what the configuration of a KUnit
# build of DIR depends on: the arguments KUNIT_BUILD with the kunitconfigs'
# contents, and every Kconfig file and kunit.py configuration of the tree,
# committed or not.  While it stays the same, the .config that kunit.py
# made and checked stays right, and kbuild's make alone rebuilds the tree
# (kunit.sh also checks that make left the .config as kunit.py checked it).
kunit_config_stamp() {
	local dir=$1 paths=(':(glob)**/Kconfig*' 'tools/testing/kunit/configs')
	{
		git -C "$dir" ls-files -s -- "${paths[@]}"
		git -C "$dir" diff HEAD -- "${paths[@]}"
		kunit_build_inputs "$dir"
		# The tools whose versions Kconfig tests and kbuild does not watch.
		as --version 2>/dev/null | head -n 1
		ld --version 2>/dev/null | head -n 1
	} | content_stamp
}

# kunit_make_args: kbuild's arguments in the same form as kunit.py gives
# them for KUNIT_BUILD (ARCH, O= is the caller's, --jobs, the make options),
# so that make alone sees the same command lines and rebuilds nothing more.
kunit_make_args() {
	local a next=0
	KUNIT_MAKE=(ARCH=um)
	for a in "${KUNIT_BUILD[@]}"; do
		if [ $next = 1 ]; then
			KUNIT_MAKE+=("$a")
			next=0
			continue
		fi
		case $a in
		--make_options) next=1 ;;
		--jobs=*) KUNIT_MAKE+=("$a") ;;
		esac
	done
}

# stamp_matches FILE STAMP: FILE's first line is STAMP.
stamp_matches() {
	[ -f "$1" ] && [ "$(head -n 1 "$1")" = "$2" ]
}

# ---- Debian's archive, privately ----------------------------------------------

# debian_mirror: the Debian archive the system's apt already uses: the URI
# serving the release named after this system's codename (not -security,
# not a third party), or DEBIAN_MIRROR.
debian_mirror() {
	local codename mirror=${DEBIAN_MIRROR:-}
	if [ -z "$mirror" ]; then
		codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
		mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 2>/dev/null |
			awk -v c="$codename" '$1 == c { print $2; exit }' || true)
		[ -n "$mirror" ] ||
			die "no Debian mirror for '$codename' in the system's apt sources (set DEBIAN_MIRROR=)"
	fi
	printf '%s\n' "$mirror"
}

# private_apt DIR TYPE MIRROR SUITE: a fresh apt configuration of its own in
# DIR (sources list, state, cache) for the main component of SUITE on
# MIRROR, TYPE deb or deb-src, signed by Debian's archive key, so that
# /etc/apt is never written; sets APT_OPTS for apt-get and apt-cache.
private_apt() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/etc/parts"
	printf '%s [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$2" "$3" "$4" >"$dir/etc/sources.list"
	# shellcheck disable=SC2034 # used by the caller
	APT_OPTS=(-o "Dir::Etc::sourcelist=$dir/etc/sources.list"
		-o "Dir::Etc::sourceparts=$dir/etc/parts"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir/cache"
		-o "Dir::State::status=/dev/null"
		-o "APT::Sandbox::User=root"
		-q)
}

# kunit_first_error LOG: the line of a kunit.py log that names why it
# stopped before running anything (a Kconfig option it could not set, or
# the first compiler error); nothing when there is none.
kunit_first_error() {
	if grep -q 'Not all Kconfig options' "$1"; then
		echo "configuration: $(grep -m1 '^Missing:' "$1" || echo 'options missing')"
		return 0
	fi
	grep -m1 -E '(^|[^A-Za-z])(error|Error|ERROR)[: ]' "$1" || true
}

# with_build_lock CMD...: never two kernel builds at once on this machine.
# Under hold_build_lock, CMD runs at once: the lock is this script's.
with_build_lock() {
	[ -z "${BUILD_LOCK_FD:-}" ] || { "$@"; return; }
	mkdir -p "$(dirname "$LOCK")"
	flock "$LOCK" "$@"
}

# hold_build_lock: take the build lock on a file descriptor and keep it
# until release_build_lock or the end of the script (children inherit it),
# for a script that measures and must keep every other build away.  Its
# with_build_lock runs at once; a child script that takes the same lock
# would wait for ever.
hold_build_lock() {
	mkdir -p "$(dirname "$LOCK")"
	exec {BUILD_LOCK_FD}>>"$LOCK" || die "cannot open the build lock $LOCK"
	flock "$BUILD_LOCK_FD" || die "cannot take the build lock $LOCK"
}

release_build_lock() {
	[ -z "${BUILD_LOCK_FD:-}" ] || exec {BUILD_LOCK_FD}>&-
	BUILD_LOCK_FD=
}

# boot_gpuvm_alone SECONDS BDIR LOG JSON OUT: boot the KUnit kernel of BDIR
# with only the drm_gpuvm suites (lockdep stays on: no upstream suite runs
# before them), at most SECONDS; the raw log goes to LOG, kunit.py parse's
# JSON to JSON and its output to OUT (run from the kernel tree).  Prints
# the kernel's exit status.
boot_gpuvm_alone() {
	local rc=0
	timeout "$1" "$2/linux" 'kunit.filter_glob=drm_gpuvm*' kunit.enable=1 mem=1G console=tty \
		kunit_shutdown=halt </dev/null 2>&1 | tr -d '\r' >"$3" || rc=$?
	python3 tools/testing/kunit/kunit.py parse --json="$4" "$3" >"$5" 2>&1 || true
	echo "$rc"
}

# alone_args DIR: summary.py's --alone arguments for the results in DIR, when
# kunit.sh ran the drm_gpuvm suites alone there.
alone_args() {
	[ -f "$1/kunit-gpuvm.json" ] && printf '%s\n' --alone "$1/kunit-gpuvm.json" "$1/test-gpuvm.log"
	return 0
}
