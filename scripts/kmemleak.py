#!/usr/bin/env python3
"""The analysis of scripts/kmemleak.sh's boots; the boots stay in the shell.

usage: kmemleak.py sites --build-dir DIR --objdump-out FILE --json JSON
       kmemleak.py verdict --results DIR --sites ADDR... [--failslab-only]
                   --known-splats FILE --upstream-leaks FILE --stamp STAMP --json JSON
       kmemleak.py reuse --from JSON --json JSON --stamp STAMP
       kmemleak.py fail --json JSON MESSAGE
       kmemleak.py caught JSON SITE

sites    prints the return address of each kmemdup() call in
         drm_gpuva_sm_step(), one per line, from DIR/System.map and
         objdump of DIR/linux (written to FILE); there must be 3.
verdict  reads DIR/kmemleak.log (all suites, then a scan) and
         DIR/kmemleak-site-N.log (failslab at the Nth address of --sites),
         writes the result to JSON and prints its summary line, or the
         report of the first leaked object and the error line.
reuse    when JSON of the last run (--from) passed with STAMP, writes it
         again to --json as reused and prints its summary line; exits 1
         without output otherwise.
fail     writes a FAIL result with MESSAGE (a failure before the boots)
         and prints the error line.
caught   (make kmemleak-control) passes when JSON failed on a leak at site
         SITE, and on nothing before it.

Every error is one line on stderr starting with "error: ", and JSON then
holds the failed verdict with that message.
"""
import json
import os
import re
import subprocess
import sys

import cli
import splats

FUNCTION = 'drm_gpuva_sm_step'
SITES = 3
# kmemleak can miss an object (a stale copy of its address elsewhere keeps
# it referenced): on the series without patch 2 it reported 16 of the 17
# leaked unmap copies.  So each site must fail at least this often, and a
# leak on every failure cannot hide.
MIN_FAILURES = 10
VERSION = 1


class Failure(Exception):
    """A problem that ends the analysis before any verdict."""


# --- the call sites: System.map and objdump -------------------------------

def symbol_range(map_lines, name):
    """(start, end) of NAME in System.map lines, as System.map spells the
    addresses: from NAME's address to the next different address in
    address order.  None when NAME is missing or last."""
    start = None
    for line in sorted(l.rstrip('\n') for l in map_lines):
        fields = line.split()
        if len(fields) < 3:
            continue
        if start is not None and fields[0] != start:
            return start, fields[0]
        if start is None and fields[2] == name:
            start = fields[0]
    return None


def kmemdup_address(map_lines):
    """The address of kmemdup() (kmemdup_noprof() since 6.10) in
    System.map lines, without leading zeros, as a movabs loads it."""
    for line in map_lines:
        fields = line.split()
        if len(fields) >= 3 and fields[2] in ('kmemdup_noprof', 'kmemdup'):
            return fields[0].lstrip('0')
    return None


MOVABS = re.compile(r'movabs +\$0x[0-9a-f]+,%')
DIRECT = re.compile(r'<kmemdup(_noprof)?>')
INDIRECT = re.compile(r'\*%[a-z0-9]+')
MOV = re.compile(r'mov .*,%')


def call_sites(objdump_lines, callee):
    """The return addresses ("0x..." as objdump prints them) of the calls
    to CALLEE in objdump -d output.  UML code is built with
    -mcmodel=large: a call goes through a register that a movabs loaded
    with the callee's address.  A register is forgotten when a plain mov
    overwrites it, so that a later indirect call through it (an op of the
    driver) is not taken for kmemdup()."""
    found = []
    reg = {}
    ret = False
    for line in objdump_lines:
        fields = line.split()
        last = fields[-1] if fields else ''
        if ret:
            found.append('0x' + (fields[0] if fields else '').removesuffix(':'))
            ret = False
        if MOVABS.search(line):
            value, _, target = last.partition(',')
            reg[target.split(',')[0]] = re.sub(r'^\$0x0*', '', value)
        if 'call' in line:
            if DIRECT.search(line):
                ret = True
            else:
                m = INDIRECT.search(line)
                if m and reg.get(m.group(0)[1:]) == callee:
                    ret = True
        if MOV.search(line) and 'movabs' not in line:
            parts = last.split(',')
            reg[parts[1] if len(parts) > 1 else ''] = ''
    return found


