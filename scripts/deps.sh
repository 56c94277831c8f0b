#!/usr/bin/env bash
# Install what a target needs on a Debian machine.  As root, missing
# packages are installed with apt-get; otherwise the exact apt-get command
# is printed and the script stops.
#
# usage: deps.sh [PROFILE]        PROFILE: run (default), check, coverage,
#                                 ci-drm, users, bench, send-dry, smp,
#                                 sizes
#        deps.sh --list PROFILE   print PROFILE's requirements, one
#                                 THING:PACKAGE a line, and install nothing
#
# A requirement is THING:PACKAGE: THING is a command looked up on PATH, or
# an absolute path (a header, a Python module, a data file), and PACKAGE
# is the Debian package that provides it (dpkg -S).  What a fresh Debian
# machine has (coreutils, util-linux, tar, dpkg, apt, perl-base, mount ...)
# is not listed.  The script test deps_profiles checks every target's
# needs against these lists.
. "$(dirname "$0")/lib.sh"

# Every profile: fetch and unpack the base, apply, build the UML KUnit
# kernel, boot it for kmemleak (objdump), the summary.  The kernel build
# links UML against the C library (libc6-dev: gcc only recommends it).
# perl is the full one: checkpatch and get_maintainer.pl use modules that
# perl-base lacks; perldoc is a file of the perl package itself.
build="git:git xz:xz-utils make:make gcc:gcc /usr/include/stdio.h:libc6-dev
flex:flex bison:bison bc:bc /usr/bin/perldoc:perl python3:python3
ccache:ccache objdump:binutils"
# LLVM as drm-ci uses it (LLVM=-19).
llvm="clang-19:clang-19 ld.lld-19:lld-19 llvm-ar-19:llvm-19"

profile=${1:-run}
list=0
if [ "$profile" = --list ]; then
	list=1
	profile=${2:?usage: deps.sh --list PROFILE}
fi
case $profile in
run) want=$build ;;
# checkpatch: codespell's dictionary, and Debian's python3 with ply and git
# for its SPDX check; coccicheck; the b4 round trip; shellcheck of the
# scripts.  sparse is built from source with gcc and make.
check) want="$build quilt:quilt codespell:codespell
	/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt:codespell
	/usr/lib/python3/dist-packages/ply:python3-ply /usr/lib/python3/dist-packages/git:python3-git
	b4:b4 spatch:coccinelle ocamlopt:ocaml-nox shellcheck:shellcheck" ;;
coverage) want="$build lcov:lcov genhtml:lcov gcov:gcc" ;;
bench) want="$build gnuplot:gnuplot-nox" ;;
# The x86_64 kernel builds objtool, which includes <gelf.h>.
ci-drm) want="$build $llvm /usr/include/gelf.h:libelf-dev
	qemu-system-x86_64:qemu-system-x86 qemu-system-aarch64:qemu-system-arm
	qemu-system-arm:qemu-system-arm" ;;
# The Rust build of make users (scripts/rust.sh): bookworm's rustc-web with
# its library source, and the clang/lld/llvm of the LLVM that rustc-web is
# built on (22); bindgen is built from sid's sources by rust.sh itself.
# x86_64's objtool includes <gelf.h>; the x86_64 defconfig needs OpenSSL.
users) want="$build $llvm /usr/bin/rustc:rustc-web /usr/bin/cargo:cargo-web
	/usr/lib/rustlib/src/rust:rust-web-src clang-22:clang-22 ld.lld-22:lld-22 llvm-ar-22:llvm-22
	/usr/lib/llvm-22/lib/libclang.so:libclang-22-dev /usr/include/gelf.h:libelf-dev
	/usr/include/openssl/ssl.h:libssl-dev" ;;
# An x86_64 kernel under QEMU: objtool includes <gelf.h>.
smp) want="$build /usr/include/gelf.h:libelf-dev qemu-system-x86_64:qemu-system-x86" ;;
send-dry) want="$build b4:b4" ;;
# Three defconfig prepares with LLVM and a probe read with llvm-nm: x86_64
# builds objtool (<gelf.h>) and its defconfig needs OpenSSL.
sizes) want="$build $llvm llvm-nm-19:llvm-19 /usr/include/gelf.h:libelf-dev
	/usr/include/openssl/ssl.h:libssl-dev" ;;
*) die "deps.sh: no dependency profile named '$profile' (run, check, coverage, ci-drm, users, bench, send-dry, smp, sizes)" ;;
esac

if [ $list = 1 ]; then
	# shellcheck disable=SC2086 # one requirement a line
	printf '%s\n' $want
	exit 0
fi

missing=
for pair in $want; do
	thing=${pair%%:*}
	pkg=${pair#*:}
	case $thing in
	/*) [ -e "$thing" ] && continue ;;
	*) command -v "$thing" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
missing=${missing# }
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" != 0 ]; then
	die "missing packages; run as root: $cmd"
fi
note "installing: $missing"
log=$(mktemp "${TMPDIR:-/tmp}/deps.XXXXXX")
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is wanted
if ! apt-get install -y -q --no-install-recommends $missing >"$log" 2>&1; then
	apt-get update -q >>"$log" 2>&1 || true
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >>"$log" 2>&1 ||
		die "apt-get could not install: $missing (log: $log)"
fi
rm -f "$log"
