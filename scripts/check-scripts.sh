#!/usr/bin/env bash
# The repository's own scripts, statically (make check):
#   check-scripts.sh shellcheck   shellcheck -S warning on every shell script,
#                                 following what it sources (lib.sh is
#                                 checked through the scripts that source it)
#   check-scripts.sh python       python3 -m py_compile of every Python file;
#                                 the bytecode goes to a temporary directory,
#                                 never into the repository
# Scripts are found under scripts/, ci/ and .ci/ by their #! line or name.
. "$(dirname "$0")/lib.sh"

kind=${1:?usage: check-scripts.sh shellcheck|python}

# scripts KIND: the files of KIND (sh or py), NUL-separated.
scripts() {
	local f first dirs=()
	for f in "$TOP/scripts" "$TOP/ci" "$TOP/.ci"; do
		[ -d "$f" ] && dirs+=("$f")
	done
	while IFS= read -r -d '' f; do
		first=$(head -n 1 "$f" | tr -d '\0')
		case $1 in
		sh) [[ $first =~ ^#!.*[/\ ](ba)?sh([[:space:]]|$) ]] || continue ;;
		py) [[ $f == *.py || $first =~ ^#!.*python ]] || continue ;;
		esac
		printf '%s\0' "$f"
	done < <(find "${dirs[@]}" -name __pycache__ -prune -o -type f -print0 | sort -z)
}

case $kind in
shellcheck)
	command -v shellcheck >/dev/null || die "shellcheck is not installed (apt-get install shellcheck)"
	mapfile -d '' -t files < <(scripts sh)
	[ ${#files[@]} -gt 0 ] || die "no shell scripts found under $TOP"
	# -x -P SCRIPTDIR: follow `. "$(dirname "$0")/lib.sh"`.
	if ! out=$(cd "$TOP" && shellcheck -x -P SCRIPTDIR -S warning -f gcc -- "${files[@]#"$TOP"/}" 2>&1); then
		printf '%s\n' "$out"
		die "shellcheck -S warning: $(grep -c ': \(warning\|error\): ' <<<"$out" || true) finding(s) in ${#files[@]} scripts"
	fi
	echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') -S warning: ${#files[@]} shell scripts clean"
	;;
python)
	mapfile -d '' -t files < <(scripts py)
	[ ${#files[@]} -gt 0 ] || die "no Python files found under $TOP"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if ! out=$(cd "$TOP" && PYTHONPYCACHEPREFIX=$tmp python3 -m py_compile "${files[@]#"$TOP"/}" 2>&1); then
		printf '%s\n' "$out"
		die "python3 -m py_compile failed: $(grep -m1 -E '(Syntax|Indentation|Tab)Error' <<<"$out" || tail -n 1 <<<"$out")"
	fi
	echo "python3 -m py_compile ($(python3 --version)): ${#files[@]} Python files compile"
	;;
*) die "check-scripts.sh: unknown check '$kind' (shellcheck or python)" ;;
esac
