"""Tests of the Python parsers of scripts/ on recorded inputs in
scripts/tests/data/ (see data/README for where each file comes from).  No
kernel is needed.

usage: python3 scripts/tests/test_parsers.py [-v] [TestName...]  (make check: script/parsers)
   or: python3 -m unittest discover -s scripts/tests -p 'test_*.py'
"""
import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
DATA = os.path.join(HERE, 'data')
sys.path.insert(0, SCRIPTS)

import kmemleak  # noqa: E402
import mutate  # noqa: E402
import splats  # noqa: E402
import summary  # noqa: E402


def script(name):
    """Import scripts/NAME (a file name with a hyphen) as a module."""
    spec = importlib.util.spec_from_file_location(name.replace('-', '_').removesuffix('.py'),
                                                  os.path.join(SCRIPTS, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


baseline = script('baseline.py')
bench_report = script('bench-report.py')
coverage_report = script('coverage-report.py')
check_cover = script('check-cover.py')
gpuvm_users = script('gpuvm-users.py')
json_field = script('json-field.py')


def data(*parts):
    return os.path.join(DATA, *parts)


def lines(*parts):
    with open(data(*parts)) as f:
        return f.read().splitlines()


def run(name, *args):
    """Run scripts/NAME; (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, os.path.join(SCRIPTS, name), *args],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class ErrorLine:
    """assertErrorLine: a failed helper printed exactly one error line on
    stderr, matching a regex."""

    def assertErrorLine(self, rc, err, regex):
        self.assertNotEqual(rc, 0)
        errors = [l for l in err.splitlines() if l.startswith('error: ')]
        self.assertEqual(len(errors), 1, err)
        self.assertRegex(errors[0], regex)


KNOWN_SPLATS = os.path.join(SCRIPTS, '..', 'kunit', 'upstream-splats')
UPSTREAM_LEAKS = os.path.join(SCRIPTS, '..', 'kunit', 'upstream-leaks')
# The return addresses of the three kmemdup() calls in the recorded
# objdump.txt (after the calls at 0x60bef4de, 0x60bef543, 0x60bef5a4).
SITES = ['0x60bef4e1', '0x60bef546', '0x60bef5a7']
FRAMEBUFFER_FREE = ('WARNING: drivers/gpu/drm/drm_framebuffer.c:833 at '
                    'drm_framebuffer_free+0x16d/0x230, CPU#0: kunit_try_catch/988')


class TestSplats(unittest.TestCase):
    """splats.py on the recorded KUnit log."""

    def test_scan(self):
        found = splats.scan_file(data('kunit', 'test.log'))
        self.assertEqual([(s.line, s.suite, s.kind, s.key) for s in found], [
            (96, 'drm_framebuffer', 'WARNING', 'drm_framebuffer WARNING drm_framebuffer_free'),
            (146, 'drm_framebuffer', 'WARNING', 'drm_framebuffer WARNING drm_framebuffer_init')])
        self.assertEqual(found[0].text, FRAMEBUFFER_FREE[:100])

    def test_known(self):
        known = splats.load_known(KNOWN_SPLATS)
        self.assertIn('drm_framebuffer WARNING drm_framebuffer_free', known)
        self.assertEqual(len(known), 7)

    def test_timestamps_and_suite_end(self):
        found = splats.scan(['[    1.000000]     # Subtest: drm_gpuvm_sm',
                             '[    1.100000] BUG: KASAN: slab-use-after-free in drm_gpuva_sm_step+0x10/0x520',
                             'ok 1 drm_gpuvm_sm',
                             'Kernel panic - not syncing: Segfault with no mm'])
        self.assertEqual([s.key for s in found], [
            'drm_gpuvm_sm KASAN drm_gpuva_sm_step',
            '- panic Kernel panic - not syncing: Segfault with no mm'])


class TestKmemleakSites(unittest.TestCase, ErrorLine):
    """The kmemdup() call sites from the recorded System.map and objdump."""

    def setUp(self):
        self.map = lines('kmemleak', 'System.map')
        self.objdump = lines('kmemleak', 'objdump.txt')

    def test_symbols(self):
        self.assertEqual(kmemleak.symbol_range(self.map, 'drm_gpuva_sm_step'),
                         ('0000000060bef3f0', '0000000060bef910'))
        # Not kmemdup_nul, not kmemdup_nul.cold; leading zeros go.
        self.assertEqual(kmemleak.kmemdup_address(self.map), '60479ac0')
        self.assertIsNone(kmemleak.symbol_range(self.map, 'drm_gpuvm_sm_map'))
        # The last symbol has no end.
        self.assertIsNone(kmemleak.symbol_range(self.map, 'drm_gpuvm_bo_put.part.0'))
        # An alias at the same address does not end the range.
        self.assertEqual(kmemleak.symbol_range(['00000010 t b', '00000008 t a',
                                                '00000008 t a_alias'], 'a'),
                         ('00000008', '00000010'))

    def test_call_sites(self):
        self.assertEqual(kmemleak.call_sites(self.objdump, '60479ac0'), SITES)

    def test_overwritten_register(self):
        # %r14 reloaded by a plain mov before the third call: that call is
        # through whatever %r14 now holds, not kmemdup().
        at = next(i for i, l in enumerate(self.objdump) if l.startswith('    60bef5a4:'))
        edited = self.objdump[:at] + ['    60bef5a0:\tmov    %rbx,%r14'] + self.objdump[at:]
        self.assertEqual(kmemleak.call_sites(edited, '60479ac0'), SITES[:2])

    def test_direct_calls(self):
        # Without -mcmodel=large: direct calls, named by objdump.
        snippet = ['    1000:\tcall   2000 <kmemdup_noprof>',
                   '    1005:\tmov    %rax,0x8(%rbx)',
                   '    1009:\tcall   3000 <kfree>',
                   '    100e:\tcall   2400 <kmemdup>',
                   '    1013:\tret']
        self.assertEqual(kmemleak.call_sites(snippet, '2000'), ['0x1005', '0x1013'])

    def test_function_missing(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, 'System.map'), 'w') as f:
                f.write('\n'.join(l for l in self.map if 'drm_gpuva_sm_step' not in l) + '\n')
            out = os.path.join(tmp, 'kmemleak.json')
            rc, stdout, err = run('kmemleak.py', 'sites', '--build-dir', tmp, '--objdump-out',
                                  os.path.join(tmp, 'objdump.txt'), '--json', out)
            self.assertErrorLine(rc, err, r'^error: kmemleak: drm_gpuva_sm_step is not in .*System.map$')
            self.assertEqual(stdout, '')
            # The result says why: a FAIL, never a stale PASS.
            result = kmemleak.load_json(out)
            self.assertEqual((result['verdict'], result['failure']['stage']), ('FAIL', 'setup'))
            self.assertIn('drm_gpuva_sm_step is not in', result['error'])


class KmemleakBoots(ErrorLine):
    """A results directory as kmemleak.sh leaves it after the four boots,
    made of recorded logs."""

    def boots(self, boot='boot.log', sites=('site-1.log', 'site-2.log', 'site-3.log'),
              rc='0', edit=None):
        """Copy the logs into a temporary results directory; EDIT(name,
        text) may change a log on the way."""
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        for name, src in [('kmemleak.log', boot)] + [
                (f'kmemleak-site-{n}.log', s) for n, s in enumerate(sites, 1)]:
            with open(data('kmemleak', src)) as f:
                text = f.read()
            if edit:
                text = edit(name, text)
            with open(os.path.join(tmp, name), 'w') as f:
                f.write(text)
            with open(os.path.join(tmp, name + '.rc'), 'w') as f:
                f.write(rc + '\n')
        return tmp

    def analyse(self, results, leakcheck=True):
        return kmemleak.analyse(results, SITES, leakcheck, splats.load_known(KNOWN_SPLATS),
                                kmemleak.load_upstream_leaks(UPSTREAM_LEAKS))


class TestKmemleakReport(unittest.TestCase, KmemleakBoots):
    """The objects of the recorded kmemleak reports."""

    def test_objects(self):
        objs = kmemleak.objects(lines('kmemleak', 'boot-leak.log'))
        self.assertEqual([o.address for o in objs],
                         ['0x657990c0', '0x6558c600', '0x64ad8000', '0x65799a60', '0x65576ee0'])
        self.assertEqual(objs[1].frames[6:10], ['__kmalloc_node_track_caller_noprof',
                                                 'kmemdup_noprof', 'drm_edid_alloc',
                                                 'drm_test_bridge_chain_init'])
        self.assertEqual(objs[3].frames, [])
        # An object's lines end before the next object or the report's end.
        self.assertEqual(objs[3].lines[-1], '  backtrace (crc 0):')
        self.assertEqual(objs[4].lines[-1], '    drm_test_bridge_rgb_yuv_no_path+0x4c8/0xb70')

    def test_classification(self):
        up = kmemleak.load_upstream_leaks(UPSTREAM_LEAKS)
        self.assertEqual(up, {'drm_test_bridge_rgb_producer_in_fmts',
                              'drm_test_bridge_yuv8_passthrough_in_fmts',
                              'drm_test_bridge_chain_init'})
        objs = kmemleak.objects(lines('kmemleak', 'boot-leak.log'))
        self.assertEqual([kmemleak.is_upstream(o, up) for o in objs],
                         [True, True, False, False, True])
        # A listed function does not excuse an object that drm_gpuvm allocated.
        objs[1].frames.append('drm_gpuvm_bo_create')
        self.assertFalse(kmemleak.is_upstream(objs[1], up))

    def test_failed_path(self):
        objs = kmemleak.objects(lines('kmemleak', 'site-3-leak.log'))
        # The two unmap copies; not the VM of the aborted case, although its
        # backtrace has drm_test_gpuvm_sm_map_ops_create().
        self.assertEqual([o.address for o in objs if kmemleak.from_failed_path(o)],
                         ['0x64b41f00', '0x64b41f40'])
        self.assertEqual(len(objs), 5)
        self.assertTrue(kmemleak.from_failed_path(kmemleak.Object('unreferenced object 0x1 (size 8):')))


class TestKmemleakVerdict(unittest.TestCase, KmemleakBoots):
    """kmemleak.py's verdict on the recorded boots."""

    def test_pass(self):
        result, shown = self.analyse(self.boots())
        self.assertEqual((result['verdict'], result['error'], shown), ('PASS', None, []))
        boot = result['boot']
        self.assertEqual((boot['ok_results'], boot['objects'], boot['upstream_objects'],
                          boot['our_objects']), (88, 6, 6, 0))
        self.assertEqual([(s['injected'], s['leaked']) for s in result['sites']],
                         [(28, 0), (20, 0), (17, 0)])
        self.assertEqual(result['sites'][0]['armed'], '0x0000000060bef4e1 0x0000000060bef4e2')
        self.assertEqual(kmemleak.summary_line(result),
                         'kmemleak: 0 unreferenced objects of ours after the 88 boot results '
                         '(6 of upstream tests, in kunit/upstream-leaks); failslab at the 3 '
                         'kmemdup() calls of drm_gpuva_sm_step: site 1: 28 failed, 0 leaked; '
                         'site 2: 20 failed, 0 leaked; site 3: 17 failed, 0 leaked')

    def test_boot_leak(self):
        results = self.boots(boot='boot-leak.log')
        result, shown = self.analyse(results)
        self.assertEqual(result['failure'], {'stage': 'boot', 'kind': 'leak'})
        self.assertEqual(result['error'], 'kmemleak: 2 unreferenced objects after the KUnit run '
                         f'(log: {results}/kmemleak.log)')
        self.assertEqual((result['boot']['upstream_objects'], result['boot']['our_objects']), (3, 2))
        # The first of ours is shown: the VM of drm_test_gpuvm_sm_map_ops_create.
        self.assertEqual(shown[0], 'unreferenced object 0x64ad8000 (size 512):')
        self.assertEqual(shown[-1], '    new_thread_handler+0xd3/0x140')
        # header, comm, hex dump and its 2 lines, backtrace and its 14 frames
        self.assertEqual(len(shown), 20)

    def test_boot_stopped_early(self):
        results = self.boots(boot='boot-early.log', rc='124')
        result, shown = self.analyse(results)
        self.assertEqual(result['error'], 'kmemleak: kmemleak did not reach the end of its init '
                         f'script (kernel exit 124; log: {results}/kmemleak.log)')
        self.assertEqual([p['kind'] for p in result['boot']['problems']], ['incomplete', 'no-report'])
        self.assertEqual(result['boot']['ok_results'], 79)
        self.assertEqual(shown, [])

    def test_site_leak(self):
        results = self.boots(sites=('site-1.log', 'site-2.log', 'site-3-leak.log'))
        result, shown = self.analyse(results)
        self.assertEqual(result['failure'], {'stage': 'site-3', 'kind': 'leak'})
        self.assertEqual(result['error'], 'kmemleak: site 3 (0x60bef5a7): 2 objects allocated under '
                         'drm_gpuva_sm_step or *_ops_create() leaked after 17 injected failures '
                         f'(log: {results}/kmemleak-site-3.log)')
        self.assertEqual(shown[0], 'unreferenced object 0x64b41f00 (size 16):')
        self.assertIn('    drm_gpuva_sm_step+0xf1/0x520', shown)

    def test_failslab_only(self):
        # make coverage: no kmemleak, so no report and no leak verdict.
        results = self.boots(boot='boot-leak.log', edit=lambda name, text: text.replace(
            'gpuvm-stage: report end', 'gpuvm-stage: scan failed'))
        result, _ = self.analyse(results, leakcheck=False)
        self.assertEqual(result['verdict'], 'PASS')
        self.assertEqual(kmemleak.summary_line(result),
                         'failslab at the 3 kmemdup() calls of drm_gpuva_sm_step (no kmemleak in '
                         'this kernel): site 1: 28 failed, 0 leaked; site 2: 20 failed, 0 leaked; '
                         'site 3: 17 failed, 0 leaked')
        result, _ = self.analyse(results)
        self.assertEqual(result['error'], 'kmemleak: no kmemleak report in kmemleak '
                         f'(gpuvm-stage: scan failed); log: {results}/kmemleak.log')

    def test_site_armed_elsewhere(self):
        results = self.boots(sites=('site-2.log', 'site-2.log', 'site-3.log'))
        result, _ = self.analyse(results)
        self.assertEqual(result['error'], "kmemleak: failslab armed at '0x0000000060bef546 "
                         "0x0000000060bef547', not at 0x60bef4e1 (site 1; "
                         f'log: {results}/kmemleak-site-1.log)')

    def test_too_few_failures(self):
        results = self.boots(edit=lambda name, text: text.replace(
            'gpuvm-stage: injected 17', 'gpuvm-stage: injected 9'))
        result, _ = self.analyse(results)
        self.assertEqual(result['failure'], {'stage': 'site-3', 'kind': 'injected'})
        self.assertEqual(result['error'], 'kmemleak: failslab failed the kmemdup() at 0x60bef5a7 9 '
                         f'times, fewer than 10 (site 3; log: {results}/kmemleak-site-3.log)')

    def test_sites_run_nothing_at_boot(self):
        # The site boots have kunit.autorun=0: no result before userspace
        # is fine there, but not in the boot of all suites.
        def no_boot_results(name, text):
            head, sep, tail = text.partition('gpuvm-stage: userspace')
            head = '\n'.join(l for l in head.split('\n') if not kmemleak.OK.match(l))
            return head + sep + tail
        results = self.boots(edit=lambda name, text: text if name == 'kmemleak.log'
                             else no_boot_results(name, text))
        result, _ = self.analyse(results)
        self.assertEqual(result['verdict'], 'PASS')
        results = self.boots(edit=lambda name, text: no_boot_results(name, text))
        result, _ = self.analyse(results)
        self.assertEqual(result['failure'], {'stage': 'boot', 'kind': 'no-results'})

    def test_splat_and_not_ok_at_boot(self):
        def edit(name, text):
            if name != 'kmemleak.log':
                return text
            text = text.replace('    ok 3 drm_test_gpuvm_warn_put_without_vm_free',
                                '    not ok 3 drm_test_gpuvm_warn_put_without_vm_free')
            return text.replace('    # Subtest: drm_gpuvm_warn\n', '    # Subtest: drm_gpuvm_warn\n'
                                'BUG: KASAN: slab-use-after-free in drm_gpuvm_bo_put+0x10/0x80\n')
        results = self.boots(edit=edit)
        result, _ = self.analyse(results)
        self.assertEqual(result['error'], 'kmemleak: splat in kmemleak: drm_gpuvm_warn KASAN '
                         f'drm_gpuvm_bo_put (log: {results}/kmemleak.log)')
        self.assertEqual([p['kind'] for p in result['boot']['problems']], ['splat', 'not-ok'])
        self.assertEqual(result['boot']['problems'][1]['message'],
                         "kmemleak: 1 KUnit results were 'not ok' at boot "
                         f'(log: {results}/kmemleak.log)')

    def test_cli_verdict_reuse_caught(self):
        results = self.boots(sites=('site-1.log', 'site-2.log', 'site-3-leak.log'))
        out = os.path.join(results, 'kmemleak.json')
        args = ['verdict', '--results', results, '--sites', *SITES, '--known-splats', KNOWN_SPLATS,
                '--upstream-leaks', UPSTREAM_LEAKS, '--stamp', 'S1', '--json', out]
        rc, stdout, err = run('kmemleak.py', *args)
        self.assertErrorLine(rc, err, r'^error: kmemleak: site 3 \(0x60bef5a7\): 2 objects')
        # The object is shown before the error line, on stderr.
        self.assertTrue(err.startswith('unreferenced object 0x64b41f00 (size 16):\n'), err)
        self.assertEqual(stdout, '')
        rc, stdout, err = run('kmemleak.py', 'caught', out, '3')
        self.assertEqual(rc, 0, err)
        self.assertTrue(stdout.startswith('caught: kmemleak: site 3 (0x60bef5a7): 2 objects'))
        rc, _, err = run('kmemleak.py', 'caught', out, '1')
        self.assertErrorLine(rc, err, r'failed on something else first: kmemleak: site 3')
        # A failed result is never reused.
        rc, stdout, _ = run('kmemleak.py', 'reuse', '--from', out, '--json', out + '.2', '--stamp', 'S1')
        self.assertEqual((rc, stdout, os.path.exists(out + '.2')), (1, '', False))

        shutil.copy(data('kmemleak', 'site-3.log'), os.path.join(results, 'kmemleak-site-3.log'))
        rc, stdout, err = run('kmemleak.py', *args)
        self.assertEqual((rc, err), (0, ''))
        self.assertTrue(stdout.startswith('kmemleak: 0 unreferenced objects of ours after the 88 '))
        rc, _, err = run('kmemleak.py', 'caught', out, '3')
        self.assertErrorLine(rc, err, r'kmemleak.json passed: kmemleak: 0 unreferenced objects')
        rc, stdout, _ = run('kmemleak.py', 'reuse', '--from', out, '--json', out + '.2', '--stamp', 'S2')
        self.assertEqual((rc, stdout), (1, ''))
        rc, stdout, _ = run('kmemleak.py', 'reuse', '--from', out, '--json', out + '.2', '--stamp', 'S1')
        self.assertEqual(rc, 0)
        self.assertTrue(stdout.rstrip().endswith("site 3: 17 failed, 0 leaked "
                                                 "(kernel unchanged: the last boots' result)"))
        self.assertTrue(kmemleak.load_json(out + '.2')['reused'])

    def test_cli_fail(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'kmemleak.json')
            rc, _, err = run('kmemleak.py', 'fail', '--json', out, 'kmemleak: no kernel at /x/linux')
            self.assertErrorLine(rc, err, r'^error: kmemleak: no kernel at /x/linux$')
            self.assertEqual(kmemleak.load_json(out)['error'], 'kmemleak: no kernel at /x/linux')

    def test_usage(self):
        rc, _, err = run('kmemleak.py', 'verdict', '--results', '/tmp')
        self.assertErrorLine(rc, err, r'^error: kmemleak.py verdict: the following arguments are required')


class TestSummary(unittest.TestCase, KmemleakBoots):
    """summary.py on the recorded KUnit run, with and without the
    kmemleak result of the recorded boots."""

    def summary(self, log=None, leak=None):
        return summary.summary(data('kunit', 'kunit.json'), log or data('kunit', 'test.log'),
                               require=True, known_file=KNOWN_SPLATS, kmemleak_file=leak,
                               timings=[('base+apply', 2), ('build+run', 41)])

    def leak_json(self, **boots):
        results = self.boots(**boots)
        result, _ = self.analyse(results)
        path = os.path.join(results, 'kmemleak.json')
        kmemleak.write_json(path, result)
        return path

    def test_counts(self):
        d = self.summary()
        self.assertEqual([(s['name'], s['ours'], s['passed']) for s in d['suites']], [
            ('drm_exec', False, 7), ('drm_framebuffer', False, 63),
            ('drm_gpuvm_warn', True, 10), ('drm_fixp', False, 2)])
        self.assertEqual(summary.figures(d), 'drm_gpuvm 10/10 passed, upstream DRM 72/72 passed')
        self.assertEqual((len(d['splats']['new']), len(d['splats']['known'])), (0, 2))
        self.assertEqual((d['verdict'], d['problems']), ('PASS', []))

    def test_render(self):
        text = summary.render(self.summary()).splitlines()
        self.assertEqual(text[0], 'time:    base+apply 2 s, build+run 41 s')
        self.assertEqual(text[2], 'drm_gpuvm (this series)')
        self.assertIn('  (3 suites, all passed)                            72       0        0', text)
        self.assertIn('kernel log: 2 splat(s) of upstream peer suites that the unpatched base prints '
                      'too (2 known kinds, listed in kunit/upstream-splats): not ours, not counted', text)
        self.assertEqual(text[-1], 'RESULT: PASS (drm_gpuvm 10/10 passed, upstream DRM 72/72 passed, '
                         'no splat)')

    def test_splat_in_our_suite(self):
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, 'test.log')
            with open(data('kunit', 'test.log')) as f:
                text = f.read()
            with open(log, 'w') as f:
                f.write(text.replace('    # Subtest: drm_gpuvm_warn\n',
                                     '    # Subtest: drm_gpuvm_warn\n' + FRAMEBUFFER_FREE + '\n'))
            d = self.summary(log=log)
        # The same WARNING is known in drm_framebuffer, not in drm_gpuvm_warn.
        self.assertEqual([s['key'] for s in d['splats']['new']],
                         ['drm_gpuvm_warn WARNING drm_framebuffer_free'])
        self.assertEqual(d['problems'], ['1 splat(s) in the kernel log'])
        # 12 header lines, drm_exec 14, drm_framebuffer 174, then KTAP
        # version and Subtest of drm_gpuvm_warn: the line is the 203rd.
        self.assertIn(f'  line 203: [WARNING] drm_gpuvm_warn: {FRAMEBUFFER_FREE[:100]}',
                      summary.render(d).splitlines())

    def skipped_run(self, tmp, reason):
        """The recorded run with its first drm_gpuvm case skipped for REASON."""
        with open(data('kunit', 'kunit.json')) as f:
            tree = json.load(f)
        for group in tree['sub_groups']:
            if group['name'] == 'drm_gpuvm_warn':
                group['test_cases'][0]['status'] = 'SKIP'
                group['misc'].update(passed=group['misc']['passed'] - 1, skipped=1)
        paths = os.path.join(tmp, 'kunit.json'), os.path.join(tmp, 'test.log')
        with open(paths[0], 'w') as f:
            json.dump(tree, f)
        with open(data('kunit', 'test.log')) as f:
            text = f.read()
        with open(paths[1], 'w') as f:
            case = '    ok 1 drm_test_gpuvm_warn_init_overflow\n'
            f.write(text.replace(case, case.rstrip('\n') + ' # SKIP ' + reason + '\n'))
        return paths

    def test_config_skips(self):
        with tempfile.TemporaryDirectory() as tmp:
            kjson, log = self.skipped_run(tmp, 'requires CONFIG_LOCKDEP')
            plain = summary.summary(kjson, log, require=True, known_file=KNOWN_SPLATS)
            d = summary.summary(kjson, log, require=True, known_file=KNOWN_SPLATS,
                                config_skips=True)
            kjson, log = self.skipped_run(tmp, 'an earlier lockdep report turned lockdep off')
            other = summary.summary(kjson, log, require=True, known_file=KNOWN_SPLATS,
                                    config_skips=True)
        self.assertEqual(plain['problems'], ['1 drm_gpuvm case(s) skipped: our cases must run'])
        self.assertEqual((d['verdict'], d['config_skips']), ('PASS', {'requires CONFIG_LOCKDEP': 1}))
        self.assertIn('skipped: 1 drm_gpuvm case(s) for a config option this kernel lacks: '
                      'requires CONFIG_LOCKDEP (1)', summary.render(d).splitlines())
        # A skip for any other reason still fails.
        self.assertEqual(other['problems'], ['1 drm_gpuvm case(s) skipped: our cases must run'])

    def test_kmemleak_pass(self):
        d = self.summary(leak=self.leak_json())
        self.assertEqual(d['verdict'], 'PASS')
        text = summary.render(d)
        self.assertIn('\nkmemleak: 0 unreferenced objects of ours after the 88 boot results', text)
        self.assertTrue(text.endswith('no splat, no leak)\n'))

    def test_kmemleak_count_differs(self):
        # The boot stopped early: 79 results ok, the run had 88.  (Its
        # verdict is PASS here only because the boot's other checks are
        # left out, to reach this one.)
        path = self.leak_json(boot='boot-early.log')
        result = kmemleak.load_json(path)
        result.update(verdict='PASS', error=None, failure=None)
        kmemleak.write_json(path, result)
        d = self.summary(leak=path)
        self.assertEqual(d['problems'], [f'kmemleak: 79 KUnit results ok in its boot, 88 in '
                                         f'{data("kunit", "test.log")}'])

    def test_kmemleak_leak_round_trip(self):
        path = self.leak_json(boot='boot-leak.log')
        d = self.summary(leak=path)
        self.assertEqual(d['verdict'], 'FAIL')
        self.assertEqual(d['problems'], [f'kmemleak: 2 unreferenced objects after the KUnit run '
                                         f'(log: {os.path.dirname(path)}/kmemleak.log)'])
        text = summary.render(d)
        self.assertTrue(text.endswith('RESULT: FAIL (drm_gpuvm 10/10 passed, upstream DRM 72/72 '
                                      'passed)\n'), text)
        # What make printed is what make summary prints: from the JSON alone.
        with tempfile.TemporaryDirectory() as tmp:
            out, js = os.path.join(tmp, 'summary.txt'), os.path.join(tmp, 'summary.json')
            rc, stdout, _ = run('summary.py', data('kunit', 'kunit.json'), data('kunit', 'test.log'),
                                '--require-gpuvm', '--known', KNOWN_SPLATS, '--kmemleak', path,
                                '--out', out, '--json', js)
            self.assertEqual((rc, stdout), (1, text.replace('time:    base+apply 2 s, build+run 41 s\n\n', '')))
            os.remove(path)
            rc, shown, _ = run('summary.py', '--show', js)
            self.assertEqual((rc, shown), (1, stdout))
            rc, table, _ = run('summary.py', '--show', js, '--table', 'drm_gpuvm')
            self.assertEqual((rc, table.splitlines()[2]), (0, '  drm_gpuvm_warn' + ' ' * 36 +
                                                           '10       0        0'))

    def test_kmemleak_missing(self):
        d = self.summary(leak='/nonexistent/kmemleak.json')
        self.assertEqual(d['problems'], ['kmemleak: no result in /nonexistent/kmemleak.json'])
        self.assertIn('\nkmemleak: no result in /nonexistent/kmemleak.json\n', summary.render(d))

    def test_show_without_summary(self):
        rc, out, err = run('summary.py', '--show', '/nonexistent/summary.json')
        self.assertEqual(out, '')
        self.assertErrorLine(rc, err, r'^error: no summary in /nonexistent/summary.json: .*never ran\)$')

    def test_bad_kunit_json(self):
        rc, out, err = run('summary.py', data('kunit', 'test.log'), data('kunit', 'test.log'))
        self.assertEqual(out, '')
        self.assertErrorLine(rc, err, r'^error: no KUnit results in .*test.log: ')


class TestBaseline(unittest.TestCase, ErrorLine):
    """baseline.py on the recorded KUnit log and kmemleak boot, with the
    recorded symbols of drivers/gpu/drm/tests (data/baseline/tests.nm)."""

    def write(self, boot='boot.log'):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        out = (os.path.join(tmp, 'splats'), os.path.join(tmp, 'leaks'))
        rc, stdout, err = run('baseline.py', '--test-log', data('kunit', 'test.log'),
                              '--kmemleak-log', data('kmemleak', boot),
                              '--tests-nm', data('baseline', 'tests.nm'),
                              '--base', 'ca21f9d1a2a1 Linux 7.3.4', '--fragments', 'kunit/debug.config',
                              '--fragments-stamp', '0123456789abcdef0123', '--splats', out[0],
                              '--leaks', out[1])
        return rc, stdout, err, out

    def test_entries(self):
        rc, stdout, err, (spl, leak) = self.write()
        self.assertEqual(rc, 0, err)
        self.assertEqual(stdout, 'baseline: 2 splat keys, 6 leaked objects of 3 upstream test functions\n')
        # The keys are what summary.py and kmemleak.py read back.
        self.assertEqual(splats.load_known(spl), {'drm_framebuffer WARNING drm_framebuffer_free',
                                                  'drm_framebuffer WARNING drm_framebuffer_init'})
        self.assertEqual(kmemleak.load_upstream_leaks(leak), {
            'drm_test_bridge_rgb_producer_in_fmts', 'drm_test_bridge_yuv8_passthrough_in_fmts',
            'drm_test_bridge_chain_init'})
        with open(spl) as f:
            text = f.read()
        # Each entry says which case printed it, and where.
        self.assertIn('# drm_test_framebuffer_free: drivers/gpu/drm/drm_framebuffer.c:833\n'
                      'drm_framebuffer WARNING drm_framebuffer_free\n', text)
        self.assertIn('#   base:      ca21f9d1a2a1 Linux 7.3.4\n', text)
        self.assertIn('(content 0123456789ab)', text)
        with open(leak) as f:
            text = f.read()
        self.assertIn('# 2 x 16 bytes, __kmalloc_cache_noprof <- drm_test_bridge_rgb_producer_in_fmts'
                      ' <- select_bus_fmt_recursive\ndrm_test_bridge_rgb_producer_in_fmts\n', text)
        # The same inputs give the same files.
        again = self.write()[3]
        for a, b in zip((spl, leak), again):
            with open(a) as f, open(b) as g:
                self.assertEqual(f.read(), g.read())

    def test_leak_not_of_a_test(self):
        # boot-leak.log holds an object that gpuvm_test_vm_init() allocated:
        # not a function of the base's tests, so it cannot become noise.
        rc, _, err, _ = self.write('boot-leak.log')
        self.assertErrorLine(rc, err, r'leaked object 0x64ad8000 was not allocated by an upstream test')

    def test_boot_stopped_early(self):
        rc, _, err, _ = self.write('boot-early.log')
        self.assertErrorLine(rc, err, r'did not reach the end of its init script')


class TestCheckCover(unittest.TestCase, ErrorLine):
    """check-cover.py: a cover letter against a series and the summary
    JSON of the recorded run."""

    def setUp(self):
        self.top = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.top)
        os.mkdir(os.path.join(self.top, 'patches'))
        names = []
        for n, subject in enumerate(['drm/gpuvm: one thing', 'drm/gpuvm: another thing'], 1):
            name = f'000{n}-patch.patch'
            names.append(name)
            with open(os.path.join(self.top, 'patches', name), 'w') as f:
                f.write(f'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
                        f'From: A <a@example.org>\nSubject: [PATCH {n}/2] {subject}\n\nbody\n')
        with open(os.path.join(self.top, 'series'), 'w') as f:
            f.write('# the series\n' + '\n'.join(names) + '\n')
        self.summary = os.path.join(self.top, 'summary.json')
        d = summary.summary(data('kunit', 'kunit.json'), data('kunit', 'test.log'),
                            known_file=KNOWN_SPLATS)
        with open(self.summary, 'w') as f:
            json.dump(d, f)

    def cover(self, figure, listing='  [1/2] drm/gpuvm: one thing\n  [2/2] drm/gpuvm: another thing\n'):
        with open(os.path.join(self.top, 'cover-letter.txt'), 'w') as f:
            f.write(f'Subject: the cover\n\n{listing}\nMeasured: {figure}.\n')
        return run('check-cover.py', self.top, self.summary)

    def test_agrees(self):
        rc, out, err = self.cover('drm_gpuvm 10/10 passed, upstream DRM 72/72 passed')
        self.assertEqual((rc, err), (0, ''))
        self.assertEqual(out, 'cover letter lists the 2 patches of series; 1 figure(s) match the '
                         'last make\n')

    def test_stale_figure_and_order(self):
        rc, out, err = self.cover('drm_gpuvm 9/10 passed, upstream DRM 72/72 passed',
                                  '  [1/2] drm/gpuvm: another thing\n  [2/2] drm/gpuvm: one thing\n')
        self.assertErrorLine(rc, err, r'^error: cover-letter.txt: patch list differs from series '
                             r'\(and 1 more problems\)$')
        self.assertIn('cover-letter.txt: stale figure "drm_gpuvm 9/10 passed, upstream DRM 72/72 '
                      'passed"; make last measured "drm_gpuvm 10/10 passed, upstream DRM 72/72 '
                      'passed"', out)

    def test_no_measurement(self):
        os.remove(self.summary)
        rc, _, err = self.cover('drm_gpuvm 10/10 passed, upstream DRM 72/72 passed')
        self.assertErrorLine(rc, err, r'no measurement in .*summary.json: run make first$')