def find_sites(build_dir, objdump_out):
    """Run objdump on the kernel of BUILD_DIR and return the call sites of
    kmemdup() in FUNCTION; raises Failure."""
    system_map = os.path.join(build_dir, 'System.map')
    try:
        with open(system_map) as f:
            map_lines = f.readlines()
    except OSError as err:
        raise Failure(f'kmemleak: cannot read {system_map}: {err.strerror}')
    span = symbol_range(map_lines, FUNCTION)
    if not span:
        raise Failure(f'kmemleak: {FUNCTION} is not in {system_map}')
    callee = kmemdup_address(map_lines)
    if not callee:
        raise Failure(f'kmemleak: kmemdup is not in {system_map}')
    try:
        with open(objdump_out, 'w') as out:
            rc = subprocess.run(['objdump', '-d', '--no-show-raw-insn',
                                 f'--start-address=0x{span[0]}', f'--stop-address=0x{span[1]}',
                                 os.path.join(build_dir, 'linux')],
                                stdout=out, stderr=subprocess.STDOUT).returncode
    except OSError as err:
        raise Failure(f'kmemleak: objdump of {FUNCTION} failed: {err.strerror}')
    with open(objdump_out, errors='replace') as f:
        text = f.read().splitlines()
    if rc != 0:
        raise Failure(f'kmemleak: objdump of {FUNCTION} failed: {text[-1] if text else rc}')
    found = call_sites(text, callee)
    if len(found) != SITES:
        raise Failure(f'kmemleak: expected {SITES} kmemdup() calls in {FUNCTION}, '
                      f'found {len(found)} (objdump: {objdump_out})')
    return found


# --- the boots: logs and kmemleak reports ---------------------------------

class Object:
    """One object of a kmemleak report: its report lines, and the function
    names of its backtrace."""

    def __init__(self, header):
        self.lines = [header]
        self.address = header.split()[2] if len(header.split()) > 2 else ''
        self.frames = []


FRAME = re.compile(r'    ([a-zA-Z0-9_.]+)\+0x')


def report(lines):
    """The lines of the kmemleak report(s) that the init script printed
    between its "report begin" and "report end" lines."""
    inside = False
    for line in lines:
        if inside:
            yield line
            inside = not line.startswith('gpuvm-stage: report end')
        elif line.startswith('gpuvm-stage: report begin'):
            inside = True
            yield line


def objects(lines):
    """The objects of the kmemleak report in a boot's log lines.  An
    object's lines run from its "unreferenced object" line to the next one
    or to the end of the report."""
    found = []
    current = None
    for line in report(lines):
        if line.startswith('unreferenced object'):
            current = Object(line)
            found.append(current)
        elif line.startswith('gpuvm-stage: report'):
            current = None
        elif current:
            current.lines.append(line)
            m = FRAME.match(line)
            if m:
                current.frames.append(m.group(1))
    return found


def load_upstream_leaks(path):
    """The function names of kunit/upstream-leaks."""
    names = set()
    with open(path) as f:
        for line in f:
            names.update(line.split('#', 1)[0].split())
    return names


def is_upstream(obj, upstream):
    """An object is not ours when its backtrace names a function listed in
    kunit/upstream-leaks and nothing of drm_gpuvm.  An object without any
    frame is ours."""
    return (any(f in upstream for f in obj.frames) and
            not any('gpuv' in f for f in obj.frames))


OPS_CREATE = re.compile(r'_*drm_gpuvm_[a-z_]*_ops_create')


def from_failed_path(obj):
    """Allocated under drm_gpuva_sm_step() or an *_ops_create() function,
    or without a backtrace: what the injected failures must not leak.  The
    cases that an injected -ENOMEM aborts release their VM in .exit
    (sm_teardown()); anything else they leave behind is not counted."""
    return not obj.frames or any(f == FUNCTION or OPS_CREATE.fullmatch(f) for f in obj.frames)


def stage_values(lines, what):
    """The rest of each "gpuvm-stage: WHAT " line of the init script."""
    prefix = f'gpuvm-stage: {what} '
    return [l[len(prefix):] for l in lines if l.startswith(prefix)]


OK = re.compile(r' *ok [0-9]+ ')
NOT_OK = re.compile(r' *not ok [0-9]+ ')


def check_boot(lines, name, log, rc, known, leakcheck, autorun=True):
    """What every boot must show.  Returns the problems as (kind, message)
    in the order they are checked, and the number of KUnit results that
    were ok at boot, before userspace.  A boot with kunit.autorun=0 (not
    AUTORUN) runs no suite before userspace, and none may be 'not ok'."""
    problems = []
    new = [s.key for s in splats.scan(lines) if s.kind != 'kmemleak' and s.key not in known]
    if new:
        problems.append(('splat', f'kmemleak: splat in {name}: {new[0]} (log: {log})'))
    if not any(l.startswith('gpuvm-stage: done') for l in lines):
        problems.append(('incomplete', f'kmemleak: {name} did not reach the end of its init '
                                       f'script (kernel exit {rc}; log: {log})'))
    cannot = [l for l in lines if l.startswith('gpuvm-stage: cannot')]
    if cannot:
        problems.append(('init', f'kmemleak: init script failed: {cannot[0]} (log: {log})'))
    if leakcheck and not any(l.startswith('gpuvm-stage: report end') for l in lines):
        scan = next((l for l in lines if l.startswith('gpuvm-stage: scan')), 'no scan')
        problems.append(('no-report', f'kmemleak: no kmemleak report in {name} ({scan}); log: {log}'))
    if any('kmemleak: Kernel memory leak detector disabled' in l for l in lines):
        problems.append(('disabled', f'kmemleak: the detector disabled itself (log: {log})'))
    # The suites ran at boot, before userspace: each must have passed.
    before = []
    for line in lines:
        before.append(line)
        if line.startswith('gpuvm-stage: userspace'):
            break
    bad = sum(1 for l in before if NOT_OK.match(l))
    ok = sum(1 for l in before if OK.match(l))
    if bad:
        problems.append(('not-ok', f"kmemleak: {bad} KUnit results were 'not ok' at boot (log: {log})"))
    if autorun and not ok:
        problems.append(('no-results', f'kmemleak: no KUnit result at boot (log: {log})'))
    return problems, ok


