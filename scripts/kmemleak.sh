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
# The kernel needs CONFIG_DEBUG_KMEMLEAK (kunit/debug.config) and every
# option of kunit/failslab.config.
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
opts=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$FAILSLAB_FRAGMENT")
[ $leakcheck = 1 ] && opts="CONFIG_DEBUG_KMEMLEAK $opts"
for opt in $opts; do
	grep -qx "$opt=y" "$bdir/.config" ||
		die "kmemleak: $opt is not set in $bdir/.config (kunit/debug.config, kunit/failslab.config)"
done

# The return address of each kmemdup() call in drm_gpuva_sm_step(): the
# only frame that the stack trace filter lets fail.  The UML binary is not
# position independent, so System.map addresses are the run time ones.
fn=drm_gpuva_sm_step
range=$(LC_ALL=C sort "$bdir/System.map" | awk -v n="$fn" '
	found == 1 && $1 != start { print start, $1; found = 2 }
	$3 == n && !found { start = $1; found = 1 }')
[ -n "$range" ] || die "kmemleak: $fn is not in $bdir/System.map"
read -r start end <<<"$range"
# UML code is built with -mcmodel=large: calls go through a register that
# a movabs loaded with the callee's address.
kmemdup=$(awk '$3 == "kmemdup_noprof" || $3 == "kmemdup" { sub(/^0+/, "", $1); print $1; exit }' "$bdir/System.map")
[ -n "$kmemdup" ] || die "kmemleak: kmemdup is not in $bdir/System.map"
objdump -d --no-show-raw-insn --start-address="0x$start" --stop-address="0x$end" \
	"$linux" >"$RESULTS/kmemleak-objdump.txt" 2>&1 ||
	die "kmemleak: objdump of $fn failed: $(tail -n 1 "$RESULTS/kmemleak-objdump.txt")"
# A register is forgotten when a plain mov overwrites it, so that a later
# indirect call through it (an op of the driver) is not taken for kmemdup().
mapfile -t sites < <(awk -v callee="$kmemdup" '
	ret { a = $1; sub(/:$/, "", a); print "0x" a; ret = 0 }
	/movabs +\$0x[0-9a-f]+,%/ { split($NF, p, ","); v = p[1]; sub(/^\$0x0*/, "", v); reg[p[2]] = v }
	/call/ {
		if ($0 ~ /<kmemdup(_noprof)?>/) ret = 1
		else if (match($0, /\*%[a-z0-9]+/)) {
			r = substr($0, RSTART + 1, RLENGTH - 1)
			if (reg[r] == callee) ret = 1
		}
	}
	/mov .*,%/ && !/movabs/ { split($NF, p, ","); reg[p[2]] = "" }' "$RESULTS/kmemleak-objdump.txt")
[ "${#sites[@]}" = 3 ] ||
	die "kmemleak: expected 3 kmemdup() calls in $fn, found ${#sites[@]} (objdump: $RESULTS/kmemleak-objdump.txt)"

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

# start LOG ARGS...: boot the kernel into the init script, in the
# background; its exit status goes to LOG.rc.
start() {
	local log=$1
	shift
	# The host's / is read-only inside UML.  UML's own run time directory
	# (pid file, mconsole socket) goes to $tmp instead of ~/.uml; its
	# memory file is created unlinked.
	{
		rc=0
		timeout 900 "$linux" mem=1G console=tty uml_dir="$tmp" root=/dev/root \
			rootfstype=hostfs rootflags=/ ro init="$tmp/init" "$@" </dev/null 2>&1 |
			tr -d '\r' >"$log" || rc=$?
		echo $rc >"$log.rc"
	} &
}

# check LOG KNOWN: what every boot must show.  Any splat that
# scripts/summary.py recognises fails, unless KNOWN (a file in the format
# of kunit/upstream-splats, or /dev/null) lists it.
check() {
	local log=$1 known=$2 rc new
	rc=$(cat "$log.rc" 2>/dev/null || echo '?')
	rm -f "$log.rc"
	new=$("$TOP/scripts/summary.py" --keys "$log" | grep -v ' kmemleak ' |
		grep -vxF -f <(sed -e '/^#/d' -e '/^$/d' "$known") | head -n 1 || true)
	[ -z "$new" ] || die "kmemleak: splat in $(basename "$log" .log): $new (log: $log)"
	grep -q '^gpuvm-stage: done' "$log" ||
		die "kmemleak: $(basename "$log" .log) did not reach the end of its init script (kernel exit $rc; log: $log)"
	! grep -m1 '^gpuvm-stage: cannot' "$log" || die "kmemleak: init script failed (log: $log)"
	if [ $leakcheck = 1 ] && ! grep -q '^gpuvm-stage: report end' "$log"; then
		die "kmemleak: no kmemleak report in $(basename "$log" .log) ($(grep -m1 '^gpuvm-stage: scan' "$log" || echo 'no scan')); log: $log"
	fi
	if grep -q 'kmemleak: Kernel memory leak detector disabled' "$log"; then
		die "kmemleak: the detector disabled itself (log: $log)"
	fi
	# The suites ran at boot, before userspace: each must have passed.
	local before bad
	before=$(sed '/^gpuvm-stage: userspace/q' "$log")
	bad=$(grep -cE '^ *not ok [0-9]+ ' <<<"$before" || true)
	[ "$bad" = 0 ] || die "kmemleak: $bad KUnit results were 'not ok' at boot (log: $log)"
	booted_ok=$(grep -cE '^ *ok [0-9]+ ' <<<"$before" || true)
	[ "$booted_ok" -gt 0 ] || die "kmemleak: no KUnit result at boot (log: $log)"
}

# objects LOG: each object of the boot's kmemleak report on one line, the
# "unreferenced object" line followed by its backtrace's function names.
# An object without any frame read gets the name "no-backtrace".
objects() {
	sed -n '/^gpuvm-stage: report begin/,/^gpuvm-stage: report end/p' "$1" | awk '
		function flush() { if (o != "") print o (frames ? "" : " no-backtrace") }
		/^unreferenced object/ { flush(); o = $0; frames = 0; next }
		o != "" && /^    [a-zA-Z0-9_.]+\+0x/ { f = $1; sub(/\+.*/, "", f); o = o " " f; frames++ }
		END { flush() }'
}

# show LOG PATTERN: the report of the first object whose line from
# objects() matches PATTERN, on stderr.
show() {
	local addr
	addr=$(objects "$1" | grep -m1 -e "$2" | awk '{ print $3 }' || true)
	[ -n "$addr" ] || return 0
	sed -n "/^unreferenced object $addr /,/^unreferenced object\|^gpuvm-stage: report end/p" "$1" |
		sed '$d' >&2
}

# The result of the last run is reused when nothing it depends on changed,
# unless KMEMLEAK_REUSE=0 (make check sets it).  Never with
# --failslab-only: make coverage needs the boots for their gcov counts.
stamp=$(cat "$linux" "$0" "$TOP/kunit/upstream-leaks" "$TOP/kunit/upstream-splats" | content_stamp)
stampfile=$RESULTS/kmemleak.stamp
if [ $leakcheck = 1 ] && [ "${KMEMLEAK_REUSE:-1}" = 1 ] && stamp_matches "$stampfile" "$stamp"; then
	echo "$(sed -n 2p "$stampfile") (kernel unchanged: the last boots' result)"
	exit 0
fi
rm -f "$stampfile"

# The four boots run at once: most of their time is the wait for
# kmemleak's minimum object age.
filter=()
[ -n "${KUNIT_FILTER:-}" ] && filter=("kunit.filter_glob=${KUNIT_FILTER#--filter_glob=}")
log=$RESULTS/kmemleak.log
note "kmemleak: $linux: all suites then a scan, and failslab at ${sites[*]}, four boots at once"
start "$log" "${filter[@]}"
for n in $(seq 1 "${#sites[@]}"); do
	start "$RESULTS/kmemleak-site-$n.log" kunit.filter_glob="$suite" gpuvm_site="${sites[n - 1]}"
done
wait
check "$log" "$TOP/kunit/upstream-splats"
ok=$booted_ok
# scripts/summary.py checks that $ok equals the KUnit run's ok results.
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
		show "$log" "$(head -n 1 <<<"$ours" | awk '{ print $3 }')"
		die "kmemleak: $(grep -c . <<<"$ours") unreferenced objects after the KUnit run (log: $log)"
	fi
fi

# Per site: how often it failed, and what leaked from the ops_create path.
# kmemleak can miss an object (a stale copy of its address elsewhere keeps
# it referenced): on the series without patch 2 it reported 16 of the 17
# leaked unmap copies.  So each site must fail at least $min times, and a
# leak on every failure cannot hide.  The cases that the injected -ENOMEM
# aborts leak their own fixtures (the VM, the DRM device): those objects
# do not count, the ones allocated under drm_gpuva_sm_step() or an
# *_ops_create() function do, and so does an object without a backtrace.
min=10
summary=()
for n in $(seq 1 "${#sites[@]}"); do
	log=$RESULTS/kmemleak-site-$n.log
	check "$log" /dev/null
	armed=$(sed -n 's/^gpuvm-stage: armed //p' "$log")
	[ "$armed" = "$(printf '0x%016x 0x%016x' "${sites[n - 1]}" "$((sites[n - 1] + 1))")" ] ||
		die "kmemleak: failslab armed at '$armed', not at ${sites[n - 1]} (site $n; log: $log)"
	injected=$(sed -n 's/^gpuvm-stage: injected \([0-9]*\).*/\1/p' "$log")
	[ "${injected:-0}" -ge $min ] ||
		die "kmemleak: failslab failed the kmemdup() at ${sites[n - 1]} ${injected:-0} times, fewer than $min (site $n; log: $log)"
	pattern=" \($fn\|_*drm_gpuvm_[a-z_]*_ops_create\|no-backtrace\)\( \|$\)"
	lost=$(objects "$log" | grep -c "$pattern" || true)
	if [ $leakcheck = 1 ] && [ "$lost" != 0 ]; then
		show "$log" "$pattern"
		die "kmemleak: site $n (${sites[n - 1]}): $lost objects allocated under $fn or *_ops_create() leaked after $injected injected failures (log: $log)"
	fi
	summary+=("site $n: $injected failed, $lost leaked")
done
joined=$(printf '%s; ' "${summary[@]}")
if [ $leakcheck = 0 ]; then
	echo "failslab at the 3 kmemdup() calls of $fn (no kmemleak in this kernel): ${joined%; }"
	exit 0
fi
result="kmemleak: 0 unreferenced objects of ours after the $ok boot results ($known of upstream tests, in kunit/upstream-leaks); failslab at the 3 kmemdup() calls of $fn: ${joined%; }"
printf '%s\n%s\n' "$stamp" "$result" >"$stampfile"
echo "$result"
