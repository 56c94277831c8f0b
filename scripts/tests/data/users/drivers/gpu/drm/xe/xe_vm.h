/* SPDX-License-Identifier: MIT */
#include <linux/types.h>
#include <drm/drm_gpuvm.h>
