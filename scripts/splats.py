#!/usr/bin/env python3
"""The splats of a raw kernel log: the one list of patterns that
scripts/summary.py (the KUnit run) and scripts/kmemleak.py (the kmemleak
and failslab boots) both use.

usage: splats.py TEST_LOG

Prints the key of each splat, one per line: the format of
kunit/upstream-splats ("<suite> <kind> <function>").
"""
import re
import sys

import cli

# Lines that start a splat in the kernel log.  Suppressed WARN()s (through
# kunit_warning_suppress) print nothing, so any WARNING here is real.
PATTERNS = [
    (re.compile(r'BUG: KASAN: .*'), 'KASAN'),
    (re.compile(r'WARNING: possible (circular|recursive) locking.*'), 'lockdep'),
    (re.compile(r'WARNING: (inconsistent lock state|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning).*'), 'lockdep'),
    (re.compile(r'BUG: (sleeping function called|scheduling while atomic|workqueue lockup|spinlock|unable to handle).*'), 'BUG'),
    (re.compile(r'WARNING: CPU: .*|WARNING: .* at .*'), 'WARNING'),
    (re.compile(r'kernel BUG at .*'), 'BUG'),
    (re.compile(r'ODEBUG: .*'), 'debugobjects'),
    (re.compile(r'list_(add|del) corruption.*'), 'DEBUG_LIST'),
    (re.compile(r'UBSAN: .*'), 'UBSAN'),
    (re.compile(r'unreferenced object 0x.*'), 'kmemleak'),
    (re.compile(r'Kernel panic - .*'), 'panic'),
    (re.compile(r'refcount_t: .*'), 'refcount'),
]

SUITE = re.compile(r'^    # Subtest: (\S+)')
SUITE_END = re.compile(r'^(not )?ok \d+ ')
FUNC = re.compile(r'(?: at | in )([A-Za-z0-9_.]+)\+0x')
TIMESTAMP = re.compile(r'^\[[ 0-9.]+\] ')
# A skipped case with its reason (kunit_skip()'s message).
SKIP = re.compile(r'^\s+ok \d+ .* # SKIP (\S.*)$')


class Splat:
    """One splat: where it was printed, and a key that names it
    independently of line numbers and addresses (suite, kind and the
    function it points at)."""

    def __init__(self, line, suite, kind, key, text):
        self.line, self.suite, self.kind, self.key, self.text = line, suite, kind, key, text

    def as_dict(self):
        return {'line': self.line, 'suite': self.suite, 'kind': self.kind,
                'key': self.key, 'text': self.text}


def in_suites(lines):
    """(line number, suite, line without its time stamp) for each of LINES
    (first line 1) but the suites' own start and end lines.  The suite is
    the top-level KUnit suite running ('-' outside any suite)."""
    suite = '-'
    for num, line in enumerate(lines, 1):
        line = TIMESTAMP.sub('', line.rstrip())
        m = SUITE.match(line)
        if m:
            suite = m.group(1)
        elif SUITE_END.match(line):
            suite = '-'
        else:
            yield num, suite, line


def scan(lines):
    """The splats among LINES (an iterable of log lines, first line 1).
    The suite is the KUnit suite running when the splat was printed ('-'
    outside any suite)."""
    found = []
    for num, suite, line in in_suites(lines):
        for pattern, kind in PATTERNS:
            match = pattern.search(line)
            if match:
                func = FUNC.search(line)
                key = f'{suite} {kind} {func.group(1) if func else match.group(0)[:60]}'
                found.append(Splat(num, suite, kind, key, match.group(0)[:100]))
                break
    return found


def skips(lines):
    """The skipped cases among LINES that give a reason, as (suite, reason)
    pairs; a parent that only reports its skipped children gives none."""
    found = []
    for _num, suite, line in in_suites(lines):
        m = SKIP.match(line)
        if m:
            found.append((suite, m.group(1)))
    return found


def scan_file(path):
    """The splats of the log at PATH; raises OSError."""
    with open(path, errors='replace') as log:
        return scan(log)


def load_known(path):
    """The keys of a file in the format of kunit/upstream-splats (comments
    and blank lines ignored, blanks squeezed); empty without PATH."""
    known = set()
    if path:
        with open(path) as f:
            for line in f:
                line = line.split('#', 1)[0].strip()
                if line:
                    known.add(' '.join(line.split()))
    return known


def main(argv):
    if len(argv) != 1:
        cli.die('usage: splats.py TEST_LOG', 2)
    try:
        found = scan_file(argv[0])
    except OSError as err:
        cli.die(f'cannot read kernel log {argv[0]}: {err.strerror}')
    for splat in found:
        print(splat.key)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
