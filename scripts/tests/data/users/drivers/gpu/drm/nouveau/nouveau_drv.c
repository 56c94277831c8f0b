// SPDX-License-Identifier: MIT
#include <nvkm/subdev/mmu.h>
