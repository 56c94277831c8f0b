// SPDX-License-Identifier: MIT
/* A driver of the fixture that does not use drm_gpuvm. */
int imagination_fixture;