class TestBenchReport(unittest.TestCase, ErrorLine):
    """bench-report.py on three runs of each kernel (data/bench)."""

    def setUp(self):
        self.logs = sorted(data('bench', n) for n in os.listdir(data('bench')))
        self.rows = bench_report.parse(self.logs)
        self.stats = bench_report.summarize(self.rows)

    def test_parse(self):
        # 6 logs; base: 4 figures each (clock, 2 x sm_map, bo_obtain_create,
        # signal_path = 5), patched: one more (bo_obtain_create_weak).
        self.assertEqual(len(self.rows), 3 * 5 + 3 * 6)
        self.assertIn((2, 'patched', 'sm_map', 10000, 252.0, 131072), self.rows)
        self.assertIn((1, 'base', 'clock', 1, 25.0, 1), self.rows)

    def test_medians_and_spread(self):
        base = self.stats[('sm_map', 100)]['base']
        self.assertEqual((base.median, base.min, base.max), (105.0, 100.0, 110.0))
        self.assertAlmostEqual(base.spread, 10 / 105)
        self.assertNotIn('base', self.stats[('bo_obtain_create_weak', 1)])

    def test_table(self):
        out = bench_report.Report()
        with contextlib.redirect_stdout(io.StringIO()):
            bench_report.table(out, self.stats)
        row = [l for l in out.lines if l.startswith('sm_map') and ' 100 ' in l][0]
        # 106/105 = 1.0095 inside the base's spread of 10/105 = 9.5 %.
        self.assertEqual(row.split()[:8], ['sm_map', '100', '105.0', '[100.0-110.0]',
                                           '106.0', '[104.0-108.0]', '1.010', 'spread'])
        self.assertTrue(row.endswith('spread 9.5% > effect 1.0%'), row)
        weak = [l for l in out.lines if l.startswith('bo_obtain_create_weak')][0]
        self.assertTrue(weak.endswith('patched only'), weak)
        # Operations in ORDER, then the rest (clock is last of ORDER).
        ops = [l.split()[0] for l in out.lines[1:]]
        self.assertEqual(ops, ['sm_map', 'sm_map', 'bo_obtain_create', 'bo_obtain_create_weak',
                               'signal_path', 'clock'])

    def test_goals(self):
        out = bench_report.Report()
        with contextlib.redirect_stdout(io.StringIO()):
            bench_report.goals(out, self.stats)
        text = '\n'.join(out.lines)
        # 1.0095 <= 1.01 on the medians, but the spread is wider.
        self.assertIn('sm_map             n=100    1.010  holds on the medians; '
                      'spread 9.5% > effect 1.0%', text)
        # 250/200 = 1.25, spread 4/250 = 1.6 %: resolved, and over.
        self.assertIn('sm_map             n=10000  1.250  DOES NOT HOLD', text)
        # 51/50 = 1.02 over 1.01 by 1 %, base spread 4/50 = 8 %.
        self.assertIn('bo_obtain_create   n=1      1.020  not resolved: spread 8.0% >= '
                      'excess 1.0% over 1.01', text)
        # log(10000)/log(100) = 2: base 200/105 = 1.90, patched 250/106 = 2.36.
        self.assertIn('sm_map    base     n=100..10000: x1.90 (log: x2.00)  holds', text)
        self.assertIn('sm_map    patched  n=100..10000: x2.36 (log: x2.00)  DOES NOT HOLD', text)
        self.assertIn('signal_path 6.6 / 11.4 ns = 0.579  holds', text)
        self.assertIn('45.0 / 51.0 ns = 0.882: weak is 11.8% faster', text)
        self.assertIn('not measured: the patched kernel has no drm_gpuva_unlink_defer_free() to queue with', text)

    def test_median_ci(self):
        # Binomial(n, 1/2): n = 5 has no 95 % interval (2/32 > 5 %); n = 6 gives
        # [min, max] (2/64); n = 15 gives [x4, x12] (2 * 576/32768 = 3.5 %,
        # while k = 5 would give 2 * 1941/32768 = 11.8 %).
        self.assertIsNone(bench_report.median_ci([1, 2, 3, 4, 5]))
        self.assertEqual(bench_report.median_ci([1, 2, 3, 4, 5, 6]), (1, 6))
        self.assertEqual(bench_report.median_ci(list(range(1, 16))), (4, 12))

    def test_paired_verdicts(self):
        def stat(values):
            return bench_report.Stat(enumerate(values, 1))
        base = stat([100, 110, 90, 100, 105, 95, 100, 102])
        # Each patched run 0.5 % over its base run: the spread of either
        # kernel is 20 %, the paired ratios are all 1.005.
        near = stat([x * 1.005 for x in base.values])
        over = stat([x * 1.03 for x in base.values])
        mixed = stat([x * f for x, f in zip(base.values, (0.99, 1.0, 1.02, 1.0, 0.99, 1.02, 1.0, 1.02))])
        self.assertEqual(bench_report.decide(base, near, 1.01),
                         'holds (95% CI 1.005-1.005 over 8 pairs)')
        self.assertEqual(bench_report.decide(base, over, 1.01),
                         'DOES NOT HOLD (95% CI 1.030-1.030 over 8 pairs)')
        self.assertEqual(bench_report.decide(base, mixed, 1.01),
                         'not resolved (95% CI 0.990-1.020 over 8 pairs; raise BENCH_RUNS)')
        # Three runs only (the recorded data): the spread decides, as before.
        b, p = self.stats[('sm_map', 100)]['base'], self.stats[('sm_map', 100)]['patched']
        self.assertIsNone(bench_report.ci_verdict(b, p, 1.01))

    def test_bad_log_name(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, 'kernel-1.log')
            shutil.copy(self.logs[0], bad)
            rc, _, err = run('bench-report.py', '--out', tmp, bad)
        self.assertErrorLine(rc, err, r'kernel-1.log: not named <base\|patched>-<run>.log')

    def test_log_without_figures(self):
        with tempfile.TemporaryDirectory() as tmp:
            empty = os.path.join(tmp, 'base-1.log')
            with open(empty, 'w') as f:
                f.write('KTAP version 1\n')
            rc, _, err = run('bench-report.py', '--out', os.path.join(tmp, 'out'), empty)
            self.assertFalse(os.path.exists(os.path.join(tmp, 'out')))
        self.assertErrorLine(rc, err, r'base-1.log: no "bench:" figures in the kernel log')

    def test_usage(self):
        rc, _, err = run('bench-report.py', 'x.log')
        self.assertErrorLine(rc, err, r'the following arguments are required: --out')


