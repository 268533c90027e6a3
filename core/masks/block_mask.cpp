#include "core/masks/block_mask.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

const MaskTensor& required(const MaskTensor& dict, const std::string& name) {
  const MaskTensor* entry = dict.entry(name);
  if (!entry)
    throw InputError(fmt::format("file: {} is a dict without '{}'; a FlexAttention block mask needs "
                                 "kv_num_blocks, kv_indices and BLOCK_SIZE (save "
                                 "{{'kv_num_blocks': bm.kv_num_blocks, ...}})",
                                 dict.source, name));
  return *entry;
}

// Reads num_blocks (B, H, QB) and indices (B, H, QB, KB) into [slice][q block] -> key blocks.
std::vector<std::vector<std::vector<int>>> block_lists(const MaskTensor& dict, const MaskTensor& num,
                                                       const MaskTensor& indices, BlockMask& mask,
                                                       const std::string& name) {
  if (num.shape.size() != 3 || indices.shape.size() != 4 || indices.shape[0] != num.shape[0] ||
      indices.shape[1] != num.shape[1] || indices.shape[2] != num.shape[2])
    throw InputError(fmt::format("file: {}: {}num_blocks has shape ({}) and {}indices ({}); "
                                 "expected (B, H, Q_BLOCKS) and (B, H, Q_BLOCKS, KV_BLOCKS)",
                                 dict.source, name, fmt::join(num.shape, ", "), name,
                                 fmt::join(indices.shape, ", ")));
  const int b = static_cast<int>(num.shape[0]), h = static_cast<int>(num.shape[1]);
  const int qb = static_cast<int>(num.shape[2]), kb = static_cast<int>(indices.shape[3]);
  if (mask.q_blocks == 0) {
    mask.shape.batch = b;
    mask.shape.heads = h;
    mask.q_blocks = qb;
    mask.kv_blocks = kb;
  } else if (b != mask.shape.batch || h != mask.shape.heads || qb != mask.q_blocks) {
    throw InputError("file: " + dict.source + ": the full_ and partial block tensors disagree in shape");
  }
  std::vector<std::vector<std::vector<int>>> lists(b * h, std::vector<std::vector<int>>(qb));
  for (int s = 0; s < b * h; ++s)
    for (int q = 0; q < qb; ++q) {
      const int count = static_cast<int>(num.values[static_cast<size_t>(s) * qb + q]);
      if (count < 0 || count > kb)
        throw InputError(fmt::format("file: {}: {}num_blocks says {} blocks for query block {} "
                                     "but there are {} key blocks",
                                     dict.source, name, count, q, kb));
      for (int i = 0; i < count; ++i) {
        const int block = static_cast<int>(indices.values[(static_cast<size_t>(s) * qb + q) * kb + i]);
        if (block < 0 || block >= kb)
          throw InputError(fmt::format("file: {}: {}indices names key block {} outside 0..{}",
                                       dict.source, name, block, kb - 1));
        lists[s][q].push_back(block);
      }
    }
  return lists;
}

}  // namespace

BlockMask block_mask_from(const MaskTensor& dict) {
  BlockMask mask;
  const MaskTensor& size = required(dict, "BLOCK_SIZE");
  if (size.values.empty() || size.values.size() > 2)
    throw InputError("file: " + dict.source + ": BLOCK_SIZE must be an int or a (q, kv) pair");
  mask.block_q = static_cast<int>(size.values.front());
  mask.block_kv = static_cast<int>(size.values.back());
  if (mask.block_q <= 0 || mask.block_kv <= 0)
    throw InputError("file: " + dict.source + ": BLOCK_SIZE must be positive");
  mask.partial = block_lists(dict, required(dict, "kv_num_blocks"), required(dict, "kv_indices"), mask, "kv_");
  const MaskTensor* full_num = dict.entry("full_kv_num_blocks");
  const MaskTensor* full_indices = dict.entry("full_kv_indices");
  if (full_num && full_indices) mask.full = block_lists(dict, *full_num, *full_indices, mask, "full_kv_");
  else mask.full.assign(mask.partial.size(), std::vector<std::vector<int>>(mask.q_blocks));
  mask.shape.dims = 4;
  mask.shape.queries = mask.q_blocks * mask.block_q;
  mask.shape.keys = mask.kv_blocks * mask.block_kv;
  if (const MaskTensor* lengths = dict.entry("seq_lengths"); lengths && lengths->values.size() == 2) {
    mask.shape.queries = static_cast<int>(lengths->values[0]);
    mask.shape.keys = static_cast<int>(lengths->values[1]);
  }
  if (mask.shape.queries > mask.shape.keys)
    throw InputError("file: " + dict.source + ": more query positions than keys");
  return mask;
}

