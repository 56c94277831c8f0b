#!/usr/bin/env bash
# Install what the pipeline needs on a Debian machine.  As root, missing
# packages are installed with apt-get; otherwise the exact apt-get command
# is printed and the script stops.
#
# usage: deps.sh [run|check|coverage|ci-drm|bench]
. "$(dirname "$0")/lib.sh"

# command:package pairs.  checkpatch's codespell check reads the dictionary
# of Debian's codespell package.
want="gcc:gcc make:make flex:flex bison:bison bc:bc perl:perl python3:python3
git:git xz:xz-utils ccache:ccache quilt:quilt flock:util-linux
codespell:codespell"
# Checked by file, not command: checkpatch's SPDX check imports these.
[ -e /usr/lib/python3/dist-packages/ply ] || want="$want /nonexistent:python3-ply"
[ -e /usr/lib/python3/dist-packages/git ] || want="$want /nonexistent:python3-git"
case ${1:-run} in
check) want="$want b4:b4 spatch:coccinelle ocamlopt:ocaml-nox shellcheck:shellcheck" ;;
coverage) want="$want lcov:lcov" ;;
bench) want="$want gnuplot:gnuplot-nox" ;;
ci-drm) want="$want clang-19:clang-19 ld.lld-19:lld-19 llvm-ar-19:llvm-19
	qemu-system-x86_64:qemu-system-x86 qemu-system-arm:qemu-system-arm" ;;
esac

missing=
for pair in $want; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
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
