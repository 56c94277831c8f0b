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
#    (the copies of a remap's unmap, prev and next ops): the kernel runs
#    no suite at boot (kunit.autorun=0; the first boot and kunit.sh's run
#    them), failslab is armed with a stack trace filter that matches that
#    one call site and nothing else, the drm_gpuvm_sm suite runs through
#    its debugfs "run" file, failslab is disarmed and kmemleak scans.  No
#    object allocated in drm_gpuva_sm_step() may be left unreferenced.
#    Cases of the injected run may fail: they get an -ENOMEM they do not
#    expect, and release their VM in .exit; what else they leave is not
#    counted.  A fresh boot per site: a suite run again through debugfs
#    does not run the parameterized cases that failed the first time.
# Any KASAN, UBSAN, lockdep or BUG splat in any boot fails.
#
# The kernel needs CONFIG_DEBUG_KMEMLEAK (kunit/debug.config) and every
# option of kunit/failslab.config.
#
# The boots are here; what their logs mean is decided by scripts/kmemleak.py
# (the call sites in objdump's output, the kmemleak reports, the leaks of
# kunit/upstream-leaks), which scripts/tests/test_parsers.py tests on
# recorded logs.
#
# usage: kmemleak.sh [--failslab-only BUILD_DIR | --scan-only BUILD_DIR LOG]
# Writes $RESULTS/kmemleak.log and $RESULTS/kmemleak-site-N.log (the
# boots) and $RESULTS/kmemleak.json (the result: verdict, error, per boot
# and site the counts, see kmemleak.py); the last line sums up.  With
# --failslab-only (make coverage), the kernel of BUILD_DIR has no
# kmemleak: the site boots run, and only their injected failures are
# checked.  With --scan-only (make baseline), only the first boot runs,
# on the kernel of BUILD_DIR, whichever suites it has; its log goes to LOG
# and nothing is decided here (scripts/baseline.py reads it).
. "$(dirname "$0")/lib.sh"

usage="usage: kmemleak.sh [--failslab-only BUILD_DIR | --scan-only BUILD_DIR LOG]"
bdir=$(build_dir)
leakcheck=1
scanonly=
case ${1:-} in
--failslab-only)
	bdir=${2:?$usage}
	leakcheck=0
	;;
--scan-only)
	bdir=${2:?$usage}
	scanonly=${3:?$usage}
	;;
esac
linux=$bdir/linux
suite=drm_gpuvm_sm
json=$RESULTS/kmemleak.json
mkdir -p "$RESULTS"
if [ -z "$scanonly" ]; then
	rm -f "$RESULTS"/kmemleak*.log "$RESULTS"/kmemleak*.log.rc
	# The last result moves aside: only this run's is ever in $json.
	last=$RESULTS/kmemleak.last.json
	rm -f "$last"
	if [ -f "$json" ]; then
		mv -f "$json" "$last"
	fi
fi

# fail MESSAGE: the result is a FAIL with MESSAGE, and so is the exit.
fail() {
	"$TOP/scripts/kmemleak.py" fail --json "$json" "$*"
	exit 1
}

# With --scan-only, nothing is written to $json: a failure is an error line.
[ -z "$scanonly" ] || fail() { die "$*"; }

[ -x "$linux" ] || fail "kmemleak: no kernel at $linux (run kunit.sh first)"

# The result of the last run is reused when nothing it depends on changed,
# unless KMEMLEAK_REUSE=0 (make check sets it).  Never with
# --failslab-only: make coverage needs the boots for their gcov counts.
stamp=$(cat "$linux" "$0" "$TOP/scripts/kmemleak.py" "$TOP/scripts/splats.py" \
	"$TOP/kunit/upstream-leaks" "$TOP/kunit/upstream-splats" | content_stamp)
if [ -z "$scanonly" ] && [ $leakcheck = 1 ] && [ "${KMEMLEAK_REUSE:-1}" = 1 ] &&
	"$TOP/scripts/kmemleak.py" reuse --from "$last" --json "$json" --stamp "$stamp"; then
	rm -f "$last"
	exit 0
fi
[ -n "$scanonly" ] || rm -f "$last"

