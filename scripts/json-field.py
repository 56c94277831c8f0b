#!/usr/bin/env python3
"""Print one field of a results JSON (summary.json, kmemleak.json), for
the shell scripts that read results as data.

usage: json-field.py FILE KEY[.KEY...]

Each KEY descends one level: a name in an object, an index in a list.
Strings and numbers print as they are, anything else as JSON.  A missing
file, invalid JSON or a missing field is one error line."""
import json
import sys

import cli


def field(data, path):
    """The value at PATH ("a.b.0") in DATA; raises KeyError naming the
    first key that is missing."""
    value = data
    done = []
    for key in path.split('.'):
        done.append(key)
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            raise KeyError('.'.join(done))
    return value


def main(argv):
    if len(argv) != 2:
        cli.die('usage: json-field.py FILE KEY[.KEY...]', 2)
    path, key = argv
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as err:
        cli.die(f'cannot read {path}: {err.strerror}')
    except ValueError as err:
        cli.die(f'{path} is not JSON: {err}')
    try:
        value = field(data, key)
    except KeyError as err:
        cli.die(f'{path} has no field {err.args[0]}')
    print(value if isinstance(value, (str, int, float)) and not isinstance(value, bool)
          else json.dumps(value))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
