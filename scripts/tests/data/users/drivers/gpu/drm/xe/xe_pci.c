// SPDX-License-Identifier: MIT
#include "xe_pci.h"
/* #include <drm/drm_gpuvm.h> */
