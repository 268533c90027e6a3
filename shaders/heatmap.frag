#version 330 core
// What the heatmap draws (core's CellsDrawn): the pattern to come (outlined cells), raw or masked
// scores through a diverging colour table, weights through the colormap, or, where the step's values
// are not computed, the allowed cells in the theme's neutral allowed grey. Masked cells in the theme's
// masked grey; leaking texels in the leak colour when the cells are too small for the
// outline-and-cross marks drawn on top.
uniform sampler2D u_cells;     // RG32F: R = value (see app/gui/heatmap_image.hpp), G = 1 on a leak
uniform sampler2D u_colormap;  // 256 x 1 RGB8, the colour table of core/colormap
uniform sampler2D u_diverging; // 256 x 1 RGB8, core/colormap's diverging table
uniform int u_mode;            // CellsDrawn: 0 pattern, 1 scores, 2 weights, 3 allowed
uniform vec3 u_masked;
uniform vec3 u_leak;
uniform vec3 u_pattern;        // outline of a cell still to be computed
uniform vec3 u_background;
uniform vec3 u_allowed;
uniform int u_leak_fill;
in vec2 v_uv;
out vec4 frag_color;

vec3 table(sampler2D t, float x) {
  // texelFetch keeps the exact table entry (no filtering between neighbouring colours).
  return texelFetch(t, ivec2(int(clamp(x, 0.0, 1.0) * 255.0 + 0.5), 0), 0).rgb;
}

void main() {
  vec2 cell = texture(u_cells, v_uv).rg;
  bool scores = u_mode == 1;
  if (cell.r < (scores ? -1.5 : 0.0)) {
    frag_color = vec4(u_masked, 1.0);
    return;
  }
  vec3 color;
  if (u_mode == 0) {
    // An outline one to two pixels wide inside each cell, or a plain tint when cells are tiny.
    vec2 texel = v_uv * vec2(textureSize(u_cells, 0));
    vec2 per_pixel = fwidth(texel);
    vec2 f = fract(texel);
    vec2 edge = 1.5 * per_pixel;
    bool tiny = max(per_pixel.x, per_pixel.y) > 0.2;
    bool outline = any(lessThan(f, edge)) || any(greaterThan(f, 1.0 - edge));
    color = tiny ? mix(u_background, u_pattern, 0.35) : (outline ? u_pattern : u_background);
  } else if (scores) {
    color = table(u_diverging, cell.r * 0.5 + 0.5);
  } else if (u_mode == 3) {
    color = u_allowed;
  } else {
    color = table(u_colormap, cell.r);
  }
  if (u_leak_fill != 0 && cell.g > 0.5) color = u_leak;
  frag_color = vec4(color, 1.0);
}
