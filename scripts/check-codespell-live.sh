#!/usr/bin/env bash
# checkpatch.sh really runs codespell: a patch with a known misspelling
# must be rejected (the pyenv python3 turns codespell off silently).
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
word=recieve
cat >"$tmp/0001-typo.patch" <<EOP
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <test@example.org>
Date: Sat, 1 Jan 2000 00:00:00 +0000
Subject: [PATCH] drm/gpuvm: fix a comment

Fix a comment.

Signed-off-by: Test <test@example.org>
---
 drivers/gpu/drm/drm_gpuvm.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/drivers/gpu/drm/drm_gpuvm.c b/drivers/gpu/drm/drm_gpuvm.c
--- a/drivers/gpu/drm/drm_gpuvm.c
+++ b/drivers/gpu/drm/drm_gpuvm.c
@@ -1,2 +1,3 @@
 // SPDX-License-Identifier: GPL-2.0-only OR MIT
+/* We $word it here. */
 /*
EOP
out=$("$TOP/scripts/checkpatch.sh" "$tmp/0001-typo.patch" 2>&1) &&
	die "checkpatch.sh accepted '$word': codespell is not running"
grep -q "TYPO_SPELLING" <<<"$out" || die "checkpatch.sh rejected the patch, but not for '$word': $out"
echo "codespell is live: '$word' is reported as TYPO_SPELLING"
