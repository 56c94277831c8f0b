#!/usr/bin/env python3
"""Stand-in for b4 in the script tests: the subcommands that send-dry.sh
and check-b4-roundtrip.sh use.  Calls made in a kernel tree are recorded
by its scripts/fixture-record.

  prep -e BASE            enrolls the branch on BASE (git config b4-fake.base)
  prep --edit-cover, prep --auto-to-cc
                          nothing
  send -o DIR --no-sign   the commits BASE..HEAD as mails DIR/NNNN-*.eml
                          (git format-patch), after a cover letter 0000-cover.eml
  am -m MBOX -o DIR       the messages of MBOX that carry a patch, in DIR/series.mbx
"""
import os
import subprocess
import sys


def git(*args):
    return subprocess.run(['git', *args], check=True, capture_output=True, text=True).stdout.strip()


def main(argv):
    top = subprocess.run(['git', 'rev-parse', '--show-toplevel'], capture_output=True, text=True).stdout.strip()
    record = os.path.join(top, 'scripts', 'fixture-record') if top else ''
    if record and os.path.exists(record):
        subprocess.run([record, 'b4', *argv], check=False)
    cmd = argv[0] if argv else ''
    if cmd == 'prep':
        if argv[1] == '-e':
            git('config', 'b4-fake.base', git('rev-parse', argv[2] + '^{commit}'))
        return 0
    if cmd == 'send':
        out = argv[argv.index('-o') + 1]
        base = git('config', 'b4-fake.base')
        n = int(git('rev-list', '--count', base + '..HEAD'))
        with open(os.path.join(out, '0000-cover.eml'), 'w') as f:
            f.write(f'To: Fixture Maintainer <maintainer@example.org>\nSubject: [PATCH 0/{n}] fixture\n\ncover\n')
        for p in git('format-patch', '-o', out, base + '..HEAD').splitlines():
            with open(p) as f:
                text = f.read()
            os.remove(p)
            # b4's mails are plain messages, without format-patch's mbox From line.
            with open(p[:-len('.patch')] + '.eml', 'w') as f:
                f.write(text.split('\n', 1)[1])
        return 0
    if cmd == 'am':
        mbox, out = argv[argv.index('-m') + 1], argv[argv.index('-o') + 1]
        msgs, cur = [], None
        with open(mbox) as f:
            for line in f:
                if line.startswith('From mboxrd@z'):
                    cur = [line]
                    msgs.append(cur)
                elif cur is not None:
                    cur.append(line)
        with open(os.path.join(out, 'series.mbx'), 'w') as f:
            for m in msgs:
                if any(l.startswith('diff --git ') for l in m):
                    f.writelines(m)
        return 0
    print(f'fake b4: unknown command {argv}', file=sys.stderr)
    return 2


sys.exit(main(sys.argv[1:]))
