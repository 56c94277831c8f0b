#!/usr/bin/env bash
# A sparse that the 7.3 Makefile accepts.  bookworm's 0.6.4 fails
# scripts/checker-valid.sh (no __typeof_unqual__) and C=1 is then skipped
# silently; Debian sid's 0.6.5~rc1 source package builds in seconds and
# passes.  Fetched with apt-get source through a private sources list built
# from the system's Debian mirror (as fetch-base.sh does), built under
# $CACHE/sparse.  Prints the path of the sparse binary.
. "$(dirname "$0")/lib.sh"

dir=$CACHE/sparse
if [ -x "$dir/bin/sparse" ]; then
	echo "$dir/bin/sparse"
	exit 0
fi
ensure_cache
mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
	codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
	mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 2>/dev/null |
		awk -v c="$codename" '$1 == c { print $2; exit }' || true)
	[ -n "$mirror" ] || die "no Debian mirror for '$codename' in the system's apt sources"
fi
apt=$dir/apt
rm -rf "$dir"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/parts" "$dir/src"
printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s sid main\n' "$mirror" >"$apt/etc/sources.list"
opts=(-o "Dir::Etc::sourcelist=$apt/etc/sources.list" -o "Dir::Etc::sourceparts=$apt/etc/parts"
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=/dev/null"
	-o "APT::Sandbox::User=root" -q)
apt-get "${opts[@]}" update >"$dir/apt.log" 2>&1 ||
	die "Debian download failed: sid sources index from $mirror: $(grep -m1 -E '^(E|Err):' "$dir/apt.log")"
(cd "$dir/src" && apt-get "${opts[@]}" source --download-only sparse) >>"$dir/apt.log" 2>&1 ||
	die "Debian download failed: sparse source from $mirror sid"
orig=$(ls "$dir"/src/sparse_*.orig.tar.* 2>/dev/null | head -n 1 || true)
[ -n "$orig" ] || die "no sparse .orig tarball in $dir/src"
tar -xf "$orig" -C "$dir/src"
basename "$orig" | sed 's/^sparse_\(.*\)\.orig\.tar\..*/\1/' >"$dir/VERSION"
src=$(find "$dir/src" -maxdepth 1 -mindepth 1 -type d -name 'sparse*' | head -n 1)
make -C "$src" -j"$(nproc)" PREFIX="$dir" HAVE_LLVM=no HAVE_GTK=no HAVE_SQLITE=no install >"$dir/build.log" 2>&1 ||
	die "sparse build failed: $(grep -m1 'error' "$dir/build.log")"
echo "$dir/bin/sparse"
