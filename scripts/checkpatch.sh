#!/usr/bin/env bash
# checkpatch.pl --strict of the base tree on one patch file, with codespell
# really enabled (the pyenv python3 disables it silently otherwise).
# Passes only with 0 errors, 0 warnings and 0 checks.
. "$(dirname "$0")/lib.sh"

patch=${1:?usage: checkpatch.sh PATCH}
dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
[ -f "$dict" ] || die "codespell dictionary $dict missing (apt-get install codespell)"
out=$(cd "$BASE_REPO" && perl scripts/checkpatch.pl --strict --codespell --codespellfile="$dict" \
	--color=never --summary-file --show-types "$patch" 2>&1)
printf '%s\n' "$out"
total=$(printf '%s\n' "$out" | grep -E '^total: ' | tail -n 1)
[ -n "$total" ] || die "checkpatch.pl gave no verdict on $(basename "$patch")"
case $total in
"total: 0 errors, 0 warnings, 0 checks"*) echo "$(basename "$patch"): $total" ;;
*) die "$(basename "$patch"): $total" ;;
esac
