#pragma once
// A user's mask file read end to end: the file opened (streamed when it is .npy), its values
// read as cells (or, for a sparse kernel's index list, its entries read as the mask they imply),
// the policy it is judged against, and the lint of it. Shared by `lint` and by the GUI and
// figures opening a mask file.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/masks/block_mask.hpp"
#include "core/masks/index_list.hpp"
#include "core/masks/mask_lint.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

struct UserMaskOptions {
  MaskKind kind = MaskKind::Auto;
  std::string policy = "causal";
  std::vector<int64_t> cu_seqlens;  // packed sequences; empty for none
  MaskAlign align = MaskAlign::BottomRight;
  double min_coverage = 0;  // under-coverage fails below this share of the policy's cells
  std::optional<IndexListOptions> indices;  // read the file as an index list
};

struct UserMask {
  std::string path;
  std::vector<long> file_shape;
  std::string dtype_name;       // empty for block masks
  MaskShape shape;
  MaskKind kind = MaskKind::Auto;  // the reading used (Auto for block masks)
  std::string reason;           // the first line of the report: which reading and why
  Policy policy;
  std::vector<RowRuns> cells;   // per slice, queries x keys
  std::optional<BlockMask> blocks;
  std::optional<IndexUnit> indices;  // the unit of an index list
  MaskLint lint;                // findings, block findings included
  std::vector<MaskHint> hints;
};

// Throws InputError for unreadable files, bad shapes, bad values and bad options.
UserMask user_mask_read(const std::string& path, const UserMaskOptions& options);

// The same, remembered by path, options and modification time: the GUI and figures read a file
// once however many analyses draw it. Thread-safe.
std::shared_ptr<const UserMask> user_mask_cached(const std::string& path, const UserMaskOptions& options);

// The mask a scene names: its mask-file read with its mask-kind, mask-align and policy, cached.
// Throws SceneError naming mask-file when the scene names no file.
std::shared_ptr<const UserMask> user_mask_of_scene(const Scene& scene);

// `scene` drawing the mask file at `path` with the file variant (`--mask-file`, File > Open):
// titled by the file, with the file's keys and heads; parameters the file variant does not take
// are dropped. Throws InputError for a file that cannot be read as a mask.
Scene scene_for_mask_file(Scene scene, const std::string& path);

// The slice's cells as an Nk x Nk mask in positions (rows before the first query are empty),
// for drawing the mask with the variants.
RowRuns user_mask_square(const UserMask& mask, int slice);

}  // namespace attnscope
