#!/usr/bin/env bash
# kmemleak after the KUnit suites, and failslab at the allocation sites no
# driver op can fail.
#
# A KUnit UML run halts as soon as the suites end, before kmemleak could
# scan, so this boots the kernel that kunit.sh built again: the suites run
# at boot, and then the kernel goes on to userspace, with the host's / as a
# read-only hostfs root and a generated init script.  Four boots:
#  - "boot": all suites, then two scans; /sys/kernel/debug/kmemleak must
#    list no object, apart from leaks of upstream tests that the unpatched
#    base shows too (kunit/upstream-leaks);
#  - "site-1" to "site-3", one per kmemdup() call in drm_gpuva_sm_step()
#    (the copies of a remap's unmap, prev and next ops): after the
#    drm_gpuvm_sm suite ran at boot, failslab is armed with a stack trace
#    filter that matches that one call site and nothing else, the suite
#    runs again through its debugfs "run" file, failslab is disarmed and
#    kmemleak scans.  No object allocated in drm_gpuva_sm_step() may be
#    left unreferenced.  Cases of the injected run may fail: they get an
#    -ENOMEM they do not expect, and what they leak is not counted.  A
#    fresh boot per site keeps one site's aborted cases out of the next.
# Any KASAN, UBSAN, lockdep or BUG splat in any boot fails.
#
# The kernel needs CONFIG_DEBUG_KMEMLEAK, CONFIG_HOSTFS, CONFIG_FAILSLAB
# and CONFIG_FAULT_INJECTION_STACKTRACE_FILTER (kunit/debug.config).
#
# usage: kmemleak.sh [--failslab-only BUILD_DIR]
# Writes $RESULTS/kmemleak.log and $RESULTS/kmemleak-site-N.log (the
# boots); the last line sums up.  With --failslab-only (make coverage),
# the kernel of BUILD_DIR has no kmemleak: the site boots run, and only
# their injected failures are checked.
. "$(dirname "$0")/lib.sh"

bdir=$(build_dir)
leakcheck=1
if [ "${1:-}" = --failslab-only ]; then
	bdir=${2:?usage: kmemleak.sh [--failslab-only BUILD_DIR]}
	leakcheck=0
fi
linux=$bdir/linux
suite=drm_gpuvm_sm
mkdir -p "$RESULTS"
rm -f "$RESULTS"/kmemleak*.log

[ -x "$linux" ] || die "kmemleak: no kernel at $linux (run kunit.sh first)"
opts="CONFIG_HOSTFS CONFIG_FAILSLAB CONFIG_FAULT_INJECTION_STACKTRACE_FILTER CONFIG_KUNIT_DEBUGFS"
[ $leakcheck = 1 ] && opts="CONFIG_DEBUG_KMEMLEAK $opts"
for opt in $opts; do
	grep -qx "$opt=y" "$bdir/.config" ||
		die "kmemleak: $opt is not set in $bdir/.config (kunit/debug.config)"
done

