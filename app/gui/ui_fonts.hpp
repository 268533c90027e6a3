#pragma once
// The embedded DejaVu fonts at the sizes the GUI uses, loaded into ImGui's atlas once at start-up
// (the default bitmap font blurs when scaled, and a system font would make screenshots differ).
#include <imgui.h>

#include "core/presentation/colormap.hpp"

namespace attnscope {

struct UiFonts {
  ImFont* body = nullptr;
  ImFont* mono = nullptr;
  ImFont* caption = nullptr;
  ImFont* body_large = nullptr;  // classroom mode
  ImFont* mono_large = nullptr;
  ImFont* caption_large = nullptr;
};

// Adds the fonts to io.Fonts and builds the atlas (RGBA32, as the OpenGL backend uploads it).
UiFonts ui_fonts_load(ImGuiIO& io);

// Light or dark for the desk, high contrast for a projector (classroom mode).
void ui_style_apply(ThemeName theme);

}  // namespace attnscope
