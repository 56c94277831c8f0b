#!/usr/bin/env bash
# `make kmemleak-control`: shows that scripts/kmemleak.sh catches a real
# leak.  It builds the KUnit kernel once with patch 2 undone (the error
# labels of drm_gpuva_sm_step() back in their upstream order, a change
# that is never committed), runs scripts/kmemleak.sh on it and expects it
# to fail at the kmemdup() of the next op, with the unmap copies leaked.
# The tree is restored afterwards; the next `make` rebuilds the real series
# (kunit.sh's stamp covers uncommitted changes).
#
# Results in $RESULTS/kmemleak-control/.  Passes when the leak is found.
. "$(dirname "$0")/lib.sh"

tree=$("$TOP/scripts/prepare-tree.sh")
"$TOP/scripts/apply.sh" "$tree"
file=drivers/gpu/drm/drm_gpuvm.c
out=$RESULTS/kmemleak-control
mkdir -p "$out"
cd "$tree" || die "cannot enter $tree"
trap 'git -C "$tree" checkout -q -- "$file"' EXIT

python3 - "$file" <<'EOF'
import sys
path = sys.argv[1]
text = open(path).read()
fixed = ("err_free_prev:\n\tkfree(op->remap.prev);\n"
         "err_free_unmap:\n\tkfree(op->remap.unmap);\n")
upstream = ("err_free_unmap:\n\tkfree(op->remap.unmap);\n"
            "err_free_prev:\n\tkfree(op->remap.prev);\n")
if text.count(fixed) != 1:
    sys.exit(f'error: the fixed error labels are not in {path} once')
open(path, 'w').write(text.replace(fixed, upstream))
EOF
note "kmemleak-control: $file has its upstream error labels back; building"
# kunit.sh's stamp names the tree with its uncommitted changes: it builds
# this edit, and the next make builds the series again.
RESULTS=$out "$TOP/scripts/kunit.sh" --build-only "$tree"

RESULTS=$out KMEMLEAK_REUSE=0 "$TOP/scripts/kmemleak.sh" >"$out/kmemleak.txt" 2>&1 || true
# kmemleak.json must name a leak at site 3 (the kmemdup() of the next op)
# as its first failure.
verdict=$("$TOP/scripts/kmemleak.py" caught "$out/kmemleak.json" 3 2>&1) ||
	die "kmemleak-control: the leak without patch 2 was not caught: ${verdict#error: } (log: $out/kmemleak.txt)"
echo "kmemleak-control: PASS, the leak without patch 2 is caught: ${verdict#caught: }"
