#include "core/figure/model.hpp"

namespace attnscope::figure {

namespace {

struct Scaler {
  double s, dx;
  void box(Box& b) const { b = {b.x * s + dx, b.y * s, b.w * s, b.h * s}; }
  void operator()(FillBoxes& f) const { for (Box& b : f.boxes) box(b); }
  void operator()(StrokeBoxes& f) const {
    f.width *= s;
    for (Box& b : f.boxes) box(b);
  }
  void operator()(StrokeSegments& f) const {
    f.width *= s;
    for (Segment& g : f.segments) g = {g.x0 * s + dx, g.y0 * s, g.x1 * s + dx, g.y1 * s};
  }
  void operator()(Text& t) const {
    t.x = t.x * s + dx, t.y *= s, t.size *= s;
  }
  void operator()(Raster& r) const { box(r.box); }
};

}  // namespace

void figure_fit(Figure& figure, double height) {
  if (figure.height > height) {
    const double s = height / figure.height;
    const Scaler scaler{s, figure.width * (1 - s) / 2};
    for (Item& item : figure.items) std::visit(scaler, item);
    for (MatrixPlacement& m : figure.matrices) scaler.box(m.box);
  }
  figure.height = height;
}

}  // namespace attnscope::figure
