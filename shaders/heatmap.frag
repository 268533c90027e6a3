#version 330 core
// Weights through the colormap; masked cells in the theme's neutral grey; leaking texels in the
// leak colour when the cells are too small for the outline-and-cross marks drawn on top.
uniform sampler2D u_cells;     // RG32F: R = weight / max (or -1: nothing allowed), G = 1 on a leak
uniform sampler2D u_colormap;  // 256 x 1 RGB8, the colour table of core/colormap
uniform vec3 u_masked;
uniform vec3 u_leak;
uniform float u_reveal;        // 0..1: allowed cells fade in from masked grey (the mask step)
uniform int u_leak_fill;
in vec2 v_uv;
out vec4 frag_color;

void main() {
  vec2 cell = texture(u_cells, v_uv).rg;
  if (cell.r < 0.0) {
    frag_color = vec4(u_masked, 1.0);
    return;
  }
  // texelFetch keeps the exact table entry (no filtering between neighbouring colours).
  int index = int(clamp(cell.r, 0.0, 1.0) * 255.0 + 0.5);
  vec3 color = texelFetch(u_colormap, ivec2(index, 0), 0).rgb;
  color = mix(u_masked, color, u_reveal);
  if (u_leak_fill != 0 && cell.g > 0.5) color = u_leak;
  frag_color = vec4(color, 1.0);
}
