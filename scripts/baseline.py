#!/usr/bin/env python3
"""The known upstream noise, measured: kunit/upstream-splats and
kunit/upstream-leaks written from one run of the UNPATCHED base.

usage: baseline.py --test-log LOG --kmemleak-log LOG --tests-nm FILE
                   --base DESC --fragments NAMES --fragments-stamp STAMP
                   --splats OUT --leaks OUT

--test-log is the raw kernel log of the KUnit run of the base (kunit.py's
test.log), --kmemleak-log the log of its "all suites, then a scan" boot
(kmemleak.sh --scan-only), --tests-nm the output of `nm --defined-only` on
the objects of drivers/gpu/drm/tests of that build.

Every splat of either log becomes an entry of OUT (--splats), in the
format scripts/splats.py gives; every object of the kmemleak report
becomes the name of the function of drivers/gpu/drm/tests that allocated it
(the innermost frame of its backtrace that is a function of those objects),
the name scripts/kmemleak.py matches.  Each entry comes after a comment that
says where it came from, in the manner of drm-ci's expectation files; the
header names the base and the fragments, so that the files are measured
again when either changes.  Nothing in the output depends on addresses,
pids, timings or the order of the logs: the same kernel gives the same
files.
"""
import contextlib
import os
import re
import sys

import cli
import kmemleak
import splats

CASE = re.compile(r'^    (?:not )?ok \d+ (\S+)')
WHERE = re.compile(r'(?:^WARNING: | at )(\S+:\d+)')
# What a splat's first line may hold that differs from boot to boot.
VOLATILE = [(re.compile(r'\+0x[0-9a-f]+/0x[0-9a-f]+'), ''), (re.compile(r'PID: \d+'), 'PID: N'),
            (re.compile(r'/\d+\b'), '/N'), (re.compile(r'\b(0x)?[0-9a-f]{8,}\b'), 'ADDR')]
NM = re.compile(r'^[0-9a-fA-F]+ [tTwW] (\S+)$')


class Failure(Exception):
    """A problem with the inputs: one error line."""


# The frames of kmemleak's own bookkeeping at the top of every backtrace.
BOOKKEEPING = {'save_stack_trace', 'stack_trace_save', 'set_track_prepare',
               '__alloc_object', '__create_object', 'kmemleak_alloc'}


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read().splitlines()
    except OSError as err:
        raise Failure(f'baseline: cannot read {path}: {err.strerror}')


def cases_after(lines):
    """For each line number (1-based), the KUnit case whose result line is
    the first one at or after it: the case that was running."""
    case = [None] * (len(lines) + 2)
    current = None
    for num in range(len(lines), 0, -1):
        m = CASE.match(splats.TIMESTAMP.sub('', lines[num - 1]))
        if m:
            current = m.group(1)
        case[num] = current
    return case


def splat_entries(logs):
    """{key: set of 'case: where'} over the (name, lines) LOGS."""
    found = {}
    for _name, lines in logs:
        case = cases_after(lines)
        for s in splats.scan(lines):
            if s.kind == 'kmemleak':
                continue
            text = s.text
            m = WHERE.search(text)
            if m:
                where = m.group(1)
            else:
                where = text
                for pattern, repl in VOLATILE:
                    where = pattern.sub(repl, where)
                where = where[:70]
            found.setdefault(s.key, set()).add(f'{case[s.line] or "outside any case"}: {where}')
    return found


def test_functions(nm_lines):
    names = set()
    for line in nm_lines:
        m = NM.match(line.strip())
        if m:
            names.add(m.group(1))
    return names


def leak_entries(lines, tests):
    """{function: [object descriptions]} for the objects of the kmemleak
    report in LINES.  An object with no frame in drivers/gpu/drm/tests is
    an error: it is not a test's leak, and nothing may hide it."""
    found = {}
    for obj in kmemleak.objects(lines):
        frames = [f for f in obj.frames if f not in BOOKKEEPING]
        owner = next((f for f in frames if f in tests), None)
        if owner is None:
            raise Failure(f'baseline: leaked object {obj.address} was not allocated by an '
                            f'upstream test (backtrace: {" <- ".join(frames[:6]) or "none"})')
        size = re.search(r'\(size (\d+)\)', obj.lines[0])
        at = frames.index(owner)
        chain = ' <- '.join(frames[max(0, at - 1):at + 2])
        found.setdefault(owner, []).append(f'{size.group(1) if size else "?"} bytes, {chain}')
    return found


