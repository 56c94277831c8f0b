#!/usr/bin/env python3
"""Print a one-screen summary of a KUnit run and decide whether it passed.

usage: summary.py KUNIT_JSON TEST_LOG [--require-gpuvm] [--all] [--known FILE] [--out FILE]
                  [--kmemleak FILE]

Each suite with passed/failed/skipped, the drm_gpuvm suites first, then any
KASAN report, lockdep splat, WARNING, BUG or similar found in the raw kernel
log (the patterns of scripts/splats.py).  The run fails when a test failed
or crashed, when a drm_gpuvm case was skipped, when the drm_gpuvm suites
were required but did not run, or when the log holds a splat, even if
every test passed.  With --kmemleak, the
output of scripts/kmemleak.sh is part of the verdict.
"""
import json
import re
import sys

import splats


def suites(node):
    """Yield the top-level suites of the kunit.py JSON tree."""
    for group in node.get('sub_groups', []):
        yield group


def counts(group):
    misc = group.get('misc', {})
    failed = misc.get('failed', 0) + misc.get('crashed', 0) + misc.get('errors', 0)
    return misc.get('passed', 0), failed, misc.get('skipped', 0)


def failing_cases(group, prefix=''):
    for case in group.get('test_cases', []):
        if case['status'] not in ('PASS', 'SKIP'):
            yield prefix + case['name']
    for sub in group.get('sub_groups', []):
        yield from failing_cases(sub, prefix + sub['name'] + '.')


def scan_log(path):
    """(line number, suite, kind, key, text) of each splat in the log at
    PATH (scripts/splats.py)."""
    try:
        return [(f.line, f.suite, f.kind, f.key, f.text) for f in splats.scan_file(path)]
    except OSError as err:
        return [(0, '-', 'log', 'log', f'cannot read kernel log: {err}')]


def main():
    args = sys.argv[1:]
    require = '--require-gpuvm' in args
    show_all = '--all' in args
    out = None
    known_file = None
    if '--known' in args:
        known_file = args[args.index('--known') + 1]
        del args[args.index('--known'):args.index('--known') + 2]
    if '--out' in args:
        out = args[args.index('--out') + 1]
        del args[args.index('--out'):args.index('--out') + 2]
    kmemleak = None
    if '--kmemleak' in args:
        kmemleak = args[args.index('--kmemleak') + 1]
        del args[args.index('--kmemleak'):args.index('--kmemleak') + 2]
    args = [a for a in args if not a.startswith('--')]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(args[0]) as f:
            tree = json.load(f)
    except (OSError, ValueError) as err:
        print(f'error: no KUnit results in {args[0]}: {err}', file=sys.stderr)
        return 1

    all_suites = list(suites(tree))
    ours = [s for s in all_suites if s['name'].startswith('drm_gpuvm')]
    peers = [s for s in all_suites if not s['name'].startswith('drm_gpuvm')]
    lines = []
    problems = []

    def table(title, group, quiet=False):
        """One line per suite; with quiet, only the suites that did not
        simply pass are listed, the others are folded into one line."""
        tp = tf = ts = 0
        folded = []
        lines.append(f'{title}')
        lines.append(f'  {"suite":<44} {"passed":>7} {"failed":>7} {"skipped":>8}')
        for suite in group:
            p, f, s = counts(suite)
            tp, tf, ts = tp + p, tf + f, ts + s
            if quiet and f == 0 and s == 0:
                folded.append(p)
                continue
            mark = '' if f == 0 else '  <-- FAIL'
            lines.append(f'  {suite["name"]:<44} {p:>7} {f:>7} {s:>8}{mark}')
        if folded:
            name = f'({len(folded)} suites, all passed)'
            lines.append(f'  {name:<44} {sum(folded):>7} {0:>7} {0:>8}')
        lines.append(f'  {"total":<44} {tp:>7} {tf:>7} {ts:>8}')
        return tp, tf, ts

    gp, gf, gs = table('drm_gpuvm (this series)', ours)
    up, uf, us = 0, 0, 0
    if peers:
        lines.append('')
        up, uf, us = table('upstream DRM KUnit suites (peers)', peers, quiet=not show_all)

    if require and not ours:
        problems.append('the drm_gpuvm suite did not run')
    if gs:
        problems.append(f'{gs} drm_gpuvm case(s) skipped: our cases must run')
    for suite in all_suites:
        for name in failing_cases(suite, suite['name'] + '.'):
            problems.append(f'failed: {name}')

    found = scan_log(args[1])
    known = splats.load_known(known_file)
    # A splat in a drm_gpuvm suite always fails.  One in a peer suite fails
    # unless the unpatched base prints the same one (kunit/upstream-splats).
    new = [s for s in found if s[1].startswith('drm_gpuvm') or s[3] not in known]
    old = [s for s in found if s not in new]
    lines.append('')
    if new:
        lines.append(f'kernel log: {len(new)} splat(s) in {args[1]}')
        for num, suite, kind, key, text in new[:10]:
            lines.append(f'  line {num}: [{kind}] {suite}: {text}')
        if len(new) > 10:
            lines.append(f'  ... and {len(new) - 10} more')
        problems.append(f'{len(new)} splat(s) in the kernel log')
    else:
        lines.append('kernel log: no KASAN, lockdep, WARNING or BUG splat of ours')
    if old:
        lines.append(f'kernel log: {len(old)} splat(s) of upstream peer suites that the '
                     f'unpatched base prints too ({len(set(s[3] for s in old))} known kinds, '
                     'listed in kunit/upstream-splats): not ours, not counted')

    if kmemleak:
        # scripts/kmemleak.sh: its last line sums up, an error line fails.
        try:
            with open(kmemleak) as f:
                out_lines = [l.rstrip() for l in f if l.strip()]
        except OSError:
            out_lines = []
        err = [l for l in out_lines if l.startswith('error: ')]
        if err:
            lines.append(err[0][len('error: '):])
            problems.append(err[0][len('error: '):])
        elif out_lines and out_lines[-1].startswith('kmemleak: 0 unreferenced'):
            lines.append(out_lines[-1])
            # Its boot ran the same suites: as many ok results as this run.
            m = re.search(r'after the (\d+) boot results', out_lines[-1])
            with open(args[1], errors='replace') as f:
                want = sum(1 for l in f if re.match(r'\s*ok \d+ ', l))
            if m and int(m.group(1)) != want:
                problems.append(f'kmemleak: {m.group(1)} KUnit results ok in its boot, '
                                f'{want} in {args[1]}')
        else:
            lines.append(f'kmemleak: no result in {kmemleak}')
            problems.append(f'kmemleak: no result in {kmemleak}')

    lines.append('')
    if problems:
        for p in problems[:15]:
            lines.append(f'FAIL: {p}')
        lines.append(f'RESULT: FAIL (drm_gpuvm {gp}/{gp + gf} passed, '
                     f'upstream DRM {up}/{up + uf} passed)')
    else:
        lines.append(f'RESULT: PASS (drm_gpuvm {gp}/{gp + gf} passed, '
                     f'upstream DRM {up}/{up + uf} passed, no splat'
                     f'{", no leak" if kmemleak else ""})')
    text = '\n'.join(lines) + '\n'
    sys.stdout.write(text)
    if out:
        with open(out, 'w') as f:
            f.write(text)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
