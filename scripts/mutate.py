#!/usr/bin/env python3
"""The verdicts of `make mutate` (scripts/mutate.sh), and its table.

usage: mutate.py reference KUNIT_JSON LOG CASES_OUT SPLATS_OUT
       mutate.py verdict --mutant PATCH --log LOG --json KUNIT_JSON --rc RC
                         --reference REF_KEYS --expect CASES --out OUT_JSON
       mutate.py table RESULTS_DIR MUTANT...

reference: the unmutated run, which must have passed: its cases (one per
line) and its splat keys.

verdict: one mutant's boot of the drm_gpuvm suites.  It is KILLED when a
case failed (kunit.py's own verdict, what drm-ci sees), when the kernel
crashed or hung before every case of the unmutated run reported (the
cases of EXPECT, one per line), or when the log has a splat
(scripts/splats.py) that the unmutated run (REF_KEYS) has not: "case",
"crash" and "splat" say which, in that order.  Otherwise it SURVIVED.

table: one row per mutant, "killed K of N", and each survivor with the
explanation its patch gives ("Survives: ..."): why it is equivalent, or
which gap of the suite lets it through.  Exits 1 when a survivor has no
explanation, a mutant with one is killed (the explanation is stale), or a
mutant did not apply or build.
"""
import json
import os
import re
import sys

import cli
import splats

HEADER = re.compile(r'^(Mutant|Kind|Code|Survives): (.*)$')


def header(path):
    """The header fields of a mutant patch (the lines before its diff)."""
    fields = {}
    with open(path) as f:
        for line in f:
            if line.startswith('diff --git '):
                break
            m = HEADER.match(line.rstrip('\n'))
            if m:
                key = m.group(1).lower()
                fields['description' if key == 'mutant' else key] = m.group(2)
    if 'description' not in fields:
        raise ValueError(f'{path}: no "Mutant:" line before the diff')
    return fields


def cases(group, prefix=''):
    """Every case of a KUnit JSON group, with its status."""
    for case in group.get('test_cases', []):
        yield prefix + case['name'], case['status']
    for sub in group.get('sub_groups', []):
        yield from cases(sub, prefix + sub['name'] + '.')


def verdict(log_lines, kunit, rc, reference, expected):
    """(result, how, details) of one boot."""
    got = dict(cases(kunit)) if kunit else {}
    # kunit.py records a result it could not parse (a crash inside a suite,
    # a garbled log) as a case without a name: its suite is named instead.
    bad = [name for name, status in (cases(kunit) if kunit else []) if status not in ('PASS', 'SKIP')]
    named = list(dict.fromkeys(name for name in bad if name and not name.endswith('.')))
    unnamed = [name.rstrip('.') or 'the top level' for name in bad if not name or name.endswith('.')]
    if bad:
        where = ', '.join(dict.fromkeys(unnamed))
        return 'KILLED', 'case', named + [f'{len(unnamed)} result(s) kunit.py could not parse '
                                          f'(a crash or a garbled log) in {where}'] * bool(unnamed)
    missing = [name for name in expected if name not in got]
    if missing or not kunit:
        return 'KILLED', 'crash', [f'kernel exit {rc}, {len(missing)} of {len(expected)} cases '
                                   f'did not report'] + missing[:3]
    new = sorted({s.key for s in splats.scan(log_lines)} - set(reference))
    if new:
        return 'KILLED', 'splat', new
    return 'SURVIVED', '', []


def cmd_verdict(args):
    try:
        fields = header(args.mutant)
        with open(args.log, errors='replace') as f:
            lines = f.read().splitlines()
        try:
            with open(args.json) as f:
                kunit = json.load(f)
        except (OSError, ValueError):
            kunit = None
        with open(args.reference) as f:
            reference = [l.rstrip('\n') for l in f if l.strip()]
        with open(args.expect) as f:
            expected = [l.rstrip('\n') for l in f if l.strip()]
    except (OSError, ValueError) as err:
        cli.die(f'mutate: {err}')
    result, how, details = verdict(lines, kunit, args.rc, reference, expected)
    out = {'mutant': os.path.basename(args.mutant), 'result': result, 'how': how,
           'details': details, **fields}
    with open(args.out, 'w') as f:
        json.dump(out, f, indent=1)
    print(f'{result}{" by " + how if how else ""}: {fields["description"]}')
    return 0


