// SPDX-License-Identifier: MIT
#include "../xe_vm.h"
