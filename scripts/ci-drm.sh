#!/usr/bin/env bash
# drm-ci's KUnit jobs (drivers/gpu/drm/ci/kunit.sh, kunit.yml) on the
# applied series: kunit.py run --arch {x86_64,arm64,arm} --make_options
# LLVM=1 --kunitconfig=drivers/gpu/drm/tests under QEMU, with Debian's
# clang/lld (LLVM_VERSION, default 19, as in drm-ci) and TCG only.
# Prints passed/failed and build time per arch.  drm-ci's config has no
# lockdep: the drm_gpuvm cases that need it skip ("requires CONFIG_..."),
# and summary.py --config-skips lists them; any other skip fails.
#
# usage: ci-drm.sh [ARCH...]
. "$(dirname "$0")/lib.sh"

ver=${LLVM_VERSION:-19}
for c in clang-$ver ld.lld-$ver qemu-system-x86_64 qemu-system-aarch64 qemu-system-arm; do
	command -v "$c" >/dev/null ||
		die "$c is missing: apt-get install clang-$ver lld-$ver llvm-$ver qemu-system-x86 qemu-system-arm"
done
tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
cd "$tree" || die "cannot enter $tree"
export PATH=$TOP/ci/bin:$PATH
cc=$(kernel_cc "clang-$ver")
failed=0
archs=${*:-x86_64 arm64 arm}
for arch in $archs; do
	out=$RESULTS/ci-$arch
	bdir=$(tree_build "ci-$arch")
	mkdir -p "$out"
	# A result of an earlier run must not pass this one.
	rm -f "$out/kunit.json" "$bdir/test.log"
	sel=(--arch="$arch")
	[ "$arch" = x86_64 ] && sel=(--qemu_config="$TOP/ci/qemu/x86_64.py")
	t0=$SECONDS
	rc=0
	with_build_lock python3 tools/testing/kunit/kunit.py run "${sel[@]}" \
		--build_dir="$bdir" --make_options "LLVM=-$ver" --make_options "CC=$cc" \
		--kunitconfig=drivers/gpu/drm/tests --jobs="$(nproc)" --timeout=900 \
		--json="$out/kunit.json" >"$out/kunit.out" 2>&1 || rc=$?
	# kunit.py prints no build time when it stopped before or during the
	# build: then the FAIL line below names why.
	build=$(grep -o '[0-9.]*s building' "$out/kunit.out" | tail -n 1 || true)
	line='' sum=''
	if [ -f "$out/kunit.json" ] && sum=$("$TOP/scripts/summary.py" "$out/kunit.json" "$bdir/test.log" --require-gpuvm --config-skips --known "$TOP/kunit/upstream-splats") &&
		line=$(grep '^RESULT' <<<"$sum"); then
		echo "PASS $arch: ${line#RESULT: }; ${build:-no build time} ($((SECONDS - t0)) s in all)"
		grep '^skipped:' <<<"$sum" | sed 's/^/     /' || true
	else
		failed=$((failed + 1))
		line=$(grep '^RESULT' <<<"$sum" || true)
		[ -n "$line" ] || line=$(kunit_first_error "$out/kunit.out")
		echo "FAIL $arch (kunit.py exit $rc): ${line:-$(tail -n 1 "$out/kunit.out")}; log $out/kunit.out"
	fi
done
total=$(wc -w <<<"$archs")
echo "$((total - failed)) passed, $failed failed"
[ $failed = 0 ] || die "ci-drm: $failed of $total architectures failed (logs: $RESULTS/ci-*/kunit.out)"
