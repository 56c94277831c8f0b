#!/usr/bin/env bash
# `make mutate`: how many realistic single-line bugs of drm_gpuvm.c and
# drm_gpuvm.h the drm_gpuvm suites catch.
#
# Each patch in mutants/ is one such bug, against the files as the whole
# series leaves them.  For each: apply it to the applied tree, rebuild the
# KUnit kernel incrementally (kbuild's make in the build directory of
# kunit.sh, debug fragment included), boot the drm_gpuvm suites, restore
# the file and judge (scripts/mutate.py): KILLED when a case fails (what a
# plain kunit.py run reports), the kernel crashes or hangs, or the log has
# a splat the unmutated run has not; otherwise SURVIVED, and the mutant's
# "Survives:" line must say why.  The table goes to $RESULTS/mutate/table.txt;
# its last line is "killed K of N".
#
# kunit.sh's stamp follows the committed tree, not the build: while the
# mutants run it is removed, so that an interrupted run leaves a build the
# next `make` rebuilds.  At the end the unmutated kernel is built again and
# the stamp written back.  The whole run holds the build lock.
#
# usage: mutate.sh [MUTANT...]   (default: every mutants/*.patch)
. "$(dirname "$0")/lib.sh"

mutants=()
for m in "$@"; do
	[ -f "$m" ] || die "mutate: no mutant $m"
	mutants+=("$(realpath "$m")")
done
tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
need_applied
cd "$TREE" || die "cannot enter $TREE"
[ -f drivers/gpu/drm/tests/drm_gpuvm_test.c ] || die "mutate: the series has no drm_gpuvm suite to measure"

if [ ${#mutants[@]} = 0 ]; then
	mutants=("$TOP"/mutants/*.patch)
	[ -e "${mutants[0]}" ] || die "mutate: no mutant in $TOP/mutants"
fi

out=$RESULTS/mutate
rm -rf "$out"
mkdir -p "$out"
bdir=$(build_dir)

# The unmutated kernel, as make builds it, and its own run: the cases a
# mutant's run must report and the splats it may show.
"$TOP/scripts/kunit.sh" --build-only "$TREE" || exit 1
note "mutate: ${#mutants[@]} mutants, waiting for the build lock"
hold_build_lock
kunit_build_args "${KUNIT_FRAGMENTS[@]}"
kunit_make_args
stamp=$(cat "$bdir/.gpuvm-stamp")
restore() {
	git -C "$TREE" checkout -q -f -- drivers/gpu/drm/drm_gpuvm.c include/drm/drm_gpuvm.h
}
trap 'restore' EXIT
rm -f "$bdir/.gpuvm-stamp"

# boot LOG JSON: the drm_gpuvm suites alone, as kunit.sh's second boot;
# prints the kernel's exit status.
boot() {
	boot_gpuvm_alone 120 "$bdir" "$1" "$2" /dev/null
}

boot "$out/reference.log" "$out/reference.json" >/dev/null
"$TOP/scripts/mutate.py" reference "$out/reference.json" "$out/reference.log" \
	"$out/reference.cases" "$out/reference.splats" || exit 1

rebuild() {
	make "${KUNIT_MAKE[@]}" O="$bdir" >"$1" 2>&1
}

n=0
for m in "${mutants[@]}"; do
	n=$((n + 1))
	name=$(basename "$m")
	if ! git apply --check "$m" 2>"$out/$name.apply"; then
		echo "does not apply to $(git rev-parse --short HEAD): $(head -n 1 "$out/$name.apply")" >"$out/$name.error"
		echo "$n/${#mutants[@]} ERROR $name: does not apply"
		continue
	fi
	git apply "$m"
	if ! rebuild "$out/$name.build"; then
		echo "does not build: $(kunit_first_error "$out/$name.build")" >"$out/$name.error"
		echo "$n/${#mutants[@]} ERROR $name: does not build"
		restore
		continue
	fi
	rc=$(boot "$out/$name.log" "$out/$name.kunit.json")
	restore
	printf '%s ' "$n/${#mutants[@]}"
	"$TOP/scripts/mutate.py" verdict --mutant "$m" --log "$out/$name.log" --json "$out/$name.kunit.json" \
		--rc "$rc" --reference "$out/reference.splats" --expect "$out/reference.cases" \
		--out "$out/$name.json" || echo "mutate.py failed on $name" >"$out/$name.error"
done

# The unmutated kernel again, and kunit.sh's stamp with it.
note "mutate: building the unmutated kernel again"
rebuild "$out/restore.build" || die "mutate: the unmutated kernel does not build again (log: $out/restore.build)"
echo "$stamp" >"$bdir/.gpuvm-stamp"
trap - EXIT

"$TOP/scripts/mutate.py" table "$out" "${mutants[@]}" | tee "$out/table.txt"
rc=${PIPESTATUS[0]}
echo "(also in $out/table.txt)"
exit "$rc"
