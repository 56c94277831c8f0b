#!/usr/bin/env bash
# The drm_gpuvm suites on an SMP kernel: x86_64 under QEMU with two CPUs
# (TCG only), with the debug fragment (KASAN, lockdep, ...).  The failslab
# fragment, with UML's HOSTFS, is left out: it serves the kmemleak boots,
# which are UML's.  UML is uniprocessor, so this is where the race cases
# of the suites run on more than one CPU.  Prints the CPU count the kernel
# reports and the summary; not part of make check (a cold build takes
# about as long as the UML one, and TCG is slow).
. "$(dirname "$0")/lib.sh"

command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is missing: apt-get install qemu-system-x86"
tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
cd "$tree"
out=$RESULTS/smp
bdir=$(tree_build smp-x86_64)
mkdir -p "$out" "$bdir"
need_space "$BUILD_ROOT" 2048 "the SMP KUnit build"
rm -f "$out/kunit.json" "$bdir/test.log"
export PATH=$TOP/ci/bin:$PATH
cc=$(kernel_cc)
t0=$SECONDS
rc=0
with_build_lock python3 tools/testing/kunit/kunit.py run \
	--qemu_config="$TOP/ci/qemu/x86_64-smp.py" --build_dir="$bdir" \
	--kunitconfig=drivers/gpu/drm/tests --kunitconfig="$TOP/kunit/debug.config" \
	--make_options "CC=$cc" --jobs="$(nproc)" --timeout=3600 \
	--json="$out/kunit.json" 'drm_gpuvm*' >"$out/kunit.out" 2>&1 || rc=$?
[ -f "$out/kunit.json" ] ||
	die "SMP KUnit run failed (kunit.py exit $rc): $(kunit_first_error "$out/kunit.out") (log: $out/kunit.out)"
cp "$bdir/test.log" "$out/test.log"
cpus=$(grep -o -m1 'Brought up [0-9]* node[s]*, [0-9]* CPU[s]*' "$out/test.log" || true)
echo "smp: ${cpus:-the kernel did not report its CPUs} ($((SECONDS - t0)) s; log $out/test.log)"
case $cpus in *", 1 CPU") die "the SMP kernel came up with one CPU" ;; "") die "the SMP kernel did not report its CPUs" ;; esac
"$TOP/scripts/summary.py" "$out/kunit.json" "$out/test.log" --require-gpuvm \
	--known "$TOP/kunit/upstream-splats" --out "$out/summary.txt"