def read_log(path):
    """The lines of a boot's log, and the kernel's exit status that
    kmemleak.sh wrote next to it ('?' when there is none)."""
    try:
        with open(path, errors='replace') as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    try:
        with open(path + '.rc') as f:
            rc = f.read().strip() or '?'
    except OSError:
        rc = '?'
    return lines, rc


def problem_list(problems):
    return [{'kind': k, 'message': m} for k, m in problems]


def analyse(results, sites, leakcheck, known, upstream):
    """The result of the four boots whose logs are in RESULTS, JSON-ready,
    and the report lines of the leaked object that the error names (none
    when the error is not a leak)."""
    problems = []   # (stage, kind, message, the lines of an object leaked)

    def add(stage, kind, message, shown=()):
        problems.append((stage, kind, message, list(shown)))
        return {'kind': kind, 'message': message}

    log = os.path.join(results, 'kmemleak.log')
    lines, rc = read_log(log)
    found, ok = check_boot(lines, 'kmemleak', log, rc, known, leakcheck)
    boot_problems = [add('boot', k, m) for k, m in found]
    objs = objects(lines) if leakcheck else []
    ours = [o for o in objs if not is_upstream(o, upstream)]
    if ours:
        boot_problems.append(add('boot', 'leak', f'kmemleak: {len(ours)} unreferenced objects '
                                 f'after the KUnit run (log: {log})', ours[0].lines))
    boot = {'log': log, 'kernel_exit': rc, 'ok_results': ok, 'objects': len(objs),
            'upstream_objects': len(objs) - len(ours), 'our_objects': len(ours),
            'problems': boot_problems}

    done = []
    for n, site in enumerate(sites, 1):
        stage = f'site-{n}'
        log = os.path.join(results, f'kmemleak-{stage}.log')
        lines, rc = read_log(log)
        found, _ = check_boot(lines, f'kmemleak-{stage}', log, rc, set(), leakcheck,
                              autorun=False)
        site_problems = [add(stage, k, m) for k, m in found]
        armed = '\n'.join(stage_values(lines, 'armed'))
        address = int(site, 16)
        if armed != f'0x{address:016x} 0x{address + 1:016x}':
            site_problems.append(add(stage, 'armed', f"kmemleak: failslab armed at '{armed}', "
                                     f'not at {site} (site {n}; log: {log})'))
        injected = next((re.match(r'[0-9]*', v).group(0) for v in stage_values(lines, 'injected')), '')
        if int(injected or 0) < MIN_FAILURES:
            site_problems.append(add(stage, 'injected', f'kmemleak: failslab failed the kmemdup() '
                                     f'at {site} {injected or 0} times, fewer than {MIN_FAILURES} '
                                     f'(site {n}; log: {log})'))
        lost = [o for o in objects(lines) if from_failed_path(o)]
        if leakcheck and lost:
            site_problems.append(add(stage, 'leak', f'kmemleak: site {n} ({site}): {len(lost)} '
                                     f'objects allocated under {FUNCTION} or *_ops_create() leaked '
                                     f'after {injected} injected failures (log: {log})',
                                     lost[0].lines))
        done.append({'site': n, 'address': site, 'log': log, 'kernel_exit': rc, 'armed': armed,
                     'injected': int(injected or 0), 'leaked': len(lost),
                     'problems': site_problems})

    result = {'version': VERSION, 'function': FUNCTION, 'leakcheck': leakcheck,
              'min_failures': MIN_FAILURES, 'reused': False, 'boot': boot, 'sites': done,
              'verdict': 'PASS', 'error': None, 'failure': None}
    if not problems:
        return result, []
    # The first problem in the order of the checks is the error.
    stage, kind, message, shown = problems[0]
    result.update(verdict='FAIL', error=message, failure={'stage': stage, 'kind': kind})
    return result, shown


