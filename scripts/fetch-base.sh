#!/usr/bin/env bash
# Make the embedded base tree: Debian's linux-source-7.3 (the newest 7.3.x
# that trixie-backports serves), unpacked once into $CACHE/linux as a git
# repository whose first commit is the pristine source, tagged gpuvm-base.
#
# The package index comes from a private sources list, state and cache
# directory under $CACHE/apt (lib.sh: private_apt), built from the Debian
# mirror URI that the system's apt configuration already uses
# (debian_mirror).  /etc/apt is never written.
. "$(dirname "$0")/lib.sh"

PKG=linux-source-7.3
SUITE=trixie-backports

if git -C "$BASE_REPO" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
	exit 0
fi

ensure_cache
need_space "$CACHE" 4096 "the base tree (download, unpack and git import)"

mirror=$(debian_mirror)
apt_dir=$CACHE/apt
private_apt "$apt_dir" deb "$mirror" "$SUITE"
mkdir -p "$apt_dir/debs"

note "fetching the $SUITE index from $mirror"
log=$apt_dir/apt.log
apt-get "${APT_OPTS[@]}" update >"$log" 2>&1 ||
	die "Debian download failed: apt-get update of $mirror $SUITE: $(grep -m1 -E '^(E|Err):' "$log" || tail -n1 "$log")"

version=$(apt-cache "${APT_OPTS[@]}" show "$PKG" 2>/dev/null |
	awk '/^Version: / { print $2 }' | sort -V | tail -n 1 || true)
[ -n "$version" ] ||
	die "the Debian archive $mirror $SUITE has no $PKG"

note "downloading $PKG $version"
(cd "$apt_dir/debs" && apt-get "${APT_OPTS[@]}" download "$PKG=$version") >>"$log" 2>&1 ||
	die "Debian download failed: $PKG $version from $mirror: $(grep -m1 -E '^(E|Err):' "$log" || tail -n1 "$log")"
deb=$(ls "$apt_dir"/debs/"${PKG}"_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || die "Debian download failed: no $PKG .deb in $apt_dir/debs"

# Unpack into a temporary directory and move it in place only when the git
# import succeeded, so that an interrupted run leaves nothing half-done.
tmp=$CACHE/linux.tmp
rm -rf "$tmp" "$tmp.deb"
mkdir -p "$tmp.deb"
note "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$tmp.deb" || die "cannot unpack $deb"
tarball=$(ls "$tmp.deb"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1 || true)
[ -n "$tarball" ] || die "$deb holds no linux-source tarball"
mkdir -p "$tmp"
tar -xJf "$tarball" -C "$tmp" --strip-components=1 ||
	die "cannot unpack $tarball (disk full?)"
rm -rf "$tmp.deb"
[ -f "$tmp/drivers/gpu/drm/drm_gpuvm.c" ] || die "$PKG $version has no drivers/gpu/drm/drm_gpuvm.c"

# A fixed identity and date make the base commit id the same on every
# machine, so the base-commit: lines of the exported patches are stable.
note "importing into git"
(
	cd "$tmp"
	export GIT_AUTHOR_NAME="Debian $PKG" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org"
	export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
	export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
	git init -q -b base
	# Debian's top-level .gitignore ends with '/*': force-add everything.
	git add -A -f
	git commit -q -m "Linux $(make -s kernelversion 2>/dev/null) (Debian $PKG $version)"
	git tag "$BASE_TAG"
) || die "git import of the base tree failed (disk full?)"
rm -rf "$BASE_REPO"
mv "$tmp" "$BASE_REPO"
printf '%s %s %s\n' "$PKG" "$version" "$(git -C "$BASE_REPO" rev-parse "$BASE_TAG")" >"$CACHE/base-version"
note "base: $(cat "$CACHE/base-version")"
