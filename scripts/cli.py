"""What every Python helper of scripts/ does the same way: a problem is one
line on stderr, "error: " and what is wrong, and the exit status is not 0.
Imported, not run."""
import argparse
import sys


def die(message, status=1):
    """Print the error line and exit."""
    print(f'error: {message}', file=sys.stderr)
    sys.exit(status)


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one error line (argparse prints the
    usage and then "PROG: error: ...")."""

    def error(self, message):
        die(f'{self.prog}: {message} (see --help)', 2)
