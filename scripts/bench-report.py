#!/usr/bin/env python3
"""The report of `make bench`: table, verdicts, CSV and plot.

usage: bench-report.py --out DIR [--cpu N] [--base DESC] [--patched DESC] LOG...

Each LOG is the raw kernel log of one run of the drm_gpuvm_bench suite,
named <kernel>-<run>.log with <kernel> base or patched.  The suite prints
one line per measurement:

    bench: <op> n=<N> ns_per_op=<X> iters=<I>

For each operation and N this prints the median ns/op of each kernel over
its runs, the min-max spread, and the ratio patched/base, and says when the
spread is wider than the effect (|ratio - 1| smaller than the relative
spread (max - min) / median of either kernel).  Then the goals: which hold,
which do not, and which the noise does not resolve.

A goal on a ratio is decided on the runs, paired: run i of the base against
run i of the patched kernel, which ran right after it, so that a drift of
the machine cancels.  With at least 6 pairs the verdict uses the
distribution-free 95 % confidence interval of the median paired ratio (from
the order statistics, as the sign test does): it holds when the interval
lies under the limit, does not hold when it lies over it, and is not
resolved otherwise.  The interval narrows as BENCH_RUNS grows, where the
min-max spread only widens.  With fewer pairs the verdict compares the
medians' ratio with the spread, as the table does.

Writes to DIR: raw.csv (every figure of every run), summary.csv (the
table), report.txt (what is printed), bench.dat and bench.gp (the plot's
data and gnuplot script) and bench.png (ns/op against N, both kernels).
"""
import csv
import math
import os
import re
import statistics
import subprocess
import sys

import cli
from cli import die

LINE = re.compile(r'bench: (\S+) n=(\d+) ns_per_op=([0-9.]+) iters=(\d+)')
NAME = re.compile(r'^(base|patched)-(\d+)\.log$')
KERNELS = ('base', 'patched')

# Table order; anything else follows alphabetically.
ORDER = ['sm_map', 'sm_unmap', 'bo_obtain_create', 'bo_obtain_find',
         'bo_obtain_create_weak', 'va_link_unlink', 'unlink_defer_kfree',
         'signal_path', 'immediate_free', 'deferred_cleanup', 'clock']

# The hot paths both kernels share, whose goal is patched/base <= 1.01.
HOT = ['sm_map', 'sm_unmap', 'bo_obtain_create', 'bo_obtain_find',
       'va_link_unlink', 'immediate_free']
HOT_LIMIT = 1.01
SIGNAL_LIMIT = 1.00
CLEANUP_LIMIT = 1.2
# Linear: total time grows with N to a power of at most this.
LINEAR_SLOPE = 1.10


def parse(paths):
    """Return the raw rows: (run, kernel, op, n, ns_per_op, iters)."""
    rows = []
    for path in paths:
        m = NAME.match(os.path.basename(path))
        if not m:
            die(f'{path}: not named <base|patched>-<run>.log')
        kernel, run = m.group(1), int(m.group(2))
        found = 0
        try:
            with open(path, errors='replace') as log:
                for line in log:
                    b = LINE.search(line)
                    if b:
                        rows.append((run, kernel, b.group(1), int(b.group(2)),
                                     float(b.group(3)), int(b.group(4))))
                        found += 1
        except OSError as e:
            die(f'cannot read {path}: {e.strerror}')
        if not found:
            die(f'{path}: no "bench:" figures in the kernel log')
    return rows


class Stat:
    """The figures of one operation, N and kernel over all runs."""

    def __init__(self, by_run):
        self.by_run = dict(by_run)
        values = [v for _, v in sorted(self.by_run.items())]
        self.values = values
        self.median = statistics.median(values)
        self.min = min(values)
        self.max = max(values)
        self.spread = (self.max - self.min) / self.median if self.median else 0.0


def summarize(rows):
    """{(op, n): {kernel: Stat}}"""
    by = {}
    for run, kernel, op, n, ns, _iters in rows:
        by.setdefault((op, n), {}).setdefault(kernel, []).append((run, ns))
    return {key: {k: Stat(v) for k, v in ks.items()} for key, ks in by.items()}


def order(key):
    op, n = key
    return (ORDER.index(op) if op in ORDER else len(ORDER), op, n)


def fmt_ns(x):
    return f'{x:.1f}' if x < 1000 else f'{x:.0f}'


