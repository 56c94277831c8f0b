#!/usr/bin/env python3
"""Stand-in for tools/testing/kunit/kunit.py in the fixture kernel trees.

FAKE_KUNIT selects the outcome: ok, splat, skip or builderror.  Each call
is recorded by the tree's scripts/fixture-record; build and run write the
build directory's .config (the options of the kunitconfigs) and linux.
FAKE_BUILD names a directory whose files (a stand-in kernel, System.map,
.config) the build puts into the build directory; FAKE_TEST_LOG a kernel
log that the run writes as its test.log."""
import json
import os
import shutil
import subprocess
import sys

mode = os.environ.get('FAKE_KUNIT', 'ok')
opts = dict(a.split('=', 1) for a in sys.argv[2:] if a.startswith('--') and '=' in a)
build_dir = opts.get('--build_dir', '.kunit')
os.makedirs(build_dir, exist_ok=True)
top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
record = os.path.join(top, 'scripts', 'fixture-record')
if os.path.exists(record):
    subprocess.run([record, 'kunit.py'] + sys.argv[1:], check=False)

if mode == 'builderror':
    for i in range(250):
        print(f'  CC      drivers/gpu/drm/obj{i}.o')
    print('drivers/gpu/drm/drm_gpuvm.c:3:5: error: first problem')
    print('drivers/gpu/drm/drm_gpuvm.c:4:5: error: second problem')
    for i in range(250):
        print(f'make[{i % 4}]: *** some make noise')
    sys.exit(1)

if sys.argv[1] in ('run', 'build'):
    with open(os.path.join(build_dir, 'linux'), 'w') as f:
        f.write('#!/bin/sh\n')
    os.chmod(os.path.join(build_dir, 'linux'), 0o755)
    with open(os.path.join(build_dir, '.config'), 'w') as out:
        for a in sys.argv[2:]:
            if a.startswith('--kunitconfig='):
                path = a.split('=', 1)[1]
                if os.path.isdir(path):
                    path = os.path.join(path, '.kunitconfig')
                with open(path) as f:
                    out.writelines(l for l in f if l.startswith('CONFIG_'))
    if os.environ.get('FAKE_BUILD'):
        shutil.copytree(os.environ['FAKE_BUILD'], build_dir, dirs_exist_ok=True)
if sys.argv[1] == 'build':
    sys.exit(0)


def case(name, status='PASS'):
    return {'name': name, 'status': status}


def group(name, cases):
    counts = {'tests': len(cases), 'passed': 0, 'failed': 0, 'crashed': 0,
              'skipped': 0, 'errors': 0}
    for c in cases:
        counts[{'PASS': 'passed', 'SKIP': 'skipped'}.get(c['status'], 'failed')] += 1
    return {'name': name, 'sub_groups': [], 'test_cases': cases, 'misc': counts}


third = 'SKIP' if mode == 'skip' else 'PASS'
tree = {'name': 'KUnit Test Group', 'test_cases': [], 'sub_groups': [
    group('drm_mm', [case('drm_test_mm_init'), case('drm_test_mm_debug')]),
    group('drm_gpuvm', [case('a'), case('b'), case('c', third)]),
]}
if '--json' in opts:
    with open(opts['--json'], 'w') as f:
        json.dump(tree, f)
if os.environ.get('FAKE_TEST_LOG'):
    shutil.copy(os.environ['FAKE_TEST_LOG'], os.path.join(build_dir, 'test.log'))
else:
    with open(os.path.join(build_dir, 'test.log'), 'w') as f:
        f.write('[    0.100000] KTAP version 1\n')
        if mode == 'splat':
            f.write('[    0.200000] ==================================================================\n')
            f.write('[    0.200001] BUG: KASAN: slab-use-after-free in drm_gpuvm_bo_put+0x10/0x20\n')
        f.write('[    0.300000] # Totals: pass:5 fail:0 skip:0 total:5\n')
print('[00:00:01] Testing complete.')
