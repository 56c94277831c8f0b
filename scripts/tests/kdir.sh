# shellcheck shell=bash disable=SC2154 # out, err and rc: run_script of run.sh
# Script tests of every target on a user's tree (KDIR), sourced by run.sh.

# The caller's environment does not reach the tests: make exports KDIR,
# BASE and CACHE, and a user may have RESULTS, WORK and more set.
t_env_isolated() {
	local t
	for t in kdir_applies_untouched nothing_changed_is_cached export_stable_and_drift build_fails; do
		out=$(KDIR=/nonexistent BASE=bogus CACHE=$T/hostile RESULTS=$T/hostile-results WORK=nowork \
			KUNIT_FILTER=--filter_glob=none FAKE_KUNIT=skip MAKEFLAGS=-k GIT_DIR=$T/nowhere \
			bash "$HERE/run.sh" "$t" 2>&1) || fail "$t fails when the caller has KDIR, BASE, CACHE ... set: $out"
	done
	[ ! -e "$T/hostile" ] && [ ! -e "$T/hostile-results" ] || fail "the caller's CACHE or RESULTS was written"
}
