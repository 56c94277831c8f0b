// SPDX-License-Identifier: MIT
#include <drm/drm_gpuvm.h>

int xe_vm;
