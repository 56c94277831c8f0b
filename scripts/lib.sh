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

# tree_dir: the kernel tree the pipeline applies to and builds.  With KDIR,
# a scratch clone of the user's repository, so that the user's working tree,
# index and branches are never touched.
tree_dir() {
	if [ -n "${KDIR:-}" ]; then
		printf '%s/kdir/%s\n' "$CACHE" "$(printf '%s' "$(realpath -m "$KDIR")" | sha1sum | cut -c1-12)"
	else
		printf '%s\n' "$BASE_REPO"
	fi
}

build_dir() {
	printf '%s/kunit-%s\n' "$BUILD_ROOT" "$(basename "$(tree_dir)")"
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

# alone_args DIR: summary.py's --alone arguments for the results in DIR, when
# kunit.sh ran the drm_gpuvm suites alone there.
alone_args() {
	[ -f "$1/kunit-gpuvm.json" ] && printf '%s\n' --alone "$1/kunit-gpuvm.json" "$1/test-gpuvm.log"
	return 0
}
