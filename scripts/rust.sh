#!/usr/bin/env bash
# scripts/rust.sh TREE BUILD_DIR: a CONFIG_RUST build of rust/ (the kernel
# crate, rust/kernel/drm/gpuvm among it) and of drivers/gpu/drm/tyr in the
# kernel tree TREE, for x86_64 (defconfig, COMPILE_TEST, no debug info), in
# BUILD_DIR, with Debian's packages alone:
#   rustc, cargo, rust-src  bookworm's rustc-web, cargo-web, rust-web-src
#   clang, lld, llvm        bookworm's clang-N, lld-N, llvm-N, libclang-N-dev,
#                           N the major of the LLVM that rustc-web is built on
#   bindgen                 built offline (cargo --offline) from sid's
#                           librust-bindgen-dev and the librust-*-dev packages
#                           it depends on (sources, unpacked with dpkg-deb -x
#                           under $CACHE/rust, never installed), behind a
#                           small front end of its own: the mirror serves no
#                           source of rust-bindgen-cli, and sid's bindgen
#                           binary needs a newer glibc
# The bookworm packages are installed with apt-get when missing; the bindgen
# is built once and kept in $CACHE/rust/bin.  Steps, one error line naming
# the first that fails: toolchain, rustavailable, config, prepare, rust/,
# drivers/gpu/drm/tyr/.  The logs are in BUILD_DIR/rust-logs/; a step that
# rebuilt nothing keeps the log of the last one that did, so that the
# warning count is the one of the last real compile; the warnings, one a
# line, go to BUILD_DIR/rust-logs/warnings.txt.  Callers that compare two
# builds remove the objects first (make users), so that each log is the
# one of a whole build.
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || die "usage: scripts/rust.sh TREE BUILD_DIR"
[ -d "$1" ] || die "tree $1 does not exist"
tree=$(cd "$1" && pwd)
bdir=$(realpath -m "$2")
[ -f "$tree/Makefile" ] && [ -d "$tree/rust/kernel" ] && [ -x "$tree/scripts/min-tool-version.sh" ] ||
	die "$tree is not a kernel tree with rust/kernel"
[ -f "$tree/drivers/gpu/drm/tyr/Kconfig" ] || die "$tree has no drivers/gpu/drm/tyr"
ensure_cache
RUST_CACHE=$CACHE/rust
BINDGEN=$RUST_CACHE/bin/bindgen
mkdir -p "$RUST_CACHE" "$bdir/rust-logs"
logs=$bdir/rust-logs

