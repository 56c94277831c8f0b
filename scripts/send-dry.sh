#!/usr/bin/env bash
# Write the exact mails of the series with b4, never sending them:
#   b4 send -o OUTDIR --no-sign
# on a b4 prep branch made from the applied series, with cover-letter.txt
# as the cover.  To: the DRM GPUVM maintainer (the M: lines of the
# MAINTAINERS section), Cc: everyone else get_maintainer.pl names for the
# series (reviewers, DRM maintainers, dri-devel), from the tree's own files.
# The tree and base are those of lib.sh (tree_dir, tree_base): with KDIR,
# the mails are the ones to send from that tree, with its base-commit:.
#
# The mails are written as the sender, SIGNOFF="Name <addr>" (default: git
# config user.name and user.email): the placeholder identity the series is
# committed with (an address in a reserved example or noreply domain, not a
# person) is replaced by the sender as author and in its Signed-off-by;
# everybody else's tags (Suggested-by:, Link:, a real person's
# Signed-off-by:) stay as they are.  A sender without a usable address is
# refused; SIGNOFF=none asks for unsigned mails instead: the placeholder's
# Signed-off-by lines are dropped and the author stays.  The commits are
# rewritten on b4's branch only, on the same trees: "applied" is untouched.
#
# usage: send-dry.sh OUTDIR
#        send-dry.sh --identity   print who would sign, or fail
. "$(dirname "$0")/lib.sh"

# placeholder_addr ADDR: ADDR belongs to no person: a reserved example
# domain (RFC 2606, RFC 6761) or a noreply address.
placeholder_addr() {
	local a=${1,,}
	case ${a%@*} in
	noreply | no-reply | donotreply | do-not-reply) return 0 ;;
	esac
	case .${a##*@}. in
	*.example.com. | *.example.net. | *.example.org. | *.example. | *.invalid. | *.test. | \
		*.localhost. | *.localdomain. | *.noreply.* | *.no-reply.*) return 0 ;;
	esac
	return 1
}

# signer: who signs the mails: $who is "Name <addr>" ($name, $addr) or
# "none".  (Not in a $(...), so that die stops the script.)
signer() {
	local from re
	who=none
	[ "${SIGNOFF:-}" = none ] && return
	if [ -n "${SIGNOFF:-}" ]; then
		re='^([^<>]*[^<>[:space:]])[[:space:]]+<([^<>@[:space:]]+@[^<>@[:space:]]+)>$'
		[[ $SIGNOFF =~ $re ]] ||
			die "SIGNOFF='$SIGNOFF' is not \"Name <addr>\" (or none for unsigned mails)"
		name=${BASH_REMATCH[1]}
		addr=${BASH_REMATCH[2]}
		from=SIGNOFF
	else
		name=$(git -C "$TOP" config user.name 2>/dev/null || true)
		addr=$(git -C "$TOP" config user.email 2>/dev/null || true)
		if [ -z "$name" ] || [ -z "$addr" ]; then
			die "no identity to sign the mails: git config user.name and user.email are not both set (set SIGNOFF=\"Name <addr>\", or SIGNOFF=none for unsigned mails)"
		fi
		from="git config user.email"
	fi
	! placeholder_addr "$addr" ||
		die "$from: $addr is a placeholder address (reserved example or noreply domain), not a person's: set SIGNOFF=\"Name <addr>\", or SIGNOFF=none for unsigned mails"
	who="$name <$addr>"
}

# as_sender NAME ADDR: git (and b4, which reads git's configuration) sees
# NAME <ADDR> as the user, for the rest of this script only.
as_sender() {
	local n=${GIT_CONFIG_COUNT:-0}
	export "GIT_CONFIG_KEY_$n=user.name" "GIT_CONFIG_VALUE_$n=$1"
	export "GIT_CONFIG_KEY_$((n + 1))=user.email" "GIT_CONFIG_VALUE_$((n + 1))=$2"
	export "GIT_CONFIG_KEY_$((n + 2))=sendemail.from" "GIT_CONFIG_VALUE_$((n + 2))=$1 <$2>"
	export GIT_CONFIG_COUNT=$((n + 3))
}

# signed_message SIGNER < MESSAGE: MESSAGE with the placeholder's
# Signed-off-by replaced by SIGNER's, in its place (once), or dropped for
# "none".
signed_message() {
	local who=$1 line re='^Signed-off-by:[[:space:]]*.*<([^<>]+)>[[:space:]]*$' msg signed=0
	msg=$(cat)
	grep -qxF "Signed-off-by: $who" <<<"$msg" && signed=1
	while IFS= read -r line; do
		if [[ $line =~ $re ]] && placeholder_addr "${BASH_REMATCH[1]}"; then
			[ "$who" != none ] && [ $signed = 0 ] && printf 'Signed-off-by: %s\n' "$who" && signed=1
			continue
		fi
		printf '%s\n' "$line"
	done <<<"$msg"
}

