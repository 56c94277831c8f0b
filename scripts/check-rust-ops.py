#!/usr/bin/env python3
"""Every Rust initializer of bindings::drm_gpuvm_ops names every field of
the C struct drm_gpuvm_ops, and no other.

usage: check-rust-ops.py TREE

Rust struct literals must name every field, so a field added on the C side
breaks the Rust build; this machine has no Rust kernel toolchain (bindgen,
rust-src) to find out, hence this check."""
import os
import re
import sys

import cli


def c_fields(header):
    text = open(header).read()
    body = re.search(r'^struct drm_gpuvm_ops \{(.*?)^\};', text, re.S | re.M)
    if not body:
        cli.die(f'no struct drm_gpuvm_ops in {header}')
    code = re.sub(r'/\*.*?\*/', '', body.group(1), flags=re.S)
    return set(re.findall(r'\(\s*\*\s*(\w+)\s*\)\s*\(', code))


def rust_inits(tree):
    for root, _, files in os.walk(os.path.join(tree, 'rust')):
        for name in files:
            if not name.endswith('.rs'):
                continue
            path = os.path.join(root, name)
            text = open(path).read()
            for m in re.finditer(r'bindings::drm_gpuvm_ops\s*\{', text):
                # "-> &'static bindings::drm_gpuvm_ops {" opens a function
                # body, not a struct literal.
                start = text.rfind('\n', 0, m.start()) + 1
                if '->' in text[start:m.start()]:
                    continue
                depth, i = 1, m.end()
                while depth and i < len(text):
                    depth += {'{': 1, '}': -1}.get(text[i], 0)
                    i += 1
                body = text[m.end():i - 1]
                line = text.count('\n', 0, m.start()) + 1
                yield path, line, body


def main():
    if len(sys.argv) != 2:
        cli.die('usage: check-rust-ops.py TREE', 2)
    tree = sys.argv[1]
    fields = c_fields(os.path.join(tree, 'include/drm/drm_gpuvm.h'))
    bad = 0
    seen = 0
    for path, line, body in rust_inits(tree):
        seen += 1
        named = set(re.findall(r'^\s*(\w+)\s*:', body, re.M))
        rel = os.path.relpath(path, tree)
        for f in sorted(fields - named):
            print(f'{rel}:{line}: drm_gpuvm_ops initializer lacks field {f}')
            bad += 1
        for f in sorted(named - fields):
            print(f'{rel}:{line}: drm_gpuvm_ops initializer names unknown field {f}')
            bad += 1
    if not seen:
        cli.die('no Rust initializer of bindings::drm_gpuvm_ops found')
    if bad:
        cli.die(f'{bad} field mismatch(es) between the C and Rust drm_gpuvm_ops')
    print(f'{seen} Rust drm_gpuvm_ops initializer(s) name all {len(fields)} C fields')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except OSError as err:
        cli.die(f'cannot read {err.filename}: {err.strerror}')