class TestCoverageReport(unittest.TestCase, ErrorLine):
    """coverage-report.py on an lcov tracefile of drm_gpuvm.c, its test
    file and drm_gpuvm.h (data/coverage)."""

    def test_parse_only_that_file(self):
        with open(data('coverage', 'drm_gpuvm.info')) as f:
            lines, funcs = coverage_report.parse(f, 'drm_gpuvm.c')
        # Not drm_gpuvm_test.c's lines 20, 21, nor drm_gpuvm.h's 170, 172.
        self.assertEqual(sorted(lines), [1085, 1088, 1090, 1190, 1192, 2410, 2415, 2418])
        self.assertEqual(funcs, {'drm_gpuvm_init': 12, 'drm_gpuvm_destroy': 0,
                                 'drm_gpuvm_sm_map_ops_create': 7})

    def test_report(self):
        rc, out, _ = run('coverage-report.py', data('coverage', 'drm_gpuvm.info'), 'drm_gpuvm.c',
                         data('coverage', 'added-lines'), 'drm_gpuvm_init', 'drm_gpuvm_destroy',
                         'drm_gpuvm_sm_map_ops_create', 'drm_gpuva_invalidate')
        self.assertEqual(rc, 0)
        # 5 of 8 lines have a count; added lines 1088 and 2418 ran, 1090
        # and 1192 did not, 1100 is not instrumented.
        self.assertEqual(out.splitlines(), [
            'drm_gpuvm.c: lines 5/8 (62.5%), functions 2/3 (66.7%)',
            'lines added or changed by the series: 2/4 instrumented lines run (50.0%)',
            '  added lines never run: 1090 1192',
            'exported functions called: 2/4',
            '  never called: drm_gpuvm_destroy drm_gpuva_invalidate'])

    def test_no_data(self):
        rc, out, err = run('coverage-report.py', data('coverage', 'drm_gpuvm.info'), 'drm_exec.c',
                           data('coverage', 'added-lines'))
        self.assertEqual(out, '')
        self.assertErrorLine(rc, err, r'no coverage data for drm_exec.c in .*drm_gpuvm.info')

    def test_missing_tracefile(self):
        rc, _, err = run('coverage-report.py', data('coverage', 'none.info'), 'drm_gpuvm.c',
                         data('coverage', 'added-lines'))
        self.assertErrorLine(rc, err, r'cannot read .*none.info: No such file')