# resign SIGNER: the commits BASE_REV..applied again (need_applied), on the
# same trees and dates, as SIGNER; the new head in $head.  (Not in a $(...):
# set -e holds.)
resign() {
	local who=$1 c commits an ae ad cn ce cd msg
	head=$BASE_REV
	commits=$(git rev-list --reverse "$BASE_REV..applied") || die "cannot list the commits of the applied series"
	for c in $commits; do
		IFS=$'\t' read -r an ae ad cn ce cd < <(git log -1 --date=raw --format=$'%an\t%ae\t%ad\t%cn\t%ce\t%cd' "$c")
		msg=$(git cat-file commit "$c" | sed '1,/^$/d' | signed_message "$who")
		if [ "$who" != none ]; then
			cn=$name
			ce=$addr
			if placeholder_addr "$ae"; then
				an=$name
				ae=$addr
			fi
			# The sender signs every patch, a real author's too (after them).
			grep -qxF "Signed-off-by: $who" <<<"$msg" ||
				msg=$(git interpret-trailers --trailer "Signed-off-by: $who" <<<"$msg")
		fi
		head=$(printf '%s\n' "$msg" | GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad \
			GIT_COMMITTER_NAME=$cn GIT_COMMITTER_EMAIL=$ce GIT_COMMITTER_DATE=$cd \
			git commit-tree "$c^{tree}" -p "$head") || die "cannot rewrite $(git log -1 --format=%s "$c")"
	done
	[ "$(git rev-parse "$head^{tree}")" = "$(git rev-parse 'applied^{tree}')" ] ||
		die "the rewritten series has another tree than the applied branch"
}

signer
if [ "${1:-}" = --identity ]; then
	echo "$who"
	exit 0
fi
out=$(realpath -m "${1:?usage: send-dry.sh OUTDIR | send-dry.sh --identity}")
command -v b4 >/dev/null || die "b4 is not installed (apt-get install b4)"
[ -f "$TOP/cover-letter.txt" ] || die "cover-letter.txt is missing"
need_applied
cd "$TREE" || die "cannot enter $TREE"
[ -z "$(git status --porcelain -uno)" ] || die "$TREE has local changes"

if [ "$who" = none ]; then
	# Unsigned: b4 writes the mails as the series' own author.
	as_sender "$(git log -1 --format=%an applied)" "$(git log -1 --format=%ae applied)"
else
	as_sender "$name" "$addr"
fi
resign "$who"

branch=b4/gpuvm
prev=$(git symbolic-ref -q --short HEAD || git rev-parse HEAD)
# Same tree as "applied": switching touches no file, so no rebuild follows.
git checkout -q -B "$branch" "$head"
trap 'git checkout -q "$prev"' EXIT
# b4 0.12: without an SMTP server it would pick a web endpoint.
git config sendemail.smtpserver /bin/false
git config b4.send-auto-to-cmd "$TOP/scripts/b4-addresses.sh to"
git config b4.send-auto-cc-cmd "$TOP/scripts/b4-addresses.sh cc"
b4 prep -e "$BASE_REV" </dev/null >/dev/null 2>"$out.log" ||
	die "b4 prep -e failed: $(tail -n 1 "$out.log")"
cover=$(mktemp)
cp "$TOP/cover-letter.txt" "$cover"
printf '#!/bin/sh\ncat %s >"$1"\n' "$cover" >"$cover.ed"
chmod +x "$cover.ed"
EDITOR=$cover.ed GIT_EDITOR=$cover.ed b4 prep --edit-cover </dev/null >/dev/null 2>>"$out.log" ||
	die "b4 prep --edit-cover failed: $(tail -n 1 "$out.log")"
b4 prep --auto-to-cc </dev/null >/dev/null 2>>"$out.log" ||
	die "b4 prep --auto-to-cc failed: $(tail -n 1 "$out.log")"
rm -rf "$out"
mkdir -p "$out"
b4 send -o "$out" --no-sign </dev/null >>"$out.log" 2>&1 ||
	die "b4 send -o failed: $(tail -n 1 "$out.log")"
rm -f "$cover" "$cover.ed" "$out.log"
n=$(find "$out" -maxdepth 1 -name '*.eml' | wc -l)
if [ "$who" = none ]; then
	echo "b4 send -o $out --no-sign: $n mails written, unsigned (SIGNOFF=none), none sent"
else
	echo "b4 send -o $out --no-sign: $n mails written as $who, none sent"
fi
grep -m1 '^To: ' "$out"/0000-*.eml
