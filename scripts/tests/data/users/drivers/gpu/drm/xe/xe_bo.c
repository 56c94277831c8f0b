// SPDX-License-Identifier: MIT
#include "xe_bo.h"
