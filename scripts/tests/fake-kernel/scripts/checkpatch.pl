#!/usr/bin/env perl
# Stand-in for scripts/checkpatch.pl in the fixture trees of scripts/tests:
# only the commit checks and codespell.  Each "Fixes: <id> ("<subject>")"
# of the patch must name a commit of the tree it runs in, looked up with
# git log as checkpatch.pl does (UNKNOWN_COMMIT_ID), with that subject
# (GIT_COMMIT_ID); with --codespell, no added line may hold a misspelling
# of --codespellfile (TYPO_SPELLING).  A type can be ignored (--ignore) or
# not selected (--types).  Prints checkpatch.pl's total line.
use strict;
use warnings;
use File::Basename;

system(dirname($0) . '/fixture-record', 'checkpatch', @ARGV);
my (%ignore, %types, $terse, $codespell, $dict, @files);
while (@ARGV) {
	my $a = shift @ARGV;
	if ($a eq '--ignore' || $a eq '--types') {
		my $v = shift @ARGV;
		my $h = $a eq '--ignore' ? \%ignore : \%types;
		$h->{$_} = 1 for split /,/, $v;
	} elsif ($a eq '--terse') {
		$terse = 1;
	} elsif ($a eq '--codespell') {
		$codespell = 1;
	} elsif ($a =~ /^--codespellfile=(.*)/) {
		$dict = $1;
	} elsif ($a !~ /^-/) {
		push @files, $a;
	}
}
my %typo;
if ($codespell && defined $dict) {
	open(my $dh, '<', $dict) or die "$dict: $!\n";
	while (<$dh>) {
		$typo{lc $1} = $2 if /^([^#\s][^-]*)->(.*)$/;
	}
}
my ($errors, $warnings) = (0, 0);
sub report {
	my ($file, $type, $msg, $level) = @_;
	return if $ignore{$type} || (%types && !$types{$type});
	$level //= 'ERROR';
	$level eq 'ERROR' ? $errors++ : $warnings++;
	print $terse ? "$file: $level: $msg\n" : "$level:$type: $msg\n";
}
my $lines = 0;
for my $file (@files) {
	open(my $fh, '<', $file) or die "$file: $!\n";
	while (my $line = <$fh>) {
		$lines++;
		if ($line =~ /^\+(?!\+\+ )/ && %typo) {
			for my $w ($line =~ /([A-Za-z]+)/g) {
				report($file, 'TYPO_SPELLING', "'$w' may be misspelled - perhaps '$typo{lc $w}'?", 'WARNING')
					if exists $typo{lc $w};
			}
		}
		next unless $line =~ /^Fixes:\s+([0-9a-f]{12,40})\s+\("(.*)"\)/;
		my ($id, $subject) = ($1, $2);
		my $found = `git log --no-color --format='%s' -1 $id 2>/dev/null`;
		chomp $found;
		if ($? != 0 || $found eq '') {
			report($file, 'UNKNOWN_COMMIT_ID', "Unknown commit id '$id', maybe rebased or not pulled?");
		} elsif ($found ne $subject) {
			report($file, 'GIT_COMMIT_ID', "Please use git commit description style 'commit $id (\"$found\")'");
		}
	}
}
print "total: $errors errors, $warnings warnings, 0 checks, $lines lines checked\n";
exit($errors || $warnings ? 1 : 0);