# ver_ge A B: version A >= version B.
ver_ge() {
	[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# need_debs PKG...: the bookworm packages PKG are installed.
need_debs() {
	local p missing=()
	for p; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "toolchain: ${missing[*]} missing (apt-get install ${missing[*]}, as root)"
	note "rust: apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$RUST_CACHE/apt-install.log" 2>&1 ||
		{ apt-get update -q >>"$RUST_CACHE/apt-install.log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$RUST_CACHE/apt-install.log" 2>&1; } ||
		die "toolchain: apt-get install ${missing[*]} failed ($(grep -m1 '^E:' "$RUST_CACHE/apt-install.log" || echo "log: $RUST_CACHE/apt-install.log"))"
}

# bindgen_ok: $BINDGEN runs and is at least the tree's minimum.
bindgen_ok() {
	local v
	v=$("$BINDGEN" --version 2>/dev/null | sed -n 's/^bindgen \([0-9.]*\).*/\1/p') || return 1
	[ -n "$v" ] && ver_ge "$v" "$bindgen_min"
}

# build_bindgen: $BINDGEN from sid's librust-*-dev sources, offline.
build_bindgen() {
	local apt=$RUST_CACHE/apt prefix=$RUST_CACHE/prefix crate=$RUST_CACHE/bindgen-cli reg ver d log
	local pkgs=()
	log=$RUST_CACHE/bindgen-build.log
	need_space "$RUST_CACHE" 1024 "the bindgen build"
	local mirror
	mirror=$(debian_mirror) || exit 1
	private_apt "$apt" deb "$mirror" sid
	apt-get "${APT_OPTS[@]}" update >"$log" 2>&1 || die "toolchain: apt-get update of sid failed (log: $log)"
	# The crates bindgen is made of: the librust-*-dev packages that
	# librust-bindgen-dev needs, recursively (their own non-Rust needs,
	# clang and the like, are bookworm's).
	mapfile -t pkgs < <(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances librust-bindgen-dev 2>>"$log" |
		grep '^librust-' | sort -u)
	[ ${#pkgs[@]} -gt 0 ] || die "toolchain: sid has no librust-bindgen-dev (log: $log)"
	rm -rf "$apt/debs" "$prefix"
	mkdir -p "$apt/debs" "$prefix"
	(cd "$apt/debs" && apt-get "${APT_OPTS[@]}" download "${pkgs[@]}") >>"$log" 2>&1 ||
		die "toolchain: apt-get download of ${#pkgs[@]} librust-*-dev packages from sid failed (log: $log)"
	for d in "$apt/debs"/*.deb; do
		dpkg-deb -x "$d" "$prefix" || die "toolchain: dpkg-deb -x $d failed"
	done
	reg=$prefix/usr/share/cargo/registry
	ver=$(find "$reg" -maxdepth 1 -name 'bindgen-[0-9]*' -printf '%f\n' | sed 's/^bindgen-//' | sort -V | tail -n 1)
	[ -n "$ver" ] || die "toolchain: librust-bindgen-dev holds no bindgen crate"
	ver_ge "$ver" "$bindgen_min" || die "toolchain: sid's bindgen $ver is older than the kernel's minimum $bindgen_min"
	rm -rf "$crate"
	mkdir -p "$crate/src" "$crate/cargo-home"
	cat >"$crate/Cargo.toml" <<-EOF
		[package]
		name = "bindgen-cli"
		version = "$ver"
		edition = "2021"
		publish = false

		[[bin]]
		name = "bindgen"
		path = "src/main.rs"

		[dependencies]
		bindgen = { version = "=$ver", default-features = false, features = ["__cli", "logging", "prettyplease"] }
	EOF
	cat >"$crate/src/main.rs" <<-'EOF'
		// The command-line front end of bindgen, as rust-bindgen-cli's
		// main.rs, on the library's own argument parser (feature __cli).
		fn main() {
		    match bindgen::builder_from_flags(std::env::args()) {
		        Ok((builder, output, _verbose)) => {
		            let bindings = builder.generate().unwrap_or_else(|e| {
		                eprintln!("bindgen: unable to generate bindings: {e}");
		                std::process::exit(1)
		            });
		            bindings.write(output).unwrap_or_else(|e| {
		                eprintln!("bindgen: unable to write the bindings: {e}");
		                std::process::exit(1)
		            });
		        }
		        Err(error) => {
		            eprintln!("{error}");
		            std::process::exit(1);
		        }
		    }
		}
	EOF
	cat >"$crate/cargo-home/config.toml" <<-EOF
		[source.crates-io]
		replace-with = "debian"
		[source.debian]
		directory = "$reg"
		[net]
		offline = true
	EOF
	note "rust: building bindgen $ver offline from ${#pkgs[@]} librust-*-dev packages of sid"
	with_build_lock env CARGO_HOME="$crate/cargo-home" RUSTC=/usr/bin/rustc \
		LIBCLANG_PATH="/usr/lib/llvm-$llvm/lib" LLVM_CONFIG_PATH="/usr/bin/llvm-config-$llvm" \
		/usr/bin/cargo build --offline --release -j"$(nproc)" --manifest-path "$crate/Cargo.toml" \
		--target-dir "$crate/target" >>"$log" 2>&1 ||
		die "toolchain: cargo build --offline of bindgen $ver failed: $(grep -m1 -E '^error' "$log" || echo "log: $log")"
	install -D -m 755 "$crate/target/release/bindgen" "$BINDGEN"
	rm -rf "$crate/target"
	bindgen_ok || die "toolchain: the bindgen built in $crate does not run ($("$BINDGEN" --version 2>&1 | head -n 1))"
}

# ---- toolchain ----------------------------------------------------------------

bindgen_min=$("$tree/scripts/min-tool-version.sh" bindgen) ||
	die "toolchain: $tree/scripts/min-tool-version.sh names no bindgen minimum"
rustc_min=$(ARCH=x86_64 SRCARCH=x86 "$tree/scripts/min-tool-version.sh" rustc) ||
	die "toolchain: $tree/scripts/min-tool-version.sh names no rustc minimum"
llvm_min=$(ARCH=x86_64 SRCARCH=x86 "$tree/scripts/min-tool-version.sh" llvm) ||
	die "toolchain: $tree/scripts/min-tool-version.sh names no LLVM minimum"
need_debs rustc-web cargo-web rust-web-src libelf-dev libssl-dev flex bison bc
rustc_ver=$(/usr/bin/rustc --version | awk '{ print $2 }')
ver_ge "$rustc_ver" "$rustc_min" || die "toolchain: /usr/bin/rustc $rustc_ver is older than the kernel's minimum $rustc_min"
[ -f "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library/core/src/lib.rs" ] ||
	die "toolchain: no Rust library source under $(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust (rust-web-src)"
# clang, lld and llvm of the LLVM that rustc is built on.
llvm=$(/usr/bin/rustc --version --verbose | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
[ -n "$llvm" ] || die "toolchain: /usr/bin/rustc does not name its LLVM version"
ver_ge "$llvm" "$llvm_min" || die "toolchain: rustc's LLVM $llvm is older than the kernel's minimum $llvm_min"
need_debs "clang-$llvm" "lld-$llvm" "llvm-$llvm" "libclang-$llvm-dev"
bindgen_ok || build_bindgen
note "rust: rustc $rustc_ver (LLVM $llvm), $("$BINDGEN" --version | head -n 1), $(clang-"$llvm" --version | head -n 1)"

# ---- the kernel ---------------------------------------------------------------

mk=(make -C "$tree" O="$bdir" ARCH=x86_64 LLVM="-$llvm" CC="$(kernel_cc "clang-$llvm")"
	RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc BINDGEN="$BINDGEN"
	-j"$(nproc)")

# first_error LOG: the first line of LOG that tells why the step stopped.
first_error() {
	grep -m1 -E '(^|[^A-Za-z])(error(\[E[0-9]+\])?|fatal error):' "$1" ||
		grep -m1 -E '\*\*\*|Error [0-9]' "$1" || tail -n 1 "$1"
}

# step NAME TARGET...: make TARGET under the build lock, timed; the log is
# rust-logs/NAME.log (kept from the last run that compiled anything).
step() {
	local name=$1 log=$logs/${1//\//_}.log start
	shift
	# The time is the build's own, not the wait for the lock.
	hold_build_lock
	start=$SECONDS
	if ! "${mk[@]}" "$@" >"$log.new" 2>&1; then
		mv "$log.new" "$log"
		die "$name: $(first_error "$log") (log: $log)"
	fi
	release_build_lock
	took=$((took + SECONDS - start))
	if grep -qE '^  (RUSTC|BINDGEN|CC|EXPORTS|AR|LD|HOSTCC|HOSTRUSTC|RUSTDOC) ' "$log.new" || [ ! -f "$log" ]; then
		mv "$log.new" "$log"
	else
		rm -f "$log.new"
	fi
	note "rust: $name: $((SECONDS - start)) s"
}

# warnings [--rustc] LOG...: the warnings of the compilers in the LOGs
# (rustc's "N warnings emitted" summaries not counted); with --rustc,
# rustc's alone (prepare compiles the crates of rust/, and the host tools
# in C).
warnings() {
	local re='^warning: |: warning: '
	[ "$1" != --rustc ] || { re='^warning: '; shift; }
	cat "$@" | grep -E "$re" | grep -cvE '^warning: [0-9]+ warnings? emitted' || true
}

need_space "$(dirname "$bdir")" 4096 "the Rust build in $bdir"
took=0
step rustavailable rustavailable

opts=(RUST=y COMPILE_TEST=y MODULES=y DRM=y COMMON_CLK=y IOMMU_SUPPORT=y DRM_TYR=m DEBUG_INFO_NONE=y)
grep -q '^config RUST_DRM_GPUVM$' "$tree/drivers/gpu/drm/Kconfig" && opts+=(RUST_DRM_GPUVM=y)
fragment=$(
	for o in "${opts[@]}"; do echo "CONFIG_$o"; done
	for o in DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT DEBUG_INFO_DWARF4 DEBUG_INFO_DWARF5 MODVERSIONS \
		RANDSTRUCT_FULL WERROR; do
		echo "# CONFIG_$o is not set"
	done
)
if [ ! -f "$bdir/.config" ] || [ "$(cat "$bdir/rust.config" 2>/dev/null)" != "$fragment" ]; then
	printf '%s\n' "$fragment" >"$bdir/rust.config.new"
	start=$SECONDS
	{
		with_build_lock "${mk[@]}" defconfig &&
			"$tree/scripts/kconfig/merge_config.sh" -m -O "$bdir" "$bdir/.config" "$bdir/rust.config.new" &&
			with_build_lock "${mk[@]}" olddefconfig
	} >"$logs/config.log" 2>&1 || die "config: $(first_error "$logs/config.log") (log: $logs/config.log)"
	mv "$bdir/rust.config.new" "$bdir/rust.config"
	note "rust: config: $((SECONDS - start)) s"
fi
for o in "${opts[@]}"; do
	grep -qx "CONFIG_$o" "$bdir/.config" ||
		die "config: CONFIG_$o cannot be set on x86_64 ($(grep "CONFIG_${o%=*}[= ]" "$bdir/.config" || echo "CONFIG_${o%=*} not in .config"))"
done

took=0
step prepare prepare
step rust/ rust/
step drivers/gpu/drm/tyr/ drivers/gpu/drm/tyr/
[ -f "$bdir/rust/kernel.o" ] || die "rust/: make passed but $bdir/rust/kernel.o is missing"
[ -f "$bdir/drivers/gpu/drm/tyr/tyr.o" ] || die "drivers/gpu/drm/tyr/: make passed but tyr.o is missing"

# The warnings themselves, for make users to compare: the paths of the
# tree and the build directory taken out, one a line, sorted.
cat "$logs/prepare.log" "$logs/rust_.log" "$logs/drivers_gpu_drm_tyr_.log" |
	grep -E '^warning: |: warning: ' | grep -vE '^warning: [0-9]+ warnings? emitted' |
	sed -e "s|$tree/||g" -e "s|$bdir/||g" | sort -u >"$logs/warnings.txt" || true
objs=$(find "$bdir/rust" "$bdir/drivers/gpu/drm/tyr" -name '*.o' | wc -l)
wr=$(($(warnings --rustc "$logs/prepare.log") + $(warnings "$logs/rust_.log")))
wt=$(warnings "$logs/drivers_gpu_drm_tyr_.log")
note "rust: prepare, rust/ and drivers/gpu/drm/tyr/ built in $took s; warnings: rust/ $wr, drivers/gpu/drm/tyr/ $wt"
echo "rust: built rust/kernel and drivers/gpu/drm/tyr ($objs objects, $((wr + wt)) warnings)"
