/* SPDX-License-Identifier: MIT */
#include "xe_vm_types.h"
