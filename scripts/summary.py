#!/usr/bin/env python3
"""Print a one-screen summary of a KUnit run and decide whether it passed.

usage: summary.py KUNIT_JSON TEST_LOG [--require-gpuvm] [--all] [--known FILE]
                  [--config-skips]
                  [--alone KUNIT_JSON TEST_LOG] [--kmemleak JSON]
                  [--time NAME=SECONDS]... [--out FILE] [--json FILE]
       summary.py --show JSON [--table drm_gpuvm]

Each suite with passed/failed/skipped, the drm_gpuvm suites first, then any
KASAN report, lockdep splat, WARNING, BUG or similar found in the raw kernel
log (the patterns of scripts/splats.py).  The run fails when a test failed
or crashed, when a drm_gpuvm case was skipped, when the drm_gpuvm suites
were required but did not run, or when the log holds a splat, even if
every test passed.  With --kmemleak, the result of scripts/kmemleak.sh
(its kmemleak.json) is part of the verdict.

--config-skips accepts drm_gpuvm cases that skip with "requires CONFIG_..."
(drm-ci's config has no lockdep) and lists them; any other skip fails.
--alone gives the results of a boot that ran the drm_gpuvm suites alone.
The drm_gpuvm counts then come from that boot: an upstream test that trips a
lock debugging check (drm_test_bridge_helper_reset_crtc does) turns lockdep
off for the rest of a boot, so only the boot without the upstream suites
runs our cases under lockdep.  A case that fails in the full run still fails
the run; one that skips there (because lockdep is off) does not.  Both
kernel logs are scanned for splats.

--out writes the text, --json the results as data: the inputs, the
timings, the counts per suite, the splats, the kmemleak result, the
problems and the verdict.  --show prints the text of such a JSON again
(`make summary`), with the exit status of its verdict; with --table, only
that table.
"""
import collections
import json
import os
import re
import sys

import cli
import kmemleak
import splats

VERSION = 1


class BadInput(Exception):
    """An input of summary() that cannot be read."""


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


def ok_results(path):
    """The number of KUnit "ok" results in a kernel log (0 when it cannot
    be read: the summary fails on that already)."""
    try:
        with open(path, errors='replace') as f:
            return sum(1 for line in f if re.match(r'\s*ok \d+ ', line))
    except OSError:
        return 0


def read_kmemleak(path, test_log):
    """The kmemleak.sh result in PATH for summary(): (result or None, the
    problems it adds)."""
    try:
        result = kmemleak.load_json(path)
    except kmemleak.Failure:
        return None, [f'kmemleak: no result in {path}']
    if result['verdict'] != 'PASS':
        return result, [result['error']]
    # Its boot ran the same suites: as many ok results as this run.
    boot, run = result['boot']['ok_results'], ok_results(test_log)
    if boot != run:
        return result, [f'kmemleak: {boot} KUnit results ok in its boot, {run} in {test_log}']
    return result, []


def load_kunit(kunit_json):
    """The kunit.py --json tree in KUNIT_JSON; raises BadInput."""
    try:
        with open(kunit_json) as f:
            return json.load(f)
    except (OSError, ValueError) as err:
        raise BadInput(f'no KUnit results in {kunit_json}: {err}')


def suite_rows(tree, keep):
    """The rows of the top-level suites of TREE for which KEEP(ours) holds."""
    rows = []
    for group in tree.get('sub_groups', []):
        ours = group['name'].startswith('drm_gpuvm')
        if keep(ours):
            p, f, s = counts(group)
            rows.append({'name': group['name'], 'ours': ours, 'passed': p, 'failed': f, 'skipped': s})
    return rows


def scan(test_log):
    try:
        return splats.scan_file(test_log)
    except OSError as err:
        return [splats.Splat(0, '-', 'log', 'log', f'cannot read kernel log: {err}')]


def skip_reasons(test_log):
    try:
        with open(test_log, errors='replace') as log:
            return splats.skips(log)
    except OSError:
        return []


