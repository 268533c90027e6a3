#pragma once
// What attention costs: allowed cells and attention FLOPs per head, for a scene's variant and for
// every other variant at the same N, G, H, D, against the two baselines of
// core/cells/cell_counts.hpp (dense and full).
// Attention FLOPs per head are 4·D per allowed cell: q·k (2·D) and weight·v (2·D).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cells/cell_counts.hpp"

namespace attnscope {

struct Scene;
struct Qkv;

double cost_attention_flops(double cells, int d);
// 12345678 -> "12.3 M"; numbers below 10⁴ stay whole, grouped as every count is ("1,280").
std::string cost_number_text(double x);

// The allowed cells of one head written as a formula of the scene's numbers, when the variant has
// a closed form (full, short, s2, s2-fix-mask, s2-fix-split, window, streaming, block local).
struct CostFormula {
  int64_t cells = 0;
  std::string text;  // e.g. "N(G+1)/2 = 16·5/2 = 40"
};
std::optional<CostFormula> cost_formula(const Scene& scene, int head);

struct CostRow {
  std::string variant;
  std::vector<int64_t> cells;  // per head, counted from the variant's masks
  double cells_per_head = 0;   // mean over heads
  double flops_per_head = 0;   // attention FLOPs, mean over heads
  double vs_full = 0, vs_dense = 0;
  std::string formula;  // the closed form with numbers (heads that differ joined by " | "), or "counted"
  std::string error;    // why the variant cannot run at this scene; the numbers are then empty
};

struct CostTable {
  int n = 0, heads = 0, d = 0;
  int64_t dense_cells = 0, full_cells = 0;
  std::vector<CostRow> rows;  // the scene's variant first, then every other variant in list order
};

// The scene's variant, then the named variants (empty: every variant) at the scene's N, G, H, D,
// shift and policy with their own defaults (the scene's variant keeps its parameters).
// Data-dependent variants read the scene's q and k.
CostTable cost_table(const Scene& scene, const Qkv& qkv, const std::vector<std::string>& only = {});

// One transformer layer at sequence length N, to show what S2-Attn does not save: the q, k, v and
// output projections (4 matrices of d_model²) and a gated MLP (3 matrices of d_model × d_ff), as
// in LLaMA. Multiply-adds count 2 FLOPs.
struct LayerCost {
  double projections = 0;     // 8·N·d_model²
  double mlp = 0;             // 6·N·d_model·d_ff
  double attention_full = 0;  // H · 4·D · N(N+1)/2
  double attention = 0;       // H · 4·D · cells_per_head
  double total_full() const { return projections + mlp + attention_full; }
  double total() const { return projections + mlp + attention; }
};
LayerCost cost_layer(int n, int d_model, int d_ff, int heads, double cells_per_head);

// LLaMA-2 7B, the model of LongLoRA's tables.
constexpr int kLlamaModel = 4096, kLlamaFf = 11008, kLlamaHeads = 32;

}  // namespace attnscope