# What makes a boot complete, as kmemleak.py checks every boot of the
# series; its splats and 'not ok' results are the base's, not problems.
COMPLETE = {'incomplete', 'init', 'no-report', 'disabled', 'no-results'}


def check_boot(log):
    """The lines of the kmemleak boot's LOG, which must be complete."""
    if not os.path.isfile(log):
        raise Failure(f'baseline: cannot read {log}: no such file')
    lines, rc = kmemleak.read_log(log)
    problems, _ok = kmemleak.check_boot(lines, 'the base\'s boot', log, rc, set(), True)
    bad = [m for kind, m in problems if kind in COMPLETE]
    if bad:
        raise Failure(f'baseline: {bad[0]}')
    return lines


def header(what, args):
    return [
        f'# {what}',
        '# on the UNPATCHED base, under the fragments of every KUnit run of the',
        '# series.  Written by `make baseline`; `make baseline-check` fails when',
        '# the base or the fragments would give something else.  Do not edit.',
        f'#   base:      {args.base}',
        f'#   fragments: {args.fragments} (content {args.fragments_stamp[:12]})',
    ]


def write(files):
    """Write each (path, lines) of FILES, all or none: each goes to a
    temporary file first, and they are renamed in place at the end."""
    done = []
    try:
        for path, lines in files:
            with open(path + '.new', 'w') as f:
                f.write('\n'.join(lines) + '\n')
            done.append(path)
        for path in done:
            os.replace(path + '.new', path)
    except OSError as err:
        for path in done:
            with contextlib.suppress(OSError):
                os.unlink(path + '.new')
        raise Failure(f'baseline: cannot write {err.filename}: {err.strerror}')


def main(argv):
    ap = cli.Parser(prog='baseline.py', description=__doc__.splitlines()[0])
    for opt in ('test-log', 'kmemleak-log', 'tests-nm', 'base', 'fragments',
                'fragments-stamp', 'splats', 'leaks'):
        ap.add_argument(f'--{opt}', required=True)
    args = ap.parse_args(argv)
    try:
        test_log = read(args.test_log)
        boot = check_boot(args.kmemleak_log)
        if not any(CASE.match(splats.TIMESTAMP.sub('', l)) for l in test_log):
            raise Failure(f'baseline: no KUnit result in {args.test_log}')
        tests = test_functions(read(args.tests_nm))
        if not tests:
            raise Failure(f'baseline: no function of drivers/gpu/drm/tests in {args.tests_nm}')

        out = header('Splats that the upstream DRM KUnit suites print', args) + [
            '#   from:      the KUnit run (kunit.py) and the kmemleak boot of that kernel',
            '# Format: <suite> <kind> <function> (scripts/splats.py).  scripts/summary.py',
            '# and scripts/kmemleak.py report these as "upstream, not ours" when they',
            '# appear in the same peer suite; any other splat, and any splat at all',
            '# inside a drm_gpuvm suite, fails the run.  Above each entry: the cases',
            '# that printed it, and where.',
        ]
        found = splat_entries([('kunit', test_log), ('boot', boot)])
        for key in sorted(found):
            out += [''] + [f'# {w}' for w in sorted(found[key])] + [key]
        files = [(args.splats, out)]

        out = header('Leaks of upstream DRM KUnit tests, which kmemleak reports', args) + [
            '#   from:      the kmemleak boot of that kernel (all suites, two scans)',
            '# Format: the function of drivers/gpu/drm/tests that allocated the object',
            '# (the innermost such frame of its backtrace).  scripts/kmemleak.py does',
            '# not count an object whose backtrace names one of these and no drm_gpuvm',
            '# function; any other object fails the run.  Above each entry: its',
            '# objects, with the frames around that function.',
        ]
        leaks = leak_entries(boot, tests)
        for name in sorted(leaks):
            objs = leaks[name]
            out += [''] + [f'# {objs.count(o)} x {o}' for o in sorted(set(objs))] + [name]
        files.append((args.leaks, out))
        write(files)
    except Failure as err:
        cli.die(err)
    print(f'baseline: {len(found)} splat keys, {sum(len(v) for v in leaks.values())} leaked '
          f'objects of {len(leaks)} upstream test functions')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