class TestGpuvmUsers(unittest.TestCase, ErrorLine):
    """gpuvm-users.py on a small tree of xe and nouveau files (data/users)."""

    def test_users(self):
        found = gpuvm_users.users(data('users'), ['drivers/gpu/drm/xe', 'drivers/gpu/drm/nouveau'])
        self.assertEqual(found, [
            # <nvif/vmm.h> is nouveau/include/nvif/vmm.h
            'drivers/gpu/drm/nouveau/nouveau_uvmm.c',
            # "../xe_vm.h" from display/
            'drivers/gpu/drm/xe/display/xe_fb.c',
            # xe_bo.h -> xe_vm_types.h -> <drm/drm_gpuvm.h>
            'drivers/gpu/drm/xe/xe_bo.c',
            'drivers/gpu/drm/xe/xe_vm.c'])
        # Not xe_pci.c (a commented include, drm_debugfs.h is not followed),
        # not nouveau_drv.c (nvkm/subdev/mmu.h has no drm_gpuvm.h).

    def test_missing_dir(self):
        rc, out, err = run('gpuvm-users.py', data('users'), 'drivers/gpu/drm/panthor')
        self.assertEqual(out, '')
        self.assertErrorLine(rc, err, r'drivers/gpu/drm/panthor is not a directory in')