opts=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$FAILSLAB_FRAGMENT")
[ $leakcheck = 1 ] && opts="CONFIG_DEBUG_KMEMLEAK $opts"
[ -z "$scanonly" ] || opts="CONFIG_DEBUG_KMEMLEAK CONFIG_HOSTFS CONFIG_DEBUG_FS"
[ -z "$scanonly" ] || opts="$opts CONFIG_UML_TIME_TRAVEL_SUPPORT"
for opt in $opts; do
	grep -qx "$opt=y" "$bdir/.config" ||
		fail "kmemleak: $opt is not set in $bdir/.config (kunit/debug.config, kunit/failslab.config)"
done

# The return address of each kmemdup() call in drm_gpuva_sm_step(): the
# only frame that the stack trace filter lets fail.  The UML binary is not
# position independent, so System.map addresses are the run time ones.
sites=()
if [ -z "$scanonly" ]; then
	found=$("$TOP/scripts/kmemleak.py" sites --build-dir "$bdir" \
		--objdump-out "$RESULTS/kmemleak-objdump.txt" --json "$json") || exit 1
	mapfile -t sites <<<"$found"
fi

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
# fs_set FILE VALUE: one failslab setting; a failed write ends the boot
# before anything is armed.
fs_set() { echo "\$2" >"\$f/\$1" || { echo "gpuvm-stage: cannot set \$1"; echo "gpuvm-stage: done"; off; }; }
if [ -n "\${gpuvm_site:-}" ]; then
	fs_set ignore-gfp-wait N
	fs_set verbose 0
	fs_set interval 1
	fs_set space 0
	fs_set stacktrace-depth 32
	fs_set require-start \$gpuvm_site
	fs_set require-end \$((gpuvm_site + 1))
	fs_set times 1000000
	echo "gpuvm-stage: armed \$(cat \$f/require-start) \$(cat \$f/require-end)"
	fs_set probability 100
	echo 1 >\$d/kunit/$suite/run || echo "gpuvm-stage: cannot run $suite"
	fs_set probability 0
	echo "gpuvm-stage: injected \$((1000000 - \$(cat \$f/times)))"
fi
if [ -e \$k ]; then
	# Objects younger than 5 s (in jiffies) are never reported.  In
	# time-travel mode the wait costs no wall time, but jiffies fall
	# behind the skipped time: 6 s were not enough there for the
	# leaks of the base's upstream tests (make baseline), 10 s were.
	sleep 60
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

# start LOG ARGS...: boot the kernel into the init script, in the
# background; its exit status goes to LOG.rc.
start() {
	local log=$1
	shift
	# The host's / is read-only inside UML.  UML's own run time directory
	# (pid file, mconsole socket) goes to $tmp instead of ~/.uml; its
	# memory file is created unlinked.  In basic time-travel mode
	# (kunit/failslab.config) the clock skips the init script's wait for
	# kmemleak's minimum object age instead of sleeping through it; the
	# suites run at real CPU speed.
	{
		rc=0
		timeout 900 "$linux" mem=1G console=tty uml_dir="$tmp" root=/dev/root \
			rootfstype=hostfs rootflags=/ ro init="$tmp/init" time-travel "$@" </dev/null 2>&1 |
			tr -d '\r' >"$log" || rc=$?
		echo $rc >"$log.rc"
	} &
}

# The four boots run at once.
filter=()
[ -n "${KUNIT_FILTER:-}" ] && filter=("kunit.filter_glob=${KUNIT_FILTER#--filter_glob=}")
if [ -n "$scanonly" ]; then
	note "kmemleak: $linux: all suites then a scan, one boot"
	start "$scanonly" "${filter[@]}"
	wait
	exit 0
fi
log=$RESULTS/kmemleak.log
note "kmemleak: $linux: all suites then a scan, and failslab at ${sites[*]}, four boots at once"
start "$log" "${filter[@]}"
for n in $(seq 1 "${#sites[@]}"); do
	start "$RESULTS/kmemleak-site-$n.log" kunit.filter_glob="$suite" kunit.autorun=0 \
		gpuvm_site="${sites[n - 1]}"
done
wait
failslab=()
[ $leakcheck = 1 ] || failslab=(--failslab-only)
"$TOP/scripts/kmemleak.py" verdict --results "$RESULTS" --sites "${sites[@]}" "${failslab[@]}" \
	--known-splats "$TOP/kunit/upstream-splats" --upstream-leaks "$TOP/kunit/upstream-leaks" \
	--stamp "$stamp" --json "$json"
