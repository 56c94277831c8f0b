#!/usr/bin/env bash
# The b4 round trip, as a maintainer would take the series: write the mails
# (send-dry.sh), put them in an mbox, `b4 am -m` it, `git am` the result on
# a fresh base, and check that the tree is byte-identical to the applied
# series and that the drm_gpuvm suite passes on that tree.  The tree and
# base are those of lib.sh (tree_dir, tree_base), as for send-dry.sh.
#
# The mails are unsigned (SIGNOFF=none): CI's git identity is the
# repository's placeholder, which send-dry.sh refuses to sign with, and the
# round trip is about the patches, not who signs them.
. "$(dirname "$0")/lib.sh"

need_applied
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "${KEEP_TMP:-}" ] && trap - EXIT && echo "keeping $tmp" >&2
SIGNOFF=none "$TOP/scripts/send-dry.sh" "$tmp/mails" >"$tmp/send.log" || { cat "$tmp/send.log"; exit 1; }

# b4 0.12's am copies a folded Subject: verbatim into a new header and
# dies on the line break; unfold the headers (RFC 5322 unfolding, the same
# message) while making the mbox.
for m in "$tmp"/mails/*.eml; do
	echo "From mboxrd@z Thu Jan  1 00:00:00 1970"
	awk 'hdr && /^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
	     hdr && NR > 1 { printf "\n" }
	     hdr && /^$/ { hdr = 0; print ""; next }
	     hdr { printf "%s", $0; next }
	     { print }' hdr=1 "$m"
	echo
done >"$tmp/series.mbox"
mkdir -p "$tmp/am"
(cd "$tmp" && b4 am -m series.mbox -o am </dev/null) >"$tmp/b4am.log" 2>&1 ||
	die "b4 am failed: $(tail -n 1 "$tmp/b4am.log")"
mbx=$(ls "$tmp"/am/*.mbx 2>/dev/null | head -n 1 || true)
[ -n "$mbx" ] || die "b4 am wrote no .mbx: $(tail -n 1 "$tmp/b4am.log")"

# A fresh base: a sparse clone of the tree at its base, so that the tree
# itself is left alone; git am as apply.sh does (-3 on a KDIR tree).
sparse_clone "$TREE" "$tmp/fresh" "$BASE_REV"
read -r -a am_opts <<<"$(am_options)"
git -C "$tmp/fresh" am -q "${am_opts[@]}" "$mbx" >"$tmp/am.log" 2>&1 ||
	die "git am of the b4 mbox failed: $(head -n 1 "$tmp/am.log")"

got=$(git -C "$tmp/fresh" rev-parse 'HEAD^{tree}')
want=$(git -C "$TREE" rev-parse "$APPLIED_REV^{tree}")
n=$(git -C "$tmp/fresh" rev-list --count "$BASE_REV..HEAD")
[ "$got" = "$want" ] || die "the tree from the mails ($got) differs from the applied series ($want)"
[ "$n" = "$(series_files | wc -l)" ] || die "the mails gave $n commits, series has $(series_files | wc -l)"

# The same tree is what the KUnit kernel is built from: run the suite on it.
[ "$(git -C "$TREE" rev-parse 'HEAD^{tree}')" = "$got" ] || die "$TREE is not at the applied series"
RESULTS=$tmp/results KUNIT_FILTER='drm_gpuvm*' "$TOP/scripts/kunit.sh" "$TREE" 2>"$tmp/kunit.err" ||
	die "KUnit on the round-trip tree: $(grep -m1 '^error' "$tmp/kunit.err")"
sum=$("$TOP/scripts/summary.py" "$tmp/results/kunit.json" "$tmp/results/test.log" --require-gpuvm) ||
	die "drm_gpuvm suite on the round-trip tree: $(grep -m1 '^FAIL' <<<"$sum")"
echo "b4 round trip: $(ls "$tmp/mails" | wc -l) mails -> b4 am -> git am: $n commits, tree $got identical; $(grep '^RESULT' <<<"$sum")"
