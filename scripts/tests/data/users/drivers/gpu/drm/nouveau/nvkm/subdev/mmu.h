/* SPDX-License-Identifier: MIT */
#include <nvif/object.h>
