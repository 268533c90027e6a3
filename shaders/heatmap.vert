#version 330 core
// One quad per heatmap, generated from gl_VertexID (no vertex buffer).
uniform vec4 u_rect;     // x0, y0, x1, y1 in window pixels, y down (ImGui's coordinates)
uniform vec4 u_uv;       // u0, v0, u1, v1: the visible part of the texture
uniform vec2 u_display;  // window size in pixels
out vec2 v_uv;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 pixel = mix(u_rect.xy, u_rect.zw, corner);
  // Texture row 0 holds query 0 and is sampled at v = 0, which this maps to the rectangle's top
  // edge (corner.y = 0, smallest pixel y). This is the one place the image is flipped: naive GL
  // would put row 0 at the bottom.
  v_uv = mix(u_uv.xy, u_uv.zw, corner);
  gl_Position = vec4(pixel.x / u_display.x * 2.0 - 1.0, 1.0 - pixel.y / u_display.y * 2.0, 0.0, 1.0);
}
