#!/usr/bin/env bash
# checkpatch.pl --strict of the kernel tree on one patch file, with codespell
# really enabled (the pyenv python3 disables it silently otherwise).
# Passes only with 0 errors, 0 warnings and 0 checks.
. "$(dirname "$0")/lib.sh"

[ -f "${1:-}" ] || die "usage: checkpatch.sh PATCH (no patch file '${1:-}')"
patch=$(realpath "$1")
dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
[ -f "$dict" ] || die "codespell dictionary $dict missing (apt-get install codespell)"
# Debian's python3 first: checkpatch runs scripts/spdxcheck.py, which needs
# python3-ply and python3-git; another python3 on PATH skips it with a
# traceback.
export PATH=/usr/bin:$PATH
# checkpatch.pl of the tree (lib.sh: tree_dir), run in it: a Fixes: tag
# names an upstream commit, which checkpatch looks up with git log there.
# The Debian base is one imported commit without history, so there every
# such lookup fails (UNKNOWN_COMMIT_ID); only on a base without history is
# that one type left out, and the verdict line says so.  A KDIR tree has
# its history: there it is checked.
base=$(tree_base)
tree=$(tree_dir)
[ -f "$tree/scripts/checkpatch.pl" ] || die "no scripts/checkpatch.pl in $tree for $(tree_desc): run make apply first"
ignore=()
nohist=
if [ "$(git -C "$tree" rev-list --count "$base")" = 1 ]; then
	ignore=(--ignore UNKNOWN_COMMIT_ID)
	nohist=" (UNKNOWN_COMMIT_ID not checked: the base has no history)"
fi
out=$(cd "$tree" && perl scripts/checkpatch.pl --strict --codespell --codespellfile="$dict" \
	--color=never --show-types "${ignore[@]}" "$patch" 2>&1 || true)
printf '%s\n' "$out"
total=$(printf "%s\n" "$out" | grep -oE "total: [0-9]+ errors?, [0-9]+ warnings?, [0-9]+ checks?" | tail -n 1 || true)
[ -n "$total" ] || die "checkpatch.pl gave no verdict on $(basename "$patch")"
case $total in
"total: 0 errors, 0 warnings, 0 checks"*) ;;
*) die "$(basename "$patch"): $total" ;;
esac

# drm-ci's check-patch job: the CHECKPATCH_TYPES of the tree's own
# drivers/gpu/drm/ci/static-checks.yml.
yml=$tree/drivers/gpu/drm/ci/static-checks.yml
types=$(sed -n 's/^ *CHECKPATCH_TYPES: *"\(.*\)"/\1/p' "$yml" 2>/dev/null)
[ -n "$types" ] || die "no CHECKPATCH_TYPES in $yml"
[ -n "$nohist" ] && types=$(tr ',' '\n' <<<"$types" | grep -vx UNKNOWN_COMMIT_ID | paste -sd, -)
(cd "$tree" && perl scripts/checkpatch.pl --terse --types "$types" "$patch") ||
	die "$(basename "$patch"): drm-ci check-patch (CHECKPATCH_TYPES) failed"
echo "$(basename "$patch"): --strict $total; drm-ci types clean$nohist"
