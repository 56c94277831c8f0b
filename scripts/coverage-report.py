#!/usr/bin/env python3
"""Figures from an lcov tracefile for one source file.

usage: coverage-report.py TRACEFILE FILE ADDED_LINES EXPORT...

Prints lines and functions covered in FILE, the coverage of the
instrumented lines among ADDED_LINES (one line number per line: what the
series adds or changes), the added lines never run, and the exported
functions never called."""
import sys


def main():
    info, name, added_path, *exports = sys.argv[1:]
    lines, funcs = {}, {}
    current = False
    for rec in open(info):
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
    if not lines:
        print(f'error: no coverage data for {name}', file=sys.stderr)
        return 1
    hit = sum(1 for c in lines.values() if c)
    fhit = sum(1 for c in funcs.values() if c)
    added = [int(x) for x in open(added_path).read().split()]
    inst = [n for n in added if n in lines]
    ahit = [n for n in inst if lines[n]]
    missed = [n for n in inst if not lines[n]]
    uncalled = [e for e in exports if not funcs.get(e)]
    print(f'{name}: lines {hit}/{len(lines)} ({100.0 * hit / len(lines):.1f}%), '
          f'functions {fhit}/{len(funcs)} ({100.0 * fhit / len(funcs):.1f}%)')
    if inst:
        print(f'lines added or changed by the series: {len(ahit)}/{len(inst)} instrumented '
              f'lines run ({100.0 * len(ahit) / len(inst):.1f}%)')
    if missed:
        print('  added lines never run: ' + ' '.join(map(str, missed)))
    print(f'exported functions called: {len(exports) - len(uncalled)}/{len(exports)}')
    if uncalled:
        print('  never called: ' + ' '.join(uncalled))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except OSError as e:
        sys.exit(f'error: {e.filename}: {e.strerror}')
