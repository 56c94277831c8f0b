#!/usr/bin/env python3
"""cover-letter.txt agrees with the series and with the last measurement.

usage: check-cover.py TOP SUMMARY

- its patch list ("[n/N] subject" lines) is the series, in order, with the
  subjects of the patch files;
- every "drm_gpuvm X/Y passed, upstream DRM A/B passed" figure in it is
  the one in SUMMARY (scripts/summary.py's output of the last make)."""
import email
import email.policy
import os
import re
import sys


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


def main():
    top, summary = sys.argv[1:3]
    text = open(os.path.join(top, 'cover-letter.txt')).read()
    errors = []
    want = [subject(os.path.join(top, 'patches', p)) for p in series(top)]
    listed = re.findall(r'^\s*\[(\d+)/(\d+)\]\s+(.+?)\s*$', text, re.M)
    got = [s for _, _, s in listed]
    if got != want:
        errors.append('patch list differs from series:\n  cover: %s\n  series: %s' % (got, want))
    for i, (n, total, _) in enumerate(listed, 1):
        if int(n) != i or int(total) != len(want):
            errors.append(f'patch list numbering [{n}/{total}] should be [{i}/{len(want)}]')
    figures = re.findall(r'drm_gpuvm \d+/\d+ passed, upstream DRM \d+/\d+ passed', text)
    if figures:
        try:
            measured = re.search(r'drm_gpuvm \d+/\d+ passed, upstream DRM \d+/\d+ passed',
                                 open(summary).read())
        except OSError:
            measured = None
        if not measured:
            errors.append(f'no measurement in {summary}: run make first')
        else:
            for fig in figures:
                if fig != measured.group(0):
                    errors.append(f'stale figure "{fig}"; make last measured "{measured.group(0)}"')
    if errors:
        for e in errors:
            print(f'error: cover-letter.txt: {e}', file=sys.stderr)
        return 1
    print(f'cover letter lists the {len(want)} patches of series; '
          f'{len(figures)} figure(s) match the last make')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except OSError as e:
        sys.exit(f'error: {e.filename}: {e.strerror}')
