#include "app/gui/ui_fonts.hpp"

#include <string_view>

#include "app/gui/embedded.hpp"

namespace attnscope {

namespace {

// Latin, Greek, and the punctuation, arrows and maths the step explanations use (→, ×, √, ≤, ᵀ),
// and the marks token text uses for spaces and line breaks (␣, ↵).
const ImWchar kGlyphRanges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x1D00, 0x1DBF, 0x2000, 0x206F, 0x2070, 0x209F,
                                0x2190, 0x21FF, 0x2200, 0x22FF, 0x2400, 0x243F, 0x2500, 0x25FF, 0};

ImFont* add(ImGuiIO& io, std::string_view ttf, float pixels) {
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // the bytes are static; the atlas must not free them
  config.OversampleH = 2;
  config.OversampleV = 1;
  // ImGui's API takes a mutable pointer but only reads the data.
  return io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(ttf.data()), static_cast<int>(ttf.size()),
                                        pixels, &config, kGlyphRanges);
}

}  // namespace

UiFonts ui_fonts_load(ImGuiIO& io) {
  UiFonts fonts;
  // Classroom sizes: 28 px is 21 pt at 96 dpi, readable from the back of a room on a 1080p projector.
  fonts.body = add(io, embedded::kFontSans, 17.f);
  fonts.mono = add(io, embedded::kFontMono, 15.f);
  fonts.caption = add(io, embedded::kFontSans, 21.f);
  fonts.body_large = add(io, embedded::kFontSans, 28.f);
  fonts.mono_large = add(io, embedded::kFontMono, 25.f);
  fonts.caption_large = add(io, embedded::kFontSans, 38.f);
  io.FontDefault = fonts.body;
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  return fonts;
}

void ui_style_apply(ThemeName theme) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  if (theme == ThemeName::Dark) {
    ImGui::StyleColorsDark(&style);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1);
    style.Colors[ImGuiCol_ChildBg] = ImVec4(0.12f, 0.13f, 0.16f, 1);
    style.FrameRounding = 3.f;
  } else if (theme == ThemeName::HighContrast || theme == ThemeName::Bright) {
    // Classroom mode: the theme's background and text at full contrast, framed buttons and
    // everything 1.6 times larger; the rest differs only in light or dark greys.
    const bool dark = theme == ThemeName::HighContrast;
    dark ? ImGui::StyleColorsDark(&style) : ImGui::StyleColorsLight(&style);
    const Theme& colours = theme_get(theme);
    auto rgb = [](Rgb8 c) { return ImVec4(c.r / 255.f, c.g / 255.f, c.b / 255.f, 1); };
    auto grey = [dark](float level) { return dark ? ImVec4(level, level, level, 1) : ImVec4(1 - level, 1 - level, 1 - level, 1); };
    style.Colors[ImGuiCol_WindowBg] = style.Colors[ImGuiCol_ChildBg] = rgb(colours.background);
    style.Colors[ImGuiCol_Text] = rgb(colours.text);
    if (!dark) style.Colors[ImGuiCol_TextDisabled] = grey(0.75f);
    style.Colors[ImGuiCol_Border] = grey(dark ? 0.6f : 0.8f);
    if (!dark) style.Colors[ImGuiCol_FrameBg] = grey(0.1f);
    style.Colors[ImGuiCol_Button] = grey(dark ? 0.16f : 0.14f);
    style.Colors[ImGuiCol_ButtonHovered] = grey(dark ? 0.3f : 0.25f);
    style.Colors[ImGuiCol_ButtonActive] = ImVec4(0.95f, 0.8f, 0.1f, 1);
    style.Colors[ImGuiCol_MenuBarBg] = grey(0.08f);
    style.FrameBorderSize = 1.f;
    style.ScaleAllSizes(1.6f);
  } else {
    ImGui::StyleColorsLight(&style);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.97f, 1);
    style.Colors[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
    // Fields must stand out from the white panels they sit on.
    style.Colors[ImGuiCol_FrameBg] = ImVec4(0.88f, 0.89f, 0.91f, 1);
    style.Colors[ImGuiCol_FrameBgHovered] = ImVec4(0.80f, 0.84f, 0.92f, 1);
    style.Colors[ImGuiCol_SliderGrab] = ImVec4(0.26f, 0.46f, 0.80f, 1);
    style.FrameRounding = 3.f;
  }
  style.WindowRounding = 0.f;
  style.ChildRounding = 3.f;
  style.WindowBorderSize = 0.f;
}

}  // namespace attnscope
