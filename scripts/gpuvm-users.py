#!/usr/bin/env python3
"""The .c files of the given driver directories that include
<drm/drm_gpuvm.h>, directly or through the drivers' own headers.

usage: gpuvm-users.py TREE DIR...

Quoted includes are resolved against the including file's directory,
angle includes against DIR/include and DIR (nouveau's nvkm/, nvif/ ...).
Core DRM headers that include drm_gpuvm.h only for a declaration
(drm_debugfs.h) are not followed: every DRM file would count.  A TREE or
DIR that does not exist is an error."""
import os
import re
import sys

import cli

INC = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
CORE = 'drm/drm_gpuvm.h'


def users(tree, dirs):
    """The .c files under DIRS (relative to TREE) that include CORE,
    sorted, relative to TREE."""
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        return find(dirs)
    finally:
        os.chdir(cwd)


def find(dirs):
    """users() in the current directory."""
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
    return [p for p in sorted(deps) if p.endswith('.c') and deps[p] & wanted]


def main(argv):
    if len(argv) < 2:
        cli.die('usage: gpuvm-users.py TREE DIR...', 2)
    tree, dirs = argv[0], [d.rstrip('/') for d in argv[1:]]
    if not os.path.isdir(tree):
        cli.die(f'{tree} is not a directory')
    for d in dirs:
        if not os.path.isdir(os.path.join(tree, d)):
            cli.die(f'{d} is not a directory in {tree}')
    for p in users(tree, dirs):
        print(p)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