# The return address of each kmemdup() call in drm_gpuva_sm_step(): the
# only frame that the stack trace filter lets fail.  The UML binary is not
# position independent, so System.map addresses are the run time ones.
fn=drm_gpuva_sm_step
range=$(sort "$bdir/System.map" | awk -v n="$fn" '
	found == 1 && $1 != start { print start, $1; found = 2 }
	$3 == n && !found { start = $1; found = 1 }')
[ -n "$range" ] || die "kmemleak: $fn is not in $bdir/System.map"
read -r start end <<<"$range"
# UML code is built with -mcmodel=large: calls go through a register that
# a movabs loaded with the callee's address.
kmemdup=$(awk '$3 == "kmemdup_noprof" || $3 == "kmemdup" { sub(/^0+/, "", $1); print $1; exit }' "$bdir/System.map")
[ -n "$kmemdup" ] || die "kmemleak: kmemdup is not in $bdir/System.map"
mapfile -t sites < <(objdump -d --no-show-raw-insn \
	--start-address="0x$start" --stop-address="0x$end" "$linux" | awk -v callee="$kmemdup" '
	ret { a = $1; sub(/:$/, "", a); print "0x" a; ret = 0 }
	/movabs +\$0x[0-9a-f]+,%/ { split($NF, p, ","); v = p[1]; sub(/^\$0x0*/, "", v); reg[p[2]] = v }
	/call/ {
		if ($0 ~ /<kmemdup(_noprof)?>/) ret = 1
		else if (match($0, /\*%[a-z0-9]+/) && reg[substr($0, RSTART + 1, RLENGTH - 1)] == callee) ret = 1
	}')
[ "${#sites[@]}" = 3 ] ||
	die "kmemleak: expected 3 kmemdup() calls in $fn, found ${#sites[@]} (objdump of $linux)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The init script runs inside UML from the host's file system, so its path
# is the same on both sides.  The kernel hands it the gpuvm_site= parameter
# in its environment.  169 is reboot(2) on x86_64; the magic numbers ask for
# a power off.  perl is part of every Debian system.
cat >"$tmp/init" <<INIT
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
d=/sys/kernel/debug
k=\$d/kmemleak
f=\$d/failslab
off() { perl -e 'syscall(169, 0xfee1dead, 672274793, 0x4321fedc, 0)'; }
mount -t sysfs sysfs /sys && mount -t debugfs debugfs \$d || off
echo "gpuvm-stage: userspace"
if [ -n "\${gpuvm_site:-}" ]; then
	echo N >\$f/ignore-gfp-wait
	echo 0 >\$f/verbose
	echo 1 >\$f/interval
	echo 0 >\$f/space
	echo 32 >\$f/stacktrace-depth
	echo \$gpuvm_site >\$f/require-start
	echo \$((gpuvm_site + 1)) >\$f/require-end
	echo 1000000 >\$f/times
	echo 100 >\$f/probability
	echo 1 >\$d/kunit/$suite/run
	echo 0 >\$f/probability
	echo "gpuvm-stage: injected \$((1000000 - \$(cat \$f/times)))"
fi
if [ -e \$k ]; then
	# Objects younger than 5 s are never reported.
	sleep 6
	if echo scan >\$k && echo scan >\$k; then
		echo "gpuvm-stage: report begin"
		cat \$k
		echo "gpuvm-stage: report end"
	else
		echo "gpuvm-stage: scan failed"
	fi
fi
echo "gpuvm-stage: done"
off
INIT
chmod +x "$tmp/init"

# boot LOG ARGS...: boot the kernel into the init script.
boot() {
	local log=$1 rc=0 splat
	shift
	# The host's / is read-only inside UML: nothing there is written.
	timeout 900 "$linux" mem=1G console=tty root=/dev/root rootfstype=hostfs \
		rootflags=/ ro init="$tmp/init" "$@" </dev/null >"$log" 2>&1 || rc=$?
	grep -q '^gpuvm-stage: done' "$log" ||
		die "kmemleak: $(basename "$log" .log) did not reach the end of its init script (kernel exit $rc; log: $log)"
	if grep -q '^gpuvm-stage: scan failed' "$log"; then
		die "kmemleak: the scan failed (log: $log)"
	fi
	if grep -q 'kmemleak: Kernel memory leak detector disabled' "$log"; then
		die "kmemleak: the detector disabled itself (log: $log)"
	fi
	splat=$(grep -m1 -E 'BUG: KASAN|UBSAN:|WARNING: possible|BUG: |general protection|Kernel panic' "$log" || true)
	[ -z "$splat" ] || die "kmemleak: splat: $splat (log: $log)"
}

# objects LOG: each object of the boot's kmemleak report on one line, the
# "unreferenced object" line followed by its backtrace's function names.
objects() {
	sed -n '/^gpuvm-stage: report begin/,/^gpuvm-stage: report end/p' "$1" | awk '
		/^unreferenced object/ { if (o != "") print o; o = $0; next }
		o != "" && /^    [a-zA-Z0-9_.]+\+0x/ { f = $1; sub(/\+.*/, "", f); o = o " " f }
		END { if (o != "") print o }'
}

filter=()
[ -n "${KUNIT_FILTER:-}" ] && filter=("kunit.filter_glob=${KUNIT_FILTER#--filter_glob=}")
log=$RESULTS/kmemleak.log
note "kmemleak: $linux (all suites, then a scan)"
boot "$log" "${filter[@]}"
# The suites ran at boot, before userspace: each must have passed.
before=$(sed '/^gpuvm-stage: userspace/q' "$log")
bad=$(grep -cE '^ *not ok [0-9]+ ' <<<"$before" || true)
[ "$bad" = 0 ] || die "kmemleak: $bad KUnit results were 'not ok' at boot (log: $log)"
ok=$(grep -cE '^ *ok [0-9]+ ' <<<"$before" || true)
known=0
if [ $leakcheck = 1 ]; then
	# An object is ours unless its backtrace names a function listed in
	# kunit/upstream-leaks and nothing of drm_gpuvm.
	upstream=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/kunit/upstream-leaks" | tr '\n' ' ')
	all=$(objects "$log")
	ours=$(awk -v list="$upstream" '
		BEGIN { n = split(list, u, " "); for (i = 1; i <= n; i++) up[u[i]] = 1 }
		{ gpuvm = 0; known = 0
		  for (i = 1; i <= NF; i++) { if ($i ~ /gpuv/) gpuvm = 1; if ($i in up) known = 1 }
		  if (gpuvm || !known) print }' <<<"$all")
	known=$(( $(grep -c . <<<"$all" || true) - $(grep -c . <<<"$ours" || true) ))
	if [ -n "$ours" ]; then
		sed -n '/^unreferenced object/,/^gpuvm-stage: report end/p' "$log" | head -n 20 >&2 || true
		die "kmemleak: $(grep -c . <<<"$ours") unreferenced objects after the KUnit run (log: $log)"
	fi
fi

# Per site: how often it failed, and what leaked from drm_gpuva_sm_step().
summary=()
for n in $(seq 1 "${#sites[@]}"); do
	log=$RESULTS/kmemleak-site-$n.log
	note "kmemleak: $linux (failslab at ${sites[n - 1]}, site $n)"
	boot "$log" kunit.filter_glob="$suite" gpuvm_site="${sites[n - 1]}"
	injected=$(sed -n 's/^gpuvm-stage: injected \([0-9]*\).*/\1/p' "$log")
	[ "${injected:-0}" -gt 0 ] ||
		die "kmemleak: failslab never failed the kmemdup() at ${sites[n - 1]} (site $n; log: $log)"
	lost=$(objects "$log" | grep -c " $fn\( \|$\)" || true)
	[ $leakcheck = 0 ] || [ "$lost" = 0 ] ||
		die "kmemleak: site $n (${sites[n - 1]}): $lost objects allocated in $fn leaked after $injected injected failures (log: $log)"
	summary+=("site $n: $injected failed, $lost leaked")
done
joined=$(printf '%s; ' "${summary[@]}")
if [ $leakcheck = 0 ]; then
	echo "failslab at the 3 kmemdup() calls of $fn (no kmemleak in this kernel): ${joined%; }"
	exit 0
fi
echo "kmemleak: 0 unreferenced objects after the $ok boot results ($known of upstream tests, in kunit/upstream-leaks); failslab at the 3 kmemdup() calls of $fn: ${joined%; }"