def fmt_stat(s):
    if s is None:
        return '-'
    return f'{fmt_ns(s.median)} [{fmt_ns(s.min)}-{fmt_ns(s.max)}]'


def pct(x):
    return f'{100 * x:.1f}%'


def compare(a, b):
    """Ratio b/a and the noise: (ratio, spread, resolved)."""
    ratio = b.median / a.median
    spread = max(a.spread, b.spread)
    return ratio, spread, abs(ratio - 1) >= spread


def binom_cdf(k, n):
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n


def paired(a, b):
    """The ratios b/a of the runs both kernels have, sorted."""
    return sorted(b.by_run[r] / a.by_run[r] for r in a.by_run
                  if r in b.by_run and a.by_run[r])


def median_ci(xs, level=0.95):
    """Distribution-free interval of the median of XS (sorted) with coverage
    of at least LEVEL: [x(k), x(n+1-k)] for the largest k with
    2 * P(X <= k - 1) <= 1 - LEVEL, X ~ Binomial(n, 1/2).  None when XS has
    too few values for one."""
    n = len(xs)
    k = 0
    while k + 1 <= n // 2 and 2 * binom_cdf(k, n) <= 1 - level:
        k += 1
    return (xs[k - 1], xs[n - k]) if k else None


def ci_verdict(a, b, limit):
    """The verdict on b/a <= limit from the paired runs of A and B, or None
    with too few pairs for a 95 % interval (fewer than 6: 2 * 0.5^5 > 0.05)."""
    rs = paired(a, b)
    ci = median_ci(rs)
    if ci is None:
        return None
    lo, hi = ci
    what = f'95% CI {lo:.3f}-{hi:.3f} over {len(rs)} pairs'
    if hi <= limit:
        return f'holds ({what})'
    if lo > limit:
        return f'DOES NOT HOLD ({what})'
    return f'not resolved ({what}; raise BENCH_RUNS)'


def decide(a, b, limit):
    """The verdict on b/a <= limit: on the paired runs when there are
    enough, else on the medians and the spread."""
    r, spread, _ = compare(a, b)
    return ci_verdict(a, b, limit) or verdict(r, spread, limit)


def verdict(ratio, spread, limit):
    """Whether ratio <= limit holds, with what the noise allows to say."""
    effect = f'spread {pct(spread)}'
    if ratio <= limit:
        if spread > abs(ratio - 1):
            return f'holds on the medians; {effect} > effect {pct(abs(ratio - 1))}'
        return 'holds'
    if spread >= ratio - limit:
        return f'not resolved: {effect} >= excess {pct(ratio - limit)} over {limit:.2f}'
    return 'DOES NOT HOLD'


