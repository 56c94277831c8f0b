# drm_gpuvm patch series: the front door.  See README.md.
#
# `make help` lists the targets: it prints the "## " line above each target
# and the "## " lines that stand alone, in the order of this file.

## usage: make [TARGET] [VARIABLE=value ...]

MAKEFILE := $(lastword $(MAKEFILE_LIST))
SHELL := /bin/bash
S := scripts
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/drm-gpuvm-series
WORK ?= work
export KDIR BASE CACHE SIGNOFF

.PHONY: all run check export work base apply summary deps clean distclean help bisect send-dry coverage kmemleak-control ci-drm smp users sizes bench bench-pipeline mutate baseline baseline-check

## the main job (the same as make run)
all: run

## get the base tree, apply the series, build, run KUnit, summary
run: deps
	@$(S)/run.sh

## every check of the repository; last line "N passed, N failed"
check:
	@$(S)/deps.sh check
	@$(S)/check.sh

## install what make needs (apt-get as root; otherwise print the command)
deps:
	@$(S)/deps.sh

## only fetch and unpack the base tree
base: deps
	@$(S)/prepare-tree.sh >/dev/null

## only apply the series (branch "applied")
apply: base
	@$(S)/apply.sh "$$($(S)/prepare-tree.sh)"

## regenerate patches/, series, tests/ from the work branch
export: deps
	@$(S)/export.sh $(WORK) .

## create the work branch (the series as commits) to edit
work: deps
	@$(S)/make-work.sh $(WORK)

## gcov of drm_gpuvm.c under the drm_gpuvm suite (lcov + HTML)
coverage:
	@$(S)/deps.sh coverage
	@$(S)/coverage.sh

## undo patch 2 for one build and show that the kmemleak/failslab boots catch its leak
kmemleak-control:
	@$(S)/deps.sh
	@$(S)/kmemleak-control.sh

## drm-ci's KUnit jobs: x86_64, arm64, arm with LLVM under QEMU (TCG)
ci-drm:
	@$(S)/deps.sh ci-drm
	@$(S)/ci-drm.sh

## the drm_gpuvm suites on x86_64 with two CPUs under QEMU (TCG), KASAN and lockdep
smp:
	@$(S)/deps.sh smp
	@$(S)/smp.sh

## compile every xe/nouveau/panthor/msm/imagination object using drm_gpuvm.h
users:
	@$(S)/deps.sh users
	@$(S)/users.sh

## sizeof drm_gpuva, drm_gpuvm_bo and drm_gpuvm, base and series, on x86_64, arm64 and arm
sizes:
	@$(S)/deps.sh sizes
	@$(S)/sizes.sh

## micro-benchmarks: base kernel against the series, table, CSV and plot
bench:
	@$(S)/deps.sh bench
	@$(S)/bench.sh

## the pipeline's cold, warm and no-change times against kunit.py's cold run
bench-pipeline: deps
	@$(S)/bench-pipeline.sh

## how many of the single-line bugs in mutants/ the drm_gpuvm suites catch
mutate: deps
	@$(S)/mutate.sh $(MUTANTS)

## measure kunit/upstream-splats and kunit/upstream-leaks on the unpatched base
baseline: deps
	@$(S)/baseline.sh

## fail when kunit/upstream-* differ from what the base and fragments give
baseline-check: deps
	@$(S)/baseline.sh --check

## every prefix of the series: apply, W=1 build, KUnit
bisect: deps
	@$(S)/bisect.sh

## write the mails with b4 into $CACHE/mails as SIGNOFF; nothing is sent
send-dry:
	@$(S)/send-dry.sh --identity >/dev/null
	@$(S)/deps.sh send-dry
	@$(MAKE) --no-print-directory apply
	@$(S)/send-dry.sh $(CACHE)/mails

## print what the last make concluded, from its summary.json
summary: deps
	@$(S)/summary.py --show $(CACHE)/results/summary.json

## drop the build directories and results
clean:
	rm -rf $(CACHE)/build $(CACHE)/results

## drop the whole cache
distclean:
	rm -rf $(CACHE)

## this list
help:
	@awk 'function flush() { if (held) print doc; held = 0 } \
		/^##( |$$)/ { flush(); doc = substr($$0, 4); held = 1; next } \
		held && /^[a-z][a-z-]*:/ { t = $$0; sub(/:.*/, "", t); printf "  make %-17s %s\n", t, doc; held = 0; next } \
		{ flush() } END { flush() }' $(MAKEFILE)

##
## Variables: KDIR=/path/to/kernel.git, BASE=<rev>, CACHE=<dir>, WORK=<branch>,
## SIGNOFF="Name <addr>" or SIGNOFF=none (make send-dry; default: git config
## user.name and user.email).  README.md says more.
