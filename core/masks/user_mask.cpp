#include "core/masks/user_mask.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

#include "core/base/input_error.hpp"
#include "core/masks/mask_file.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

Policy policy_for(const UserMaskOptions& options, int keys) {
  const Policy base = policy_parse(options.policy, keys);
  return options.cu_seqlens.empty() ? base : policy_with_cu_seqlens(base, options.cu_seqlens, keys);
}

UserMask index_list_mask(const MaskFile& file, const UserMaskOptions& options) {
  const IndexListOptions& indices = *options.indices;
  UserMask mask;
  mask.path = file.path;
  mask.file_shape = file.shape;
  mask.dtype_name = file.dtype_name;
  mask.shape = index_list_shape(file, indices);
  mask.policy = policy_for(options, mask.shape.keys);
  mask.indices = indices.unit;
  IndexList list = index_list_read(file, mask.shape, indices, mask.policy,
                                   mask_first_query(mask.shape, options.align));
  mask.reason = std::move(list.reason);
  mask.lint = mask_lint(list.cells, mask.shape, mask.policy, options.align,
                        "the kernel reads no key for it: its output is 0 or NaN, depending on the kernel",
                        options.min_coverage);
  for (MaskFinding& f : list.findings) mask.lint.findings.push_back(std::move(f));
  mask.cells = std::move(list.cells);
  return mask;
}

}  // namespace

UserMask user_mask_read(const std::string& path, const UserMaskOptions& options) {
  UserMask mask;
  mask.path = path;
  const MaskFile file = mask_file_open(path);
  if (options.indices) return index_list_mask(file, options);
  if (file.tensor && file.tensor->is_dict()) {
    BlockMask blocks = block_mask_from(*file.tensor);
    mask.shape = blocks.shape;
    mask.file_shape = {blocks.shape.batch, blocks.shape.heads, blocks.shape.queries, blocks.shape.keys};
    mask.policy = policy_for(options, mask.shape.keys);
    mask.reason = block_mask_reason(blocks);
    mask.cells = block_mask_cells(blocks, mask.policy, options.align);
    mask.lint = mask_lint(mask.cells, mask.shape, mask.policy, options.align, "softmax gives NaN there",
                          options.min_coverage);
    for (MaskFinding& f : block_mask_findings(blocks, mask.policy, options.align))
      mask.lint.findings.push_back(std::move(f));
    mask.blocks = std::move(blocks);
    return mask;
  }
  const MaskScan scan = mask_scan(file);
  mask.file_shape = file.shape;
  mask.dtype_name = file.dtype_name;
  mask.shape = scan.shape;
  mask.policy = policy_for(options, mask.shape.keys);
  MaskReading reading = mask_reading(scan, options.kind);
  mask.kind = reading.kind;
  mask.reason = reading.reason;
  mask.lint = mask_lint(reading.cells, mask.shape, mask.policy, options.align,
                        mask_empty_row_effect(scan, reading.kind), options.min_coverage);
  for (MaskFinding& f : mask_value_findings(scan, reading.kind)) mask.lint.findings.push_back(std::move(f));
  mask.hints = mask_hints(scan, reading, mask.policy, options.align, options.min_coverage);
  mask.cells = std::move(reading.cells);
  return mask;
}

std::shared_ptr<const UserMask> user_mask_cached(const std::string& path,
                                                 const UserMaskOptions& options) {
  using Key = std::tuple<std::string, int, std::string, std::vector<int64_t>, int, double,
                         std::optional<IndexListOptions>>;
  struct Entry {
    std::filesystem::file_time_type modified;
    std::shared_ptr<const UserMask> mask;
  };
  static std::mutex mutex;
  static std::map<Key, Entry> cache;
  std::error_code error;
  const auto modified = std::filesystem::last_write_time(path, error);
  if (error) throw InputError("mask-file: cannot open '" + path + "'; check the path");
  const Key key{path, static_cast<int>(options.kind), options.policy, options.cu_seqlens,
                static_cast<int>(options.align), options.min_coverage, options.indices};
  {
    std::lock_guard lock(mutex);
    const auto found = cache.find(key);
    if (found != cache.end() && found->second.modified == modified) return found->second.mask;
  }
  auto mask = std::make_shared<const UserMask>(user_mask_read(path, options));
  std::lock_guard lock(mutex);
  cache[key] = {modified, mask};
  return mask;
}

RowRuns user_mask_square(const UserMask& mask, int slice) {
  const int n = mask.shape.keys, first = mask.lint.first_query;
  const RowRuns& cells = mask.cells[slice];
  RowRuns square(n, n);
  for (int p = 0; p < n; ++p) {
    const int row = p - first;
    if (row < 0 || row >= mask.shape.queries) {
      square.append_row({});
      continue;
    }
    const RowSpan runs = cells.row(row);  // one span: a row made by rule is made per call
    square.append_row(std::vector<Run>(runs.begin(), runs.end()));
  }
  return square;
}

std::shared_ptr<const UserMask> user_mask_of_scene(const Scene& scene) {
  const std::string path = scene_param_text(scene, "mask-file");
  if (path.empty()) throw SceneError("mask-file: the file variant needs --mask-file FILE");
  UserMaskOptions options;
  options.kind = mask_kind_parse(scene_param_text(scene, "mask-kind"));
  options.align = mask_align_parse(scene_param_text(scene, "mask-align"));
  options.policy = scene.policy;
  return user_mask_cached(path, options);
}

Scene scene_for_mask_file(Scene scene, const std::string& path) {
  scene.variant = "file";
  const Variant& file = *variant_find("file");
  std::erase_if(scene.params, [&](const auto& param) { return !variant_own_param(file, param.first); });
  scene.params["mask-file"] = path;
  scene.title = "your mask: " + std::filesystem::path(path).filename().string();
  scene.caption.clear();
  scene.captions.clear();
  const auto mask = user_mask_of_scene(scene);
  scene.n = mask->shape.keys;
  scene.heads = mask->shape.heads;
  return scene;
}

}  // namespace attnscope
