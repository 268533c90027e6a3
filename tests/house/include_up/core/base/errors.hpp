#pragma once
// Breaks the house on purpose: base/ is the lowest rank and may not include scene/.
#include "core/scene/scene.hpp"