def cmd_reference(args):
    try:
        with open(args.json) as f:
            kunit = json.load(f)
        with open(args.log, errors='replace') as f:
            lines = f.read().splitlines()
    except (OSError, ValueError) as err:
        cli.die(f'mutate: the unmutated run has no results: {err}')
    got = list(cases(kunit))
    bad = [name for name, status in got if status not in ('PASS', 'SKIP')]
    if not got or bad:
        cli.die(f'mutate: the unmutated run did not pass ({bad[0] if bad else "no case"}; '
                f'log: {args.log})')
    with open(args.cases_out, 'w') as f:
        f.write(''.join(name + '\n' for name, _ in got))
    with open(args.splats_out, 'w') as f:
        f.write(''.join(k + '\n' for k in sorted({s.key for s in splats.scan(lines)})))
    print(f'reference: {len(got)} cases passed')
    return 0


def load_results(results, mutants):
    rows = []
    for path in mutants:
        name = os.path.basename(path)
        try:
            fields = header(path)
        except (OSError, ValueError) as err:
            rows.append({'mutant': name, 'result': 'ERROR', 'how': '', 'details': [str(err)]})
            continue
        out = os.path.join(results, name + '.json')
        try:
            with open(out) as f:
                row = json.load(f)
        except (OSError, ValueError):
            problem = os.path.join(results, name + '.error')
            try:
                with open(problem) as f:
                    why = f.read().strip()
            except OSError:
                why = 'not run'
            row = {'mutant': name, 'result': 'ERROR', 'how': '', 'details': [why], **fields}
        row.update(fields)
        rows.append(row)
    return rows


def table(rows):
    """The table's lines, and the problems that fail the target."""
    lines = [f'{"mutant":<44} {"code":<8} {"result":<8} {"by":<6} details']
    problems = []
    for r in rows:
        detail = ', '.join(r.get('details', [])[:2])
        if r['result'] == 'SURVIVED':
            detail = r.get('survives', 'NO EXPLANATION')
            if 'survives' not in r:
                problems.append(f'{r["mutant"]} survived and its patch does not say why (Survives:)')
        elif r['result'] == 'KILLED' and 'survives' in r:
            problems.append(f'{r["mutant"]} is killed but its patch says it survives: {r["survives"]}')
        elif r['result'] == 'ERROR':
            problems.append(f'{r["mutant"]}: {detail}')
        lines.append(f'{r["mutant"][:44]:<44} {r.get("code", "?"):<8} {r["result"]:<8} '
                     f'{r.get("how", ""):<6} {detail}')
    killed = [r for r in rows if r['result'] == 'KILLED']
    by = {}
    for r in killed:
        by[r['how']] = by.get(r['how'], 0) + 1
    split = ', '.join(f'{n} by {h}' for h, n in sorted(by.items()))
    for code in ('upstream', 'series'):
        part = [r for r in rows if r.get('code') == code]
        if part:
            k = sum(1 for r in part if r['result'] == 'KILLED')
            lines.append(f'{code}: killed {k} of {len(part)}')
    lines.append(f'killed {len(killed)} of {len(rows)}' + (f' ({split})' if split else ''))
    return lines, problems


def cmd_table(args):
    rows = load_results(args.results, args.mutants)
    lines, problems = table(rows)
    print('\n'.join(lines))
    with open(os.path.join(args.results, 'mutate.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    if problems:
        for p in problems:
            print(f'problem: {p}')
        sys.stdout.flush()
        cli.die(f'mutate: {problems[0]}' + (f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''))
    return 0


def main(argv):
    p = cli.Parser(prog='mutate.py')
    sub = p.add_subparsers(dest='cmd', required=True)
    v = sub.add_parser('verdict')
    v.add_argument('--mutant', required=True)
    v.add_argument('--log', required=True)
    v.add_argument('--json', required=True)
    v.add_argument('--rc', required=True)
    v.add_argument('--reference', required=True)
    v.add_argument('--expect', required=True)
    v.add_argument('--out', required=True)
    r = sub.add_parser('reference')
    r.add_argument('json')
    r.add_argument('log')
    r.add_argument('cases_out')
    r.add_argument('splats_out')
    t = sub.add_parser('table')
    t.add_argument('results')
    t.add_argument('mutants', nargs='+')
    args = p.parse_args(argv)
    return {'verdict': cmd_verdict, 'reference': cmd_reference, 'table': cmd_table}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
