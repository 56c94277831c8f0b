/* SPDX-License-Identifier: MIT */
#include <drm/drm_debugfs.h>