def summary(kunit_json, test_log, require=False, show_all=False, known_file=None,
            kmemleak_file=None, timings=None, alone=None, config_skips=False):
    """The results of a run as data (see --json); raises BadInput.
    With CONFIG_SKIPS, drm_gpuvm cases that skip because the kernel lacks a
    config option ("requires CONFIG_...", drm-ci's config has no lockdep)
    are listed, not failed; any other skip still fails."""
    tree = load_kunit(kunit_json)
    alone_tree = load_kunit(alone[0]) if alone else None
    try:
        known = splats.load_known(known_file)
    except OSError as err:
        raise BadInput(f'cannot read the known splats {known_file}: {err.strerror}')
    problems = []
    if alone_tree is None:
        suites = suite_rows(tree, lambda ours: True)
    else:
        suites = suite_rows(alone_tree, lambda ours: ours) + suite_rows(tree, lambda ours: not ours)
    ours = [s for s in suites if s['ours']]
    if require and not ours:
        problems.append('the drm_gpuvm suite did not run')
    skipped = sum(s['skipped'] for s in ours)
    accepted = {}
    if skipped and config_skips:
        reasons = [r for suite, r in skip_reasons(test_log) if suite.startswith('drm_gpuvm')]
        if len(reasons) == skipped and all(r.startswith('requires CONFIG_') for r in reasons):
            accepted = dict(sorted(collections.Counter(reasons).items()))
    if skipped and not accepted:
        problems.append(f'{skipped} drm_gpuvm case(s) skipped: our cases must run')
    for group in tree.get('sub_groups', []):
        problems += [f'failed: {name}' for name in failing_cases(group, group['name'] + '.')]
    for group in (alone_tree or {}).get('sub_groups', []):
        problems += [f'failed alone: {name}' for name in failing_cases(group, group['name'] + '.')]

    found = scan(test_log) + (scan(alone[1]) if alone else [])
    # A splat in a drm_gpuvm suite always fails.  One in a peer suite fails
    # unless the unpatched base prints the same one (kunit/upstream-splats).
    new = [s for s in found if s.suite.startswith('drm_gpuvm') or s.key not in known]
    old = [s for s in found if s not in new]
    if new:
        problems.append(f'{len(new)} splat(s) in the kernel log')

    leak = None
    if kmemleak_file:
        result, more = read_kmemleak(kmemleak_file, test_log)
        leak = {'file': kmemleak_file, 'result': result}
        problems += more

    return {
        'version': VERSION,
        'inputs': {'kunit_json': kunit_json, 'test_log': test_log, 'require_gpuvm': require,
                   'all': show_all, 'known': known_file, 'kmemleak': kmemleak_file,
                   'alone': list(alone) if alone else None, 'config_skips': config_skips},
        'timings': dict(timings or {}),
        'suites': suites,
        'totals': {'drm_gpuvm': total(ours),
                   'upstream': total([s for s in suites if not s['ours']])},
        'splats': {'new': [s.as_dict() for s in new], 'known': [s.as_dict() for s in old]},
        'kmemleak': leak,
        'config_skips': accepted,
        'problems': problems,
        'verdict': 'FAIL' if problems else 'PASS',
    }


def total(suites):
    return {k: sum(s[k] for s in suites) for k in ('passed', 'failed', 'skipped')}


def figures(data):
    """"drm_gpuvm X/Y passed, upstream DRM A/B passed": the figures of the
    RESULT line, which the cover letter quotes."""
    g, u = data['totals']['drm_gpuvm'], data['totals']['upstream']
    return (f'drm_gpuvm {g["passed"]}/{g["passed"] + g["failed"]} passed, '
            f'upstream DRM {u["passed"]}/{u["passed"] + u["failed"]} passed')


def table(title, suites, quiet=False):
    """One line per suite; with quiet, only the suites that did not simply
    pass are listed, the others are folded into one line."""
    lines = [title, f'  {"suite":<44} {"passed":>7} {"failed":>7} {"skipped":>8}']
    folded = []
    for s in suites:
        if quiet and s['failed'] == 0 and s['skipped'] == 0:
            folded.append(s['passed'])
            continue
        mark = '' if s['failed'] == 0 else '  <-- FAIL'
        lines.append(f'  {s["name"]:<44} {s["passed"]:>7} {s["failed"]:>7} {s["skipped"]:>8}{mark}')
    if folded:
        name = f'({len(folded)} suites, all passed)'
        lines.append(f'  {name:<44} {sum(folded):>7} {0:>7} {0:>8}')
    t = total(suites)
    lines.append(f'  {"total":<44} {t["passed"]:>7} {t["failed"]:>7} {t["skipped"]:>8}')
    return lines


OURS_TITLE = 'drm_gpuvm (this series)'