class TestJsonField(unittest.TestCase, ErrorLine):

    def test_fields(self):
        doc = {'verdict': 'PASS', 'timings': {'base+apply': 3}, 'sites': [{'leaked': 0}],
               'error': None}
        self.assertEqual(json_field.field(doc, 'timings.base+apply'), 3)
        self.assertEqual(json_field.field(doc, 'sites.0.leaked'), 0)
        with self.assertRaises(KeyError) as e:
            json_field.field(doc, 'sites.1.leaked')
        self.assertEqual(e.exception.args[0], 'sites.1')

    def test_cli(self):
        with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
            json.dump({'a': {'b': 'x y'}, 'n': None}, f)
            f.flush()
            self.assertEqual(run('json-field.py', f.name, 'a.b')[:2], (0, 'x y\n'))
            self.assertEqual(run('json-field.py', f.name, 'n')[:2], (0, 'null\n'))
            rc, _, err = run('json-field.py', f.name, 'a.c')
            self.assertErrorLine(rc, err, r'has no field a.c$')


class TestMutate(unittest.TestCase, ErrorLine):
    """mutate.py's verdict on one mutant's boot, and the table."""

    @staticmethod
    def kunit(statuses):
        return {'name': '', 'test_cases': [], 'sub_groups': [
            {'name': 'drm_gpuvm', 'test_cases': [{'name': n, 'status': s} for n, s in statuses],
             'sub_groups': []}]}

    def test_verdict(self):
        expected = ['drm_gpuvm.a', 'drm_gpuvm.b']
        ok = self.kunit([('a', 'PASS'), ('b', 'SKIP')])
        self.assertEqual(mutate.verdict([], ok, '0', [], expected), ('SURVIVED', '', []))
        failed = self.kunit([('a', 'FAIL'), ('b', 'PASS')])
        self.assertEqual(mutate.verdict([], failed, '0', [], expected)[:2], ('KILLED', 'case'))
        # The kernel stopped after a: b never reported.
        short = self.kunit([('a', 'PASS')])
        result, how, details = mutate.verdict([], short, '124', [], expected)
        self.assertEqual((result, how, details[1:]), ('KILLED', 'crash', ['drm_gpuvm.b']))
        self.assertEqual(mutate.verdict([], None, '1', [], expected)[:2], ('KILLED', 'crash'))
        log = ['    # Subtest: drm_gpuvm',
               'BUG: KASAN: slab-use-after-free in drm_gpuvm_bo_put+0x10/0x80']
        self.assertEqual(mutate.verdict(log, ok, '0', [], expected),
                         ('KILLED', 'splat', ['drm_gpuvm KASAN drm_gpuvm_bo_put']))
        # A splat the unmutated run prints too does not kill.
        self.assertEqual(mutate.verdict(log, ok, '0', ['drm_gpuvm KASAN drm_gpuvm_bo_put'],
                                        expected)[0], 'SURVIVED')
        # A result kunit.py could not parse has no name: the suite is named.
        garbled = self.kunit([('a', 'FAIL'), ('', 'ERROR'), ('', 'ERROR'), ('b', 'PASS')])
        self.assertEqual(mutate.verdict([], garbled, '0', [], expected),
                         ('KILLED', 'case', ['drm_gpuvm.a', '2 result(s) kunit.py could not parse '
                                             '(a crash or a garbled log) in drm_gpuvm']))

    def test_table(self):
        rows = [{'mutant': '01-a.patch', 'result': 'KILLED', 'how': 'case', 'details': ['x'],
                 'code': 'upstream', 'description': 'a'},
                {'mutant': '02-b.patch', 'result': 'SURVIVED', 'how': '', 'details': [],
                 'code': 'series', 'survives': 'equivalent: the branch is never taken'},
                {'mutant': '03-c.patch', 'result': 'KILLED', 'how': 'splat', 'details': ['y'],
                 'code': 'series'}]
        lines, problems = mutate.table(rows)
        self.assertEqual(problems, [])
        self.assertEqual(lines[-3:], ['upstream: killed 1 of 1', 'series: killed 1 of 2',
                                      'killed 2 of 3 (1 by case, 1 by splat)'])
        self.assertIn('equivalent: the branch is never taken', lines[2])
        # An unexplained survivor, and a killed mutant that says it survives.
        del rows[1]['survives']
        rows[0]['survives'] = 'stale'
        _, problems = mutate.table(rows)
        self.assertEqual(problems, ['01-a.patch is killed but its patch says it survives: stale',
                                    '02-b.patch survived and its patch does not say why (Survives:)'])

    def test_header(self):
        with tempfile.NamedTemporaryFile('w', suffix='.patch') as f:
            f.write('Mutant: x\nKind: y\nCode: series\nSurvives: z\n\ndiff --git a/f b/f\n'
                    'Mutant: not a header\n')
            f.flush()
            self.assertEqual(mutate.header(f.name),
                             {'description': 'x', 'kind': 'y', 'code': 'series', 'survives': 'z'})
        with tempfile.NamedTemporaryFile('w', suffix='.patch') as f:
            f.write('diff --git a/f b/f\n')
            f.flush()
            with self.assertRaises(ValueError):
                mutate.header(f.name)


if __name__ == '__main__':
    result = unittest.main(exit=False).result
    bad = len(result.failures) + len(result.errors)
    if bad or not result.testsRun:
        print(f'error: {bad} of {result.testsRun} parser tests failed', file=sys.stderr)
        sys.exit(1)
    print(f'{result.testsRun} parser tests passed on the recorded data of scripts/tests/data')
