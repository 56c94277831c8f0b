#!/usr/bin/env bash
# b4's send-auto-to-cmd / send-auto-cc-cmd, run by b4 in the kernel tree
# with a patch on stdin.
#   to: the M: entries of the "DRM GPUVM" section of MAINTAINERS;
#   cc: everyone else scripts/get_maintainer.pl names for the patch.
set -euo pipefail
to=$(awk '/^DRM GPUVM$/ { s = 1; next } s && /^$/ { exit } s && /^M:/ { sub(/^M:[ \t]*/, ""); print }' MAINTAINERS)
case ${1:-} in
to) printf '%s\n' "$to" ;;
cc)
	scripts/get_maintainer.pl --nogit --nogit-fallback --nogit-chief-penguins --norolestats |
		grep -v -x -F "$to" || true
	;;
*) echo "usage: b4-addresses.sh to|cc" >&2; exit 2 ;;
esac
