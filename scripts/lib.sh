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
	avail=$(df -Pm "$1" | awk 'NR == 2 { print $4 }')
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

# ---- Content stamps ----------------------------------------------------------
#
# A build or a run is reused when the stamp of everything it depends on is
# the one written after the last good one.

# content_stamp: the stamp of stdin.
content_stamp() {
	sha1sum | cut -c1-40
}

# kunit_stamp DIR [FILE...]: the stamp of a KUnit build of the tree DIR with
# the arguments KUNIT_BUILD: DIR's committed tree and its uncommitted
# changes, the arguments (the kunitconfigs by their contents, not their
# paths) and the FILEs.
kunit_stamp() {
	local dir=$1 a f
	shift
	{
		git -C "$dir" rev-parse 'HEAD^{tree}'
		git -C "$dir" diff HEAD
		for a in "${KUNIT_BUILD[@]}"; do
			case $a in
			--kunitconfig=*)
				f=${a#--kunitconfig=}
				[[ $f == /* ]] || f=$dir/$f
				[ ! -d "$f" ] || f=$f/.kunitconfig
				cat "$f"
				;;
			*) printf '%s\n' "$a" ;;
			esac
		done
		[ $# = 0 ] || cat "$@"
	} | content_stamp
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
			awk -v c="$codename" '$1 == c { print $2; exit }')
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
with_build_lock() {
	mkdir -p "$(dirname "$LOCK")"
	flock "$LOCK" "$@"
}
