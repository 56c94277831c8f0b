#!/usr/bin/env python3
"""Figures from an lcov tracefile for one source file.

usage: coverage-report.py TRACEFILE FILE ADDED_LINES EXPORT...

Prints lines and functions covered in FILE, the coverage of the
instrumented lines among ADDED_LINES (one line number per line: what the
series adds or changes), the added lines never run, and the exported
functions never called."""
import sys

import cli


def parse(records, name):
    """The line and function counts of the source file NAME (matched by
    its last path components) in the records of a tracefile:
    ({line: count}, {function: count})."""
    lines, funcs = {}, {}
    current = False
    for rec in records:
        rec = rec.strip()
        if rec.startswith('SF:'):
            current = rec[3:].endswith('/' + name)
        elif not current:
            continue
        elif rec.startswith('DA:'):
            num, count = rec[3:].split(',')[:2]
            lines[int(num)] = int(count)
        elif rec.startswith('FNDA:'):
            count, fn = rec[5:].split(',', 1)
            funcs[fn] = funcs.get(fn, 0) + int(count)
    return lines, funcs


def report(name, lines, funcs, added, exports):
    """The lines that coverage-report.py prints."""
    out = []
    hit = sum(1 for c in lines.values() if c)
    fhit = sum(1 for c in funcs.values() if c)
    inst = [n for n in added if n in lines]
    ahit = [n for n in inst if lines[n]]
    missed = [n for n in inst if not lines[n]]
    uncalled = [e for e in exports if not funcs.get(e)]
    fpct = f'{100.0 * fhit / len(funcs):.1f}%' if funcs else '-'
    out.append(f'{name}: lines {hit}/{len(lines)} ({100.0 * hit / len(lines):.1f}%), '
               f'functions {fhit}/{len(funcs)} ({fpct})')
    if inst:
        out.append(f'lines added or changed by the series: {len(ahit)}/{len(inst)} instrumented '
                   f'lines run ({100.0 * len(ahit) / len(inst):.1f}%)')
    if missed:
        out.append('  added lines never run: ' + ' '.join(map(str, missed)))
    out.append(f'exported functions called: {len(exports) - len(uncalled)}/{len(exports)}')
    if uncalled:
        out.append('  never called: ' + ' '.join(uncalled))
    return out


def main(argv):
    if len(argv) < 3:
        cli.die('usage: coverage-report.py TRACEFILE FILE ADDED_LINES EXPORT...', 2)
    info, name, added_path, *exports = argv
    try:
        with open(info) as f:
            lines, funcs = parse(f, name)
        with open(added_path) as f:
            added = [int(x) for x in f.read().split()]
    except OSError as err:
        cli.die(f'cannot read {err.filename}: {err.strerror}')
    except ValueError as err:
        cli.die(f'{info} or {added_path} is malformed: {err}')
    if not lines:
        cli.die(f'no coverage data for {name} in {info}')
    print('\n'.join(report(name, lines, funcs, added, exports)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