def slope(points):
    """Least-squares slope of ln(y) against ln(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


class Report:
    def __init__(self):
        self.lines = []

    def __call__(self, text=''):
        self.lines.append(text)
        print(text)


def table(out, stats):
    out(f'{"op":<22} {"N":>6}  {"base ns/op [min-max]":<26} '
        f'{"patched ns/op [min-max]":<26} {"patched/base":>12}  note')
    for key in sorted(stats, key=order):
        op, n = key
        ks = stats[key]
        b, p = ks.get('base'), ks.get('patched')
        ratio, note = '', ''
        if b and p:
            r, spread, resolved = compare(b, p)
            ratio = f'{r:.3f}'
            if not resolved:
                note = f'spread {pct(spread)} > effect {pct(abs(r - 1))}'
        elif p:
            note = 'patched only'
        elif b:
            note = 'base only'
        out(f'{op:<22} {n:>6}  {fmt_stat(b):<26} {fmt_stat(p):<26} {ratio:>12}  {note}')


def goals(out, stats):
    def get(op, n, kernel):
        return stats.get((op, n), {}).get(kernel)

    def sizes(op):
        return sorted(n for o, n in stats if o == op)

    out('goals')
    out(f'  hot paths both kernels share: patched/base <= {HOT_LIMIT:.2f}')
    for op in HOT:
        for n in sizes(op):
            b, p = get(op, n, 'base'), get(op, n, 'patched')
            if not (b and p):
                out(f'    {op} n={n}: not measured in both kernels')
                continue
            r, _, _ = compare(b, p)
            out(f'    {op:<18} n={n:<6} {r:.3f}  {decide(b, p, HOT_LIMIT)}')

    out('  ns/op grows no faster than log N (ratio of the largest to the smallest N '
        'against the ratio of their logarithms)')
    for op in ('sm_map', 'sm_unmap'):
        ns = sizes(op)
        if len(ns) < 2:
            out(f'    {op}: fewer than two sizes measured')
            continue
        lo, hi = ns[0], ns[-1]
        bound = math.log(hi) / math.log(lo)
        for kernel in KERNELS:
            a, z = get(op, lo, kernel), get(op, hi, kernel)
            if not (a and z):
                continue
            g = z.median / a.median
            ok = 'holds' if g <= bound else 'DOES NOT HOLD'
            out(f'    {op:<9} {kernel:<8} n={lo}..{hi}: x{g:.2f} (log: x{bound:.2f})  {ok}')

    out(f'  signal path: patched drm_gpuva_unlink_defer_free() / base '
        f'drm_gpuva_unlink_defer() + kfree() <= {SIGNAL_LIMIT:.2f}')
    b, p = get('signal_path', 1, 'base'), get('signal_path', 1, 'patched')
    if b and p:
        r, _, _ = compare(b, p)
        out(f'    signal_path {fmt_ns(p.median)} / {fmt_ns(b.median)} ns = {r:.3f}  '
            f'{decide(b, p, SIGNAL_LIMIT)}')
    else:
        out('    not measured: the patched kernel has no drm_gpuva_unlink_defer_free()')

    out(f'  deferred cleanup: linear in N, and per item <= {CLEANUP_LIMIT:.1f} x '
        f'immediate unlink + bo_put + free')
    ns = sizes('deferred_cleanup')
    if not ns:
        out('    not measured: the patched kernel has no drm_gpuva_unlink_defer_free() to queue with')
    else:
        for op, kernel in (('deferred_cleanup', 'patched'), ('immediate_free', 'patched'),
                           ('immediate_free', 'base')):
            pts = [(n, get(op, n, kernel).median) for n in sizes(op) if get(op, n, kernel)]
            if len(pts) < 2:
                continue
            s = 1 + slope(pts)
            per = ', '.join(f'{fmt_ns(y)} (n={n})' for n, y in pts)
            ok = ''
            if op == 'deferred_cleanup':
                ok = '  linear: holds' if s <= LINEAR_SLOPE else \
                    f'  linear: DOES NOT HOLD (> N^{LINEAR_SLOPE:.2f})'
            out(f'    {op} ({kernel}) ns per item: {per}; total ~ N^{s:.2f}{ok}')
        for n in ns:
            d = get('deferred_cleanup', n, 'patched')
            parts = []
            for kernel in KERNELS:
                i = get('immediate_free', n, kernel)
                if not i:
                    continue
                r, _, _ = compare(i, d)
                parts.append(f'/{kernel} immediate {r:.2f} {decide(i, d, CLEANUP_LIMIT)}')
            out(f'    n={n:<6} deferred {fmt_ns(d.median)} ns/item: ' + '; '.join(parts))

    out('  weak references: obtain/put create+destroy with DRM_GPUVM_VA_WEAK_REF / '
        'without (patched kernel)')
    w, s = get('bo_obtain_create_weak', 1, 'patched'), get('bo_obtain_create', 1, 'patched')
    if w and s:
        r, spread, resolved = compare(s, w)
        what = f'{pct(1 - r)} faster' if r < 1 else f'{pct(r - 1)} slower'
        noise = '' if resolved else f' (within noise: spread {pct(spread)})'
        out(f'    {fmt_ns(w.median)} / {fmt_ns(s.median)} ns = {r:.3f}: weak is {what}{noise}')
    else:
        out('    not measured: the patched kernel has no DRM_GPUVM_VA_WEAK_REF')


def write_csv(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def plot(outdir, stats, title):
    """Write bench.dat and bench.gp, run gnuplot; return the PNG path."""
    series = []
    color = 0
    for op in ORDER:
        ns = sorted(n for o, n in stats if o == op)
        if len(ns) < 2:
            continue
        color += 1
        for kernel in KERNELS:
            pts = [(n, stats[(op, n)][kernel]) for n in ns if kernel in stats[(op, n)]]
            if pts:
                series.append((f'{op} ({kernel})', kernel, color, pts))
    if not series:
        return None
    dat = os.path.join(outdir, 'bench.dat')
    png = os.path.join(outdir, 'bench.png')
    with open(dat, 'w') as f:
        for i, (name, _kernel, _color, pts) in enumerate(series):
            if i:
                f.write('\n\n')
            f.write(f'# {name}: N median min max (ns/op)\n')
            for n, s in pts:
                f.write(f'{n} {s.median} {s.min} {s.max}\n')
    cmds = [
        'set terminal pngcairo size 1100,700 noenhanced font ",10"',
        f'set output "{png}"',
        'set title "{}"'.format(title.replace('"', "'")),
        'set logscale xy',
        'set xlabel "N (mappings in the VM; items per cleanup)"',
        'set ylabel "ns per operation (median over runs, bars: min-max)"',
        'set key outside right top',
        'set grid',
    ]
    plots = []
    for i, (name, kernel, color, _pts) in enumerate(series):
        style = 'dt 2 pt 6' if kernel == 'base' else 'dt 1 pt 7'
        plots.append(f'"{dat}" index {i} using 1:2:3:4 with yerrorlines '
                     f'lc {color} {style} title "{name}"')
    cmds.append('plot ' + ', \\\n     '.join(plots))
    gp = os.path.join(outdir, 'bench.gp')
    with open(gp, 'w') as f:
        f.write('\n'.join(cmds) + '\n')
    try:
        subprocess.run(['gnuplot', gp], check=True, capture_output=True, text=True)
    except FileNotFoundError:
        die('gnuplot is not installed (apt-get install gnuplot-nox)')
    except subprocess.CalledProcessError as e:
        die(f'gnuplot failed: {(e.stderr or "").strip().splitlines()[-1:] or e.returncode}')
    return png


def main():
    ap = cli.Parser(prog='bench-report.py', description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--cpu', default='0')
    ap.add_argument('--base', default='base')
    ap.add_argument('--patched', default='patched')
    ap.add_argument('logs', nargs='+')
    args = ap.parse_args()

    rows = parse(args.logs)
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        die(f'cannot create {args.out}: {e.strerror}')
    write_csv(os.path.join(args.out, 'raw.csv'),
              ['run', 'kernel', 'op', 'n', 'ns_per_op', 'iters'],
              sorted(rows, key=lambda r: (r[0], KERNELS.index(r[1]), order((r[2], r[3])))))
    stats = summarize(rows)

    runs = {k: len({r[0] for r in rows if r[1] == k}) for k in KERNELS}
    out = Report()
    out(f'drm_gpuvm bench: {runs["base"]} runs of the base and {runs["patched"]} of the '
        f'patched kernel, alternated, pinned to CPU {args.cpu}')
    out(f'  base:    {args.base}')
    out(f'  patched: {args.patched}')
    out('  ns/op: median over the runs [min-max]; each run\'s figure is the median of '
        'its 5 samples of >= 10 ms')
    out()
    table(out, stats)
    out()
    goals(out, stats)

    summary = []
    for key in sorted(stats, key=order):
        ks = stats[key]
        row = list(key)
        for kernel in KERNELS:
            s = ks.get(kernel)
            row += [f'{s.median:.2f}', f'{s.min:.2f}', f'{s.max:.2f}', len(s.values)] \
                if s else ['', '', '', 0]
        b, p = ks.get('base'), ks.get('patched')
        if b and p:
            r, spread, resolved = compare(b, p)
            row += [f'{r:.4f}', f'{spread:.4f}', int(resolved)]
        else:
            row += ['', '', '']
        summary.append(row)
    write_csv(os.path.join(args.out, 'summary.csv'),
              ['op', 'n', 'base_median', 'base_min', 'base_max', 'base_runs',
               'patched_median', 'patched_min', 'patched_max', 'patched_runs',
               'ratio', 'rel_spread', 'resolved'], summary)

    png = plot(args.out, stats, 'drm_gpuvm ns/op: base %s against patched %s'
               % ((args.base or 'base').split()[0], (args.patched or 'patched').split()[0]))
    out()
    out(f'raw figures: {os.path.join(args.out, "raw.csv")}; '
        f'table: {os.path.join(args.out, "summary.csv")}')
    out(f'plot: {png}' if png else 'plot: none (no operation measured at two sizes)')
    with open(os.path.join(args.out, 'report.txt'), 'w') as f:
        f.write('\n'.join(out.lines) + '\n')


if __name__ == '__main__':
    try:
        main()
    except OSError as e:
        die(f'cannot write {e.filename}: {e.strerror}')