def summary_line(result):
    """The one line that sums a result up (kmemleak.sh's last line, and the
    kmemleak line of scripts/summary.py)."""
    if result['verdict'] != 'PASS':
        return result['error']
    sites = '; '.join(f'site {s["site"]}: {s["injected"]} failed, {s["leaked"]} leaked'
                      for s in result['sites'])
    if not result['leakcheck']:
        return (f'failslab at the {SITES} kmemdup() calls of {result["function"]} '
                f'(no kmemleak in this kernel): {sites}')
    boot = result['boot']
    line = (f'kmemleak: 0 unreferenced objects of ours after the {boot["ok_results"]} boot '
            f'results ({boot["upstream_objects"]} of upstream tests, in kunit/upstream-leaks); '
            f'failslab at the {SITES} kmemdup() calls of {result["function"]}: {sites}')
    if result.get('reused'):
        line += " (kernel unchanged: the last boots' result)"
    return line


def failed(message):
    return {'version': VERSION, 'function': FUNCTION, 'verdict': 'FAIL', 'error': message,
            'failure': {'stage': 'setup', 'kind': 'setup'}, 'reused': False,
            'boot': None, 'sites': []}


def write_json(path, data):
    """Write DATA to PATH whole or not at all."""
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    os.replace(tmp, path)


def load_json(path):
    """The result in PATH; raises Failure."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as err:
        raise Failure(f'no kmemleak result in {path}: {err.strerror}')
    except ValueError as err:
        raise Failure(f'no kmemleak result in {path}: not JSON ({err})')
    if not isinstance(data, dict) or data.get('version') != VERSION or 'verdict' not in data:
        raise Failure(f'no kmemleak result in {path}: not a kmemleak.py result')
    return data


# --- the subcommands --------------------------------------------------------

def cmd_sites(args):
    try:
        found = find_sites(args.build_dir, args.objdump_out)
    except Failure as err:
        write_json(args.json, failed(str(err)))
        raise
    print('\n'.join(found))
    return 0


def cmd_verdict(args):
    try:
        known = splats.load_known(args.known_splats)
        upstream = load_upstream_leaks(args.upstream_leaks)
    except OSError as err:
        message = f'kmemleak: cannot read {err.filename}: {err.strerror}'
        write_json(args.json, failed(message))
        raise Failure(message)
    result, shown = analyse(args.results, args.sites, not args.failslab_only, known, upstream)
    result['stamp'] = args.stamp
    write_json(args.json, result)
    if result['verdict'] != 'PASS':
        for line in shown:
            print(line, file=sys.stderr)
        raise Failure(result['error'])
    print(summary_line(result))
    return 0


def cmd_reuse(args):
    try:
        data = load_json(getattr(args, 'from'))
    except Failure:
        return 1
    if data['verdict'] != 'PASS' or not data.get('leakcheck') or data.get('stamp') != args.stamp:
        return 1
    data['reused'] = True
    write_json(args.json, data)
    print(summary_line(data))
    return 0


def cmd_fail(args):
    write_json(args.json, failed(args.message))
    raise Failure(args.message)


def cmd_caught(args):
    data = load_json(args.json)
    failure = data.get('failure') or {}
    if failure.get('stage') == f'site-{args.site}' and failure.get('kind') == 'leak':
        print(f'caught: {data["error"]}')
        return 0
    if data['verdict'] == 'PASS':
        raise Failure(f'{args.json} passed: {summary_line(data)}')
    raise Failure(f'{args.json} failed on something else first: {data["error"]}')


def main(argv):
    ap = cli.Parser(prog='kmemleak.py', description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('sites')
    p.add_argument('--build-dir', required=True)
    p.add_argument('--objdump-out', required=True)
    p.add_argument('--json', required=True)
    p.set_defaults(func=cmd_sites)
    p = sub.add_parser('verdict')
    p.add_argument('--results', required=True)
    p.add_argument('--sites', nargs=SITES, required=True)
    p.add_argument('--failslab-only', action='store_true')
    p.add_argument('--known-splats', required=True)
    p.add_argument('--upstream-leaks', required=True)
    p.add_argument('--stamp', default='')
    p.add_argument('--json', required=True)
    p.set_defaults(func=cmd_verdict)
    p = sub.add_parser('reuse')
    p.add_argument('--from', required=True)
    p.add_argument('--json', required=True)
    p.add_argument('--stamp', required=True)
    p.set_defaults(func=cmd_reuse)
    p = sub.add_parser('fail')
    p.add_argument('--json', required=True)
    p.add_argument('message')
    p.set_defaults(func=cmd_fail)
    p = sub.add_parser('caught')
    p.add_argument('json')
    p.add_argument('site', type=int)
    p.set_defaults(func=cmd_caught)
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except Failure as err:
        cli.die(err)
    except OSError as err:
        cli.die(f'kmemleak: {err.filename}: {err.strerror}')


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
