// SPDX-License-Identifier: MIT
#include <nvif/vmm.h>
