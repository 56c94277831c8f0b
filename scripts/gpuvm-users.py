#!/usr/bin/env python3
"""The .c files of the given driver directories that include
<drm/drm_gpuvm.h>, directly or through the drivers' own headers.

usage: gpuvm-users.py TREE DIR...

Quoted includes are resolved against the including file's directory,
angle includes against DIR/include and DIR (nouveau's nvkm/, nvif/ ...).
Core DRM headers that include drm_gpuvm.h only for a declaration
(drm_debugfs.h) are not followed: every DRM file would count."""
import os
import re
import sys

INC = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
CORE = 'drm/drm_gpuvm.h'


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.splitlines()[3])
    tree, dirs = sys.argv[1], [d.rstrip('/') for d in sys.argv[2:]]
    os.chdir(tree)
    for d in dirs:
        if not os.path.isdir(d):
            sys.exit(f'error: {d} is not a directory of {tree}')
    includes = {}
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in names:
                if n.endswith(('.c', '.h')):
                    p = os.path.normpath(os.path.join(root, n))
                    with open(p, errors='replace') as f:
                        includes[p] = INC.findall(f.read())

    def resolve(p, kind, name):
        if name == CORE:
            return CORE
        cands = [os.path.join(os.path.dirname(p), name)] if kind == '"' else []
        for d in dirs:
            cands += [os.path.join(d, 'include', name), os.path.join(d, name)]
        for c in cands:
            c = os.path.normpath(c)
            if c in includes:
                return c
        return None

    deps = {p: {resolve(p, k, n) for k, n in incs} - {None} for p, incs in includes.items()}
    wanted = {CORE}
    changed = True
    while changed:
        changed = False
        for p, ds in deps.items():
            if p.endswith('.h') and p not in wanted and ds & wanted:
                wanted.add(p)
                changed = True
    for p in sorted(deps):
        if p.endswith('.c') and deps[p] & wanted:
            print(p)


if __name__ == '__main__':
    try:
        sys.exit(main())
    except OSError as e:
        sys.exit(f'error: {e.filename}: {e.strerror}')
