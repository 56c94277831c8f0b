#!/usr/bin/env bash
# A sparse that the 7.3 Makefile accepts.  bookworm's 0.6.4 fails
# scripts/checker-valid.sh (no __typeof_unqual__) and C=1 is then skipped
# silently; Debian sid's 0.6.5~rc1 source package builds in seconds and
# passes.  Fetched with apt-get source through a private sources list built
# from the system's Debian mirror (lib.sh: private_apt, debian_mirror),
# built under $CACHE/sparse.  Prints the path of the sparse binary.
. "$(dirname "$0")/lib.sh"

dir=$CACHE/sparse
if [ -x "$dir/bin/sparse" ]; then
	echo "$dir/bin/sparse"
	exit 0
fi
ensure_cache
mirror=$(debian_mirror)
rm -rf "$dir"
private_apt "$dir/apt" deb-src "$mirror" sid
mkdir -p "$dir/src"
apt-get "${APT_OPTS[@]}" update >"$dir/apt.log" 2>&1 ||
	die "Debian download failed: sid sources index from $mirror: $(grep -m1 -E '^(E|Err):' "$dir/apt.log")"
(cd "$dir/src" && apt-get "${APT_OPTS[@]}" source --download-only sparse) >>"$dir/apt.log" 2>&1 ||
	die "Debian download failed: sparse source from $mirror sid"
orig=$(ls "$dir"/src/sparse_*.orig.tar.* 2>/dev/null | head -n 1 || true)
[ -n "$orig" ] || die "no sparse .orig tarball in $dir/src"
tar -xf "$orig" -C "$dir/src"
basename "$orig" | sed 's/^sparse_\(.*\)\.orig\.tar\..*/\1/' >"$dir/VERSION"
src=$(find "$dir/src" -maxdepth 1 -mindepth 1 -type d -name 'sparse*' | head -n 1)
make -C "$src" -j"$(nproc)" PREFIX="$dir" HAVE_LLVM=no HAVE_GTK=no HAVE_SQLITE=no install >"$dir/build.log" 2>&1 ||
	die "sparse build failed: $(grep -m1 'error' "$dir/build.log")"
echo "$dir/bin/sparse"
