#!/usr/bin/env bash
# Bisectability: every prefix of the series applies, builds with W=1 (the
# objects the series touches) and passes the drm_gpuvm suite and the
# upstream DRM suites under the debug fragment.
. "$(dirname "$0")/lib.sh"

tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
need_applied
cd "$TREE" || die "cannot enter $TREE"
n=$(git rev-list --count "$BASE_REV..$APPLIED_REV")
bdir=$(build_dir)
trap 'git -C "$TREE" checkout -q applied' EXIT
cc=$(kernel_cc)
failed=0
for k in $(seq 1 "$n"); do
	rev=$(git rev-parse "$APPLIED_REV~$((n - k))")
	subject=$(git log -1 --format=%s "$rev")
	git checkout -q --detach "$rev"
	# kunit.sh configures and builds the kernel; then W=1 on the touched objects.
	log=$RESULTS/bisect-$k
	mkdir -p "$log"
	if ! RESULTS=$log "$TOP/scripts/kunit.sh" "$TREE" 2>"$log/err"; then
		echo "FAIL $k/$n $subject: $(grep -m1 '^error' "$log/err")"
		failed=$((failed + 1))
		continue
	fi
	# msm does not build for UML: its patch is compiled by make users.
	objs=$(git diff --name-only "$BASE_REV" "$rev" -- '*.c' ':!drivers/gpu/drm/msm' | sed 's/\.c$/.o/') ||
		die "cannot list the .c files that $k/$n changes"
	# shellcheck disable=SC2086
	with_build_lock make -s ARCH=um O="$bdir" W=1 CC="$cc" -j"$(nproc)" $objs >"$log/w1.log" 2>&1 || true
	warns=$(grep -c 'warning:' "$log/w1.log" || true)
	require=
	git cat-file -e "$rev:drivers/gpu/drm/tests/drm_gpuvm_test.c" 2>/dev/null && require=--require-gpuvm
	# shellcheck disable=SC2086
	mapfile -t alone < <(alone_args "$log")
	if sum=$("$TOP/scripts/summary.py" "$log/kunit.json" "$log/test.log" $require --known "$TOP/kunit/upstream-splats" "${alone[@]}") &&
		[ "$warns" = 0 ]; then
		echo "PASS $k/$n $subject: W=1 clean (${objs//$'\n'/ }); $(grep '^RESULT' <<<"$sum")"
	else
		echo "FAIL $k/$n $subject: W=1 warnings $warns; $(grep '^RESULT' <<<"$sum")"
		grep 'warning:' "$log/w1.log" | head -n 5 || true
		failed=$((failed + 1))
	fi
done
echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ] || die "bisect: $failed of $n prefixes of the series failed (logs: $RESULTS/bisect-*)"