def render(data):
    """The text of a summary, from its data alone."""
    lines = []
    if data['timings']:
        lines += ['time:    ' + ', '.join(f'{k} {v} s' for k, v in data['timings'].items()), '']
    lines += table(OURS_TITLE, [s for s in data['suites'] if s['ours']])
    peers = [s for s in data['suites'] if not s['ours']]
    if peers:
        lines += [''] + table('upstream DRM KUnit suites (peers)', peers,
                              quiet=not data['inputs']['all'])

    new, old = data['splats']['new'], data['splats']['known']
    lines.append('')
    if new:
        lines.append(f'kernel log: {len(new)} splat(s) in {data["inputs"]["test_log"]}')
        for s in new[:10]:
            lines.append(f'  line {s["line"]}: [{s["kind"]}] {s["suite"]}: {s["text"]}')
        if len(new) > 10:
            lines.append(f'  ... and {len(new) - 10} more')
    else:
        lines.append('kernel log: no KASAN, lockdep, WARNING or BUG splat of ours')
    if old:
        lines.append(f'kernel log: {len(old)} splat(s) of upstream peer suites that the '
                     f'unpatched base prints too ({len(set(s["key"] for s in old))} known kinds, '
                     'listed in kunit/upstream-splats): not ours, not counted')

    accepted = data.get('config_skips') or {}
    if accepted:
        lines.append(f'skipped: {sum(accepted.values())} drm_gpuvm case(s) for a config option '
                     'this kernel lacks: ' +
                     ', '.join(f'{r} ({n})' for r, n in accepted.items()))

    leak = data['kmemleak']
    if leak:
        result = leak['result']
        lines.append(kmemleak.summary_line(result) if result
                     else f'kmemleak: no result in {leak["file"]}')

    lines.append('')
    if data['verdict'] != 'PASS':
        lines += [f'FAIL: {p}' for p in data['problems'][:15]]
        lines.append(f'RESULT: FAIL ({figures(data)})')
    else:
        lines.append(f'RESULT: PASS ({figures(data)}, no splat{", no leak" if leak else ""})')
    return '\n'.join(lines) + '\n'


def load(path):
    """A summary written by --json; exits with an error line otherwise."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as err:
        cli.die(f'no summary in {path}: {err.strerror} (the last make stopped before its '
                'summary, or never ran)')
    except ValueError as err:
        cli.die(f'no summary in {path}: not JSON ({err})')
    if not isinstance(data, dict) or data.get('version') != VERSION:
        cli.die(f'no summary in {path}: not a summary.py --json file')
    return data


def write(path, text):
    """Write TEXT to PATH whole or not at all."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def timing(value):
    name, sep, seconds = value.partition('=')
    if not sep or not name or not re.fullmatch(r'[0-9]+(\.[0-9]+)?', seconds):
        raise ValueError(value)
    return name, int(seconds) if seconds.isdigit() else round(float(seconds), 1)


def main(argv):
    ap = cli.Parser(prog='summary.py', description=__doc__.splitlines()[0])
    ap.add_argument('kunit_json', nargs='?')
    ap.add_argument('test_log', nargs='?')
    ap.add_argument('--require-gpuvm', action='store_true')
    ap.add_argument('--all', action='store_true')
    ap.add_argument('--known')
    ap.add_argument('--config-skips', action='store_true')
    ap.add_argument('--kmemleak')
    ap.add_argument('--alone', nargs=2, metavar=('KUNIT_JSON', 'TEST_LOG'))
    ap.add_argument('--time', type=timing, action='append', default=[], metavar='NAME=SECONDS')
    ap.add_argument('--out')
    ap.add_argument('--json')
    ap.add_argument('--show', metavar='JSON')
    ap.add_argument('--table', choices=['drm_gpuvm'])
    args = ap.parse_args(argv)

    if args.show:
        if args.kunit_json or args.test_log:
            ap.error('--show takes no KUNIT_JSON TEST_LOG')
        data = load(args.show)
        if args.table:
            print('\n'.join(table(OURS_TITLE, [s for s in data['suites'] if s['ours']])))
            return 0
        sys.stdout.write(render(data))
        return 0 if data['verdict'] == 'PASS' else 1
    if not args.test_log:
        ap.error('KUNIT_JSON and TEST_LOG are required')

    try:
        data = summary(args.kunit_json, args.test_log, args.require_gpuvm, args.all,
                       args.known, args.kmemleak, args.time, args.alone, args.config_skips)
    except BadInput as err:
        cli.die(err)
    text = render(data)
    sys.stdout.write(text)
    try:
        if args.out:
            write(args.out, text)
        if args.json:
            write(args.json, json.dumps(data, indent=1) + '\n')
    except OSError as err:
        cli.die(f'cannot write {err.filename}: {err.strerror}')
    return 1 if data['problems'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
