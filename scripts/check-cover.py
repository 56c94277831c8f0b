#!/usr/bin/env python3
"""cover-letter.txt agrees with the series and with the last measurement.

usage: check-cover.py TOP SUMMARY_JSON

- its patch list ("[n/N] subject" lines) is the series, in order, with the
  subjects of the patch files;
- every "drm_gpuvm X/Y passed, upstream DRM A/B passed" figure in it is
  the one of SUMMARY_JSON (scripts/summary.py --json of the last make).

Each problem is listed on stdout; the error line on stderr names the first
and how many there are."""
import email
import email.policy
import json
import os
import re
import sys

import cli
import summary as summary_py


def series(top):
    names = []
    with open(os.path.join(top, 'series')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line.split()[0])
    return names


def subject(path):
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    return re.sub(r'^\[PATCH[^\]]*\]\s*', '', ' '.join(str(msg['Subject']).split()))


def measured(path):
    """The figures of the summary JSON at PATH, or None."""
    try:
        with open(path) as f:
            return summary_py.figures(json.load(f))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def main(argv):
    if len(argv) != 2:
        cli.die('usage: check-cover.py TOP SUMMARY_JSON', 2)
    top, summary = argv
    try:
        with open(os.path.join(top, 'cover-letter.txt')) as f:
            text = f.read()
        want = [subject(os.path.join(top, 'patches', p)) for p in series(top)]
    except OSError as err:
        cli.die(f'cannot read {err.filename}: {err.strerror}')
    errors = []
    listed = re.findall(r'^\s*\[(\d+)/(\d+)\]\s+(.+?)\s*$', text, re.M)
    got = [s for _, _, s in listed]
    if got != want:
        errors.append('patch list differs from series:\n  cover: %s\n  series: %s' % (got, want))
    for i, (n, total, _) in enumerate(listed, 1):
        if int(n) != i or int(total) != len(want):
            errors.append(f'patch list numbering [{n}/{total}] should be [{i}/{len(want)}]')
    figures = re.findall(r'drm_gpuvm \d+/\d+ passed, upstream DRM \d+/\d+ passed', text)
    if figures:
        last = measured(summary)
        if not last:
            errors.append(f'no measurement in {summary}: run make first')
        else:
            for fig in figures:
                if fig != last:
                    errors.append(f'stale figure "{fig}"; make last measured "{last}"')
    if errors:
        for e in errors:
            print(f'cover-letter.txt: {e}')
        more = f' (and {len(errors) - 1} more problems)' if len(errors) > 1 else ''
        cli.die(f'cover-letter.txt: {errors[0].splitlines()[0].rstrip(":")}{more}')
    print(f'cover letter lists the {len(want)} patches of series; '
          f'{len(figures)} figure(s) match the last make')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
