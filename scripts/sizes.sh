#!/usr/bin/env bash
# sizeof(struct drm_gpuva), (struct drm_gpuvm_bo) and (struct drm_gpuvm) on
# the base and with the series, on x86_64, arm64 and arm (32-bit): the
# sizes of every mapping, vm_bo and VM a driver pays for.  Per arch, a
# defconfig build directory (LLVM, LLVM_VERSION default 19) is prepared
# once, at the applied series in the static worktree of the tree (see
# check-static.sh), and a probe that includes <drm/drm_gpuvm.h> is compiled
# there with kbuild's own flags, once with the series' header and once with
# the base's one in front of it; the sizes are the probe's symbol sizes.
# Prints one line per arch and writes $RESULTS/sizes/sizes.json.
#
# usage: sizes.sh [ARCH...]
. "$(dirname "$0")/lib.sh"

ver=${LLVM_VERSION:-19}
for c in clang-$ver ld.lld-$ver llvm-nm-$ver; do
	command -v "$c" >/dev/null || die "$c is missing (apt-get install clang-$ver lld-$ver llvm-$ver)"
done
tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
need_applied
# The base's header is put in front of the series' one: that measures the
# base only if the series changes no other header.
other=$(git -C "$TREE" diff --name-only "$BASE_REV" "$APPLIED_REV" -- include 'arch/*/include' |
	grep -vx include/drm/drm_gpuvm.h || true)
[ -z "$other" ] || die "the series changes headers besides include/drm/drm_gpuvm.h ($(echo $other)): the probe cannot measure the base"
wt=$(tree_scratch static)
worktree_at "$wt" "$APPLIED_REV"
out=$RESULTS/sizes
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/base/include/drm"
git -C "$TREE" show "$BASE_REV:include/drm/drm_gpuvm.h" >"$tmp/base/include/drm/drm_gpuvm.h"
structs="drm_gpuva drm_gpuvm_bo drm_gpuvm"
{
	echo '#include <drm/drm_gpuvm.h>'
	for s in $structs; do echo "char sizeof_${s}[sizeof(struct $s)];"; done
} >"$tmp/probe.c"
cc=$(kernel_cc "clang-$ver")
archs=${*:-x86_64 arm64 arm}
declare -A sz
json="{"
for arch in $archs; do
	bdir=$(tree_build "sizes-$arch")
	mk=(make -C "$wt" O="$bdir" ARCH="$arch" LLVM="-$ver" CC="$cc" -j"$(nproc)")
	log=$out/build-$arch.log
	if [ ! -f "$bdir/.config" ]; then
		mkdir -p "$bdir"
		with_build_lock "${mk[@]}" defconfig >"$log" 2>&1 || { rm -f "$bdir/.config"; die "$arch defconfig failed (log: $log)"; }
	fi
	# One object of lib/ gives kbuild's command line for this arch.
	with_build_lock "${mk[@]}" prepare lib/sort.o >>"$log" 2>&1 || die "$arch prepare failed (log: $log)"
	cmd=$(sed -n 's/^savedcmd_lib\/sort\.o := //p' "$bdir/lib/.sort.o.cmd")
	[ -n "$cmd" ] || die "no compile command in $bdir/lib/.sort.o.cmd"
	line="$arch:"
	json+="\"$arch\": {"
	for s in $structs; do sz[$s]=; done
	for side in base series; do
		# kbuild's line without its dependency file, objtool and output.
		args=$(python3 - "$cmd" "$side" "$tmp" "$wt" <<'PY'
import shlex, sys
cmd, side, tmp, wt = sys.argv[1:]
cmd = cmd.split(';')[0]
words = shlex.split(cmd)
out = []
skip = 0
for w in words:
    if skip:
        skip -= 1
        continue
    if w.startswith('-Wp,-MMD') or w.startswith('-DKBUILD_'):
        continue
    if w in ('-c', '-o'):
        skip = 1 if w == '-o' else 0
        continue
    if w.endswith('/lib/sort.c') or w == 'lib/sort.c':
        continue
    if side == 'base' and w == '-I' + wt + '/include':
        out.append('-I' + tmp + '/base/include')
    out.append(w)
print(shlex.join(out))
PY
		) || die "cannot read the compile command of $bdir/lib/.sort.o.cmd"
		grep -q -- "-I$tmp/base/include" <<<"$args" || [ "$side" = series ] ||
			die "no -I$wt/include in kbuild's command line for $arch: the base's header cannot be put in front"
		eval "set -- $args"
		(cd "$bdir" && "$@" -c -o "$tmp/probe-$side.o" "$tmp/probe.c") >>"$log" 2>&1 ||
			die "the $side probe does not compile for $arch (log: $log)"
		for s in $structs; do
			n=$(llvm-nm-"$ver" -S "$tmp/probe-$side.o" | awk -v s="sizeof_$s" '$4 == s { print $2 }')
			[ -n "$n" ] || die "no sizeof_$s in the $side probe for $arch"
			n=$((16#$n))
			sz[$s]+="${sz[$s]:+ }$n"
		done
	done
	sep=
	for s in $structs; do
		read -r b p <<<"${sz[$s]}"
		line+=" struct $s $b -> $p"
		[ "$b" = "$p" ] && line+=" (same)," || line+=" ($((p - b > 0 ? p - b : b - p)) bytes $([ "$p" -gt "$b" ] && echo more || echo fewer)),"
		json+="$sep\"$s\": {\"base\": $b, \"series\": $p}"
		sep=", "
	done
	echo "${line%,}"
	json+="}, "
done
json="${json%, }}"
printf '%s\n' "$json" >"$out/sizes.json"