std::vector<RowRuns> block_mask_cells(const BlockMask& mask, const Policy& policy, MaskAlign align) {
  const int nq = mask.shape.queries, nk = mask.shape.keys;
  const int first = mask_first_query(mask.shape, align);
  std::vector<RowRuns> cells;
  for (size_t s = 0; s < mask.partial.size(); ++s) {
    RowRuns runs(nq, nk);
    for (int q = 0; q < nq; ++q) {
      const int qb = q / mask.block_q;
      std::vector<int32_t> columns;
      const auto add_block = [&](int kb, bool whole) {
        const int begin = kb * mask.block_kv, end = std::min(nk, begin + mask.block_kv);
        for (int k = begin; k < end; ++k)
          if (whole || policy_allows(policy, q + first, k)) columns.push_back(k);
      };
      for (int kb : mask.full[s][qb]) add_block(kb, true);
      for (int kb : mask.partial[s][qb]) {
        // A partial block with no cell the policy allows is drawn whole: its mask_mod cannot
        // make it legal.
        bool any_allowed = false;
        for (int qq = qb * mask.block_q; qq < std::min(nq, (qb + 1) * mask.block_q) && !any_allowed; ++qq)
          for (int k = kb * mask.block_kv; k < std::min(nk, (kb + 1) * mask.block_kv); ++k)
            if (policy_allows(policy, qq + first, k)) {
              any_allowed = true;
              break;
            }
        add_block(kb, !any_allowed);
      }
      std::sort(columns.begin(), columns.end());
      columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
      runs.append_row_from_columns(std::move(columns));
    }
    cells.push_back(std::move(runs));
  }
  return cells;
}

std::vector<MaskFinding> block_mask_findings(const BlockMask& mask, const Policy& policy,
                                             MaskAlign align) {
  const std::vector<RowRuns> cells = block_mask_cells(mask, policy, align);
  const int first = mask_first_query(mask.shape, align);
  std::vector<MaskFinding> findings;
  for (size_t s = 0; s < cells.size(); ++s) {
    std::vector<std::string> blocks;
    std::vector<std::pair<int, int>> block_cells;
    for (int qb = 0; qb < mask.q_blocks; ++qb) {
      std::vector<int> listed = mask.full[s][qb];
      listed.insert(listed.end(), mask.partial[s][qb].begin(), mask.partial[s][qb].end());
      std::sort(listed.begin(), listed.end());
      for (int kb : listed) {
        bool leaks = false;
        for (int q = qb * mask.block_q; q < std::min(mask.shape.queries, (qb + 1) * mask.block_q) && !leaks; ++q)
          for (int k = kb * mask.block_kv; k < std::min(mask.shape.keys, (kb + 1) * mask.block_kv); ++k)
            if (cells[s].contains(q, k) && !policy_allows(policy, q + first, k)) {
              leaks = true;
              break;
            }
        if (!leaks) continue;
        const bool full = std::count(mask.full[s][qb].begin(), mask.full[s][qb].end(), kb) > 0;
        blocks.push_back(fmt::format("(q block {}, kv block {}{})", qb, kb, full ? ", full" : ""));
        block_cells.emplace_back(qb, kb);
      }
    }
    if (blocks.empty()) continue;
    findings.push_back(
        {"future-blocks", static_cast<int>(s), true,
         fmt::format("batch {} head {}: {} block{} hold{} keys the {} policy forbids: {}",
                     mask.shape.slice_batch(static_cast<int>(s)), mask.shape.slice_head(static_cast<int>(s)),
                     blocks.size(), blocks.size() == 1 ? "" : "s", blocks.size() == 1 ? "s" : "",
                     policy_name(policy), fmt::join(blocks, " ")),
         block_cells});
  }
  return findings;
}

std::string block_mask_reason(const BlockMask& mask) {
  return fmt::format("FlexAttention block mask with blocks of {}x{} ({} query blocks x {} key "
                     "blocks): judged block by block; partial blocks are drawn as the policy allows "
                     "inside them (their mask_mod decides there)",
                     mask.block_q, mask.block_kv, mask.q_blocks, mask.kv_blocks);
}

}  // namespace attnscope
