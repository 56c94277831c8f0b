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
# usage: send-dry.sh OUTDIR
. "$(dirname "$0")/lib.sh"

out=$(realpath -m "${1:?usage: send-dry.sh OUTDIR}")
command -v b4 >/dev/null || die "b4 is not installed (apt-get install b4)"
[ -f "$TOP/cover-letter.txt" ] || die "cover-letter.txt is missing"
need_applied
cd "$TREE" || die "cannot enter $TREE"
[ -z "$(git status --porcelain -uno)" ] || die "$TREE has local changes"

branch=b4/gpuvm
prev=$(git symbolic-ref -q --short HEAD || git rev-parse HEAD)
# Same tree as "applied": switching touches no file, so no rebuild follows.
git checkout -q -B "$branch" applied
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
n=$(ls "$out" | wc -l)
echo "b4 send -o $out --no-sign: $n mails written, none sent"
grep -m1 '^To: ' "$out"/0000-*.eml
