# drm_gpuvm patch series: the front door.  See README.md.
#
#   make            get the base tree, apply the series, build, run KUnit, summary
#   make check      every check of the repository; last line "N passed, N failed"
#   make export     regenerate patches/, series, tests/ from the work branch
#   make work       create the work branch (the series as commits) to edit
#   make bisect     every prefix of the series: apply, W=1 build, KUnit
#   make send-dry   write the mails with b4 into $(CACHE)/mails; nothing is sent
#   make coverage   gcov of drm_gpuvm.c under the drm_gpuvm suite (lcov + HTML)
#   make kmemleak-control  undo patch 2 for one build and show that the kmemleak/failslab boots catch its leak
#   make ci-drm     drm-ci's KUnit jobs: x86_64, arm64, arm with LLVM under QEMU (TCG)
#   make users      compile every xe/nouveau/panthor/msm/imagination object using drm_gpuvm.h
#   make bench      micro-benchmarks: base kernel against the series, table, CSV and plot
#   make bench-pipeline  the pipeline's cold, warm and no-change times against kunit.py's cold run
#   make base       only fetch and unpack the base tree
#   make apply      only apply the series (branch "applied")
#   make summary    print the summary of the last KUnit run again
#   make clean      drop the build directories; distclean drops the whole cache
#
# Variables: KDIR=/path/to/kernel.git, BASE=<rev>, CACHE=<dir>, WORK=<branch>.

SHELL := /bin/bash
S := scripts
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/drm-gpuvm-series
WORK ?= work
export KDIR BASE CACHE

.PHONY: all run check export work base apply summary deps clean distclean help bisect send-dry coverage kmemleak-control ci-drm users bench bench-pipeline

all: run

run: deps
	@$(S)/run.sh

check:
	@$(S)/deps.sh check
	@$(S)/check.sh

deps:
	@$(S)/deps.sh

base: deps
	@$(S)/prepare-tree.sh >/dev/null

apply: base
	@$(S)/apply.sh "$$($(S)/prepare-tree.sh)"

export:
	@$(S)/export.sh $(WORK) .

work: deps
	@$(S)/make-work.sh $(WORK)

coverage:
	@$(S)/deps.sh coverage
	@$(S)/coverage.sh

kmemleak-control:
	@$(S)/deps.sh
	@$(S)/kmemleak-control.sh

ci-drm:
	@$(S)/deps.sh ci-drm
	@$(S)/ci-drm.sh

users:
	@$(S)/deps.sh ci-drm
	@$(S)/users.sh

bench:
	@$(S)/deps.sh bench
	@$(S)/bench.sh

bench-pipeline: deps
	@$(S)/bench-pipeline.sh

bisect: deps
	@$(S)/bisect.sh

send-dry: apply
	@$(S)/send-dry.sh $(CACHE)/mails

summary:
	@$(S)/summary.py $(CACHE)/results/kunit.json $(CACHE)/results/test.log --require-gpuvm --known kunit/upstream-splats

clean:
	rm -rf $(CACHE)/build $(CACHE)/results

distclean:
	rm -rf $(CACHE)

help:
	@sed -n '2,21s/^# \{0,1\}//p' Makefile
