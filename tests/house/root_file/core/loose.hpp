#pragma once
// Breaks the house on purpose: no core file lives in core/'s root.
