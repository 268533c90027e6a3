#include "core/torch/audit_run.hpp"

#include <fmt/format.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/csrc/jit/python/update_graph_executor_opt.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <new>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"
#include "core/torch/audit_module.hpp"

namespace attnscope {

namespace {

// The module's own words: TorchScript wraps them in a traceback whose last line is
// "builtins.RuntimeError: <message>".
std::string module_message(const std::string& what) {
  std::istringstream lines(what);
  std::string line, last;
  while (std::getline(lines, line))
    if (line.find_first_not_of(" \t") != std::string::npos) last = line;
  const std::string prefix = "builtins.";
  if (last.rfind(prefix, 0) == 0) last = last.substr(prefix.size());
  return printable_line(last);
}

std::string shape_text(at::IntArrayRef sizes) { return fmt::format("({})", fmt::join(sizes, ", ")); }

AuditLayout layout_resolve(const torch::jit::Method& forward, const AuditOptions& options) {
  const auto& arguments = forward.function().getSchema().arguments();
  const size_t count = arguments.empty() ? 0 : arguments.size() - 1;  // the first is self
  AuditLayout layout{options.inputs, {}, options.batch, options.n, options.heads, options.d};
  if (layout.kind.empty()) {
    const std::string name = count == 1 ? arguments[1].name() : "";
    layout.kind = count == 3 ? "q,k,v"
                  : (name == "x" || name == "hidden_states" || name == "hidden") ? "x"
                                                                                 : "qkv";
  }
  const int64_t B = options.batch, N = options.n, H = options.heads, D = options.d;
  if (layout.kind == "qkv") layout.shapes = {{B, N, 3, H, D}};
  else if (layout.kind == "q,k,v") layout.shapes = {{B, N, H, D}, {B, N, H, D}, {B, N, H, D}};
  else if (layout.kind == "x") layout.shapes = {{B, N, H * D}};
  else
    throw InputError("inputs: '" + layout.kind + "' is not an input layout; use qkv, q,k,v or x");
  if (count != layout.shapes.size())
    throw InputError(fmt::format("{}: forward takes {} argument{}, but --inputs {} passes {}; "
                                 "give --inputs qkv, q,k,v or x to match it",
                                 options.file, count, count == 1 ? "" : "s", layout.kind,
                                 layout.shapes.size()));
  return layout;
}

std::vector<at::Tensor> inputs_draw(const AuditLayout& layout, at::Generator& generator) {
  std::vector<at::Tensor> inputs;
  for (const auto& shape : layout.shapes) inputs.push_back(at::randn(shape, generator));
  return inputs;
}

// One map per output head (one without a head axis): cell q·N + k set when output token q
// depends on input token k of the same batch row.
struct DependencyMaps {
  std::vector<std::vector<uint8_t>> same_batch;
  std::vector<CrossBatchCell> cross_batch;
};

// reads_batch < 0: token k was moved in every batch row, whose rows are known not to read each
// other, so a changed row read its own row's token.
void dependencies_add(const at::Tensor& changed, int reads_batch, int k, int n, DependencyMaps& maps) {
  const auto seen = changed.accessor<bool, 3>();  // (B, N, heads)
  for (int b = 0; b < seen.size(0); ++b)
    for (int q = 0; q < n; ++q)
      for (int h = 0; h < seen.size(2); ++h) {
        if (!seen[b][q][h]) continue;
        if (reads_batch < 0 || b == reads_batch) maps.same_batch[h][static_cast<size_t>(q) * n + k] = 1;
        else {
          const CrossBatchCell cell{b, h, q, reads_batch, k};
          if (std::find(maps.cross_batch.begin(), maps.cross_batch.end(), cell) == maps.cross_batch.end())
            maps.cross_batch.push_back(cell);
        }
      }
}

// Copies of the input stacked on the batch axis, one probe each, as long as the stack stays
// small: one forward pass then answers several probes, which amortises the module's fixed
// per-call cost.
int probe_copies(const std::vector<at::Tensor>& inputs) {
  int64_t elements = 0;
  for (const at::Tensor& input : inputs) elements += input.numel();
  return static_cast<int>(std::clamp<int64_t>((int64_t{1} << 22) / std::max<int64_t>(elements, 1), 1, 32));
}

// Whether moving every token of batch rows [first, first + count) by Gaussian noise leaves every
// output outside those rows bit for bit unchanged, i.e. no other row reads them.
bool rows_read_by_themselves_only(torch::jit::Module& module, const std::vector<at::Tensor>& inputs,
                                  const at::Tensor& base, int64_t first, int64_t count,
                                  const std::string& file, at::Generator& generator) {
  std::vector<at::Tensor> moved;
  for (const at::Tensor& input : inputs) {
    moved.push_back(input.clone());
    at::Tensor rows = moved.back().narrow(0, first, count);
    rows.add_(at::randn(rows.sizes(), generator));
  }
  const at::Tensor changed = audit_forward(module, moved, file).ne(base);
  const int64_t after = first + count;
  return !changed.narrow(0, 0, first).any().item<bool>() &&
         !changed.narrow(0, after, base.size(0) - after).any().item<bool>();
}

// Whether no output row reads another batch row. Then one pass moves a token in every batch row
// at once, which makes B rows cost as much as one.
bool batch_rows_independent(torch::jit::Module& module, const std::vector<at::Tensor>& inputs,
                            const at::Tensor& base, const std::string& file, at::Generator& generator,
                            int& forwards) {
  for (int64_t b = 0; b < base.size(0); ++b) {
    ++forwards;
    if (!rows_read_by_themselves_only(module, inputs, base, b, 1, file, generator)) return false;
  }
  return true;
}

// Moves input tokens and reports which output rows change. Copy c of a stacked run is compared
// with copy c of an unmoved run of the same stacked shape, so both ran the same kernels on the
// same positions and an unchanged row is bit for bit unchanged. A module that cannot take the
// stacked batch, or whose copies read each other, is probed one token per pass instead.
class Prober {
 public:
  Prober(torch::jit::Module& module, const std::vector<at::Tensor>& inputs, const at::Tensor& base,
         const std::string& file, int copies)
      : module_(module), inputs_(inputs), base_(base), file_(file), copies_(copies) {
    if (copies_ > 1 && !stack_usable()) copies_ = 1;
    if (copies_ == 1) stacked_base_ = base_.unsqueeze(0);
  }
  int copies() const { return copies_; }
  int setup_forwards() const { return setup_forwards_; }

  // One forward pass for up to copies() tokens (batch row, token), a batch row of -1 moving the
  // token in every batch row; (tokens, B, N, heads).
  at::Tensor run(const std::vector<std::pair<int, int>>& tokens, at::Generator& generator) {
    std::vector<at::Tensor> moved = stacked(copies_);
    for (at::Tensor& input : moved)
      for (size_t c = 0; c < tokens.size(); ++c) {
        const long first_row = static_cast<long>(c) * batch();
        at::Tensor rows = tokens[c].first < 0 ? input.narrow(0, first_row, batch())
                                              : input.narrow(0, first_row + tokens[c].first, 1);
        at::Tensor token = rows.select(1, tokens[c].second);
        token.add_(at::randn(token.sizes(), generator));
      }
    const at::Tensor out = audit_forward(module_, moved, file_);
    return out.ne(stacked_base_.flatten(0, 1))
        .reshape({copies_, batch(), base_.size(1), heads(), -1})
        .any(4)
        .slice(0, 0, static_cast<long>(tokens.size()))
        .contiguous();
  }

 private:
  int64_t batch() const { return base_.size(0); }
  int64_t heads() const { return base_.dim() >= 4 ? base_.size(2) : 1; }

  std::vector<at::Tensor> stacked(int copies) const {
    std::vector<at::Tensor> out;
    for (const at::Tensor& input : inputs_) {
      std::vector<int64_t> repeats(input.dim(), 1);
      repeats[0] = copies;
      out.push_back(input.repeat(repeats));
    }
    return out;
  }

  // The stacked run must give each copy's output in its own rows, and moving every token of
  // the first or the last copy must leave the other copies' outputs unchanged.
  bool stack_usable() {
    try {
      const std::vector<at::Tensor> inputs = stacked(copies_);
      const at::Tensor out = audit_forward(module_, inputs, file_);
      ++setup_forwards_;
      std::vector<int64_t> shape(base_.sizes().begin(), base_.sizes().end());
      if (out.size(0) != shape[0] * copies_ || out.sizes().slice(1) != base_.sizes().slice(1)) return false;
      shape.insert(shape.begin(), copies_);
      stacked_base_ = out.view(shape);
      // A fixed seed: every worker's prober must come to the same answer.
      at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
      for (const int copy : {0, copies_ - 1}) {
        ++setup_forwards_;
        if (!rows_read_by_themselves_only(module_, inputs, out, copy * batch(), batch(), file_, generator))
          return false;
      }
      return true;
    } catch (const InputError&) {
      return false;
    }
  }

  torch::jit::Module& module_;
  const std::vector<at::Tensor>& inputs_;
  at::Tensor base_;
  std::string file_;
  int copies_;
  int setup_forwards_ = 0;
  at::Tensor stacked_base_;  // (copies, B, N, ...)
};

// What LibTorch 1.13 says when an archive is newer than it: an operator it lacks, or a format
// version past its last. Either way the user's file is a module, only not one this LibTorch can
// run, and the message says which part and the way out.
std::optional<std::string> newer_pytorch_message(const std::string& file, const std::string& what) {
  static const std::regex unknown_op(R"(Unknown builtin op: ([A-Za-z0-9_:.]+?)\.?\n)");
  static const std::regex version(R"(read a PyTorch file with version (\d+), but the maximum supported version for reading is (\d+))");
  std::smatch m;
  if (std::regex_search(what, m, unknown_op))
    return fmt::format("{} calls {}, an operator of a PyTorch newer than the LibTorch 1.13 that runs audits; "
                       "attnscope adds aten::scaled_dot_product_attention only (see \"Checking your own attention "
                       "code\" in the README): write that step with older operators and save the module again",
                       file, m[1].str());
  if (std::regex_search(what, m, version))
    return fmt::format("{} is a TorchScript archive of format version {}, written by a PyTorch newer than the "
                       "LibTorch 1.13 that runs audits (it reads versions up to {}); save the module with a PyTorch "
                       "that writes version {} or lower",
                       file, m[1].str(), m[2].str(), m[2].str());
  return std::nullopt;
}

}  // namespace

LoadedModule audit_load(const AuditOptions& options) {
  LoadedModule loaded;
  c10::optional<torch::jit::Method> forward;
  try {
    loaded.module = torch::jit::load(options.file);
    loaded.module.eval();
    forward = loaded.module.find_method("forward");
  } catch (const std::bad_alloc&) {
    throw;  // the memory budget is the caller's to report (app/cli/isolated_run.hpp)
  } catch (const c10::Error& e) {
    if (std::string(e.what()).find("can't allocate memory") != std::string::npos) throw std::bad_alloc();
    // The first line says what the loader missed; the rest is LibTorch's C++ backtrace.
    const std::string what = e.what_without_backtrace();
    if (auto newer = newer_pytorch_message(options.file, what)) throw InputError(*newer);
    throw InputError(options.file + " is not a TorchScript module saved by torch.jit.save (" +
                     printable_line(what.substr(0, what.find('\n'))) +
                     "); save it with torch.jit.save(torch.jit.script(m), path)");
  } catch (const std::exception& e) {
    if (auto newer = newer_pytorch_message(options.file, e.what())) throw InputError(*newer);
    throw InputError(options.file + " is not a TorchScript module saved by torch.jit.save (" +
                     module_message(e.what()) + "); save it with torch.jit.save(torch.jit.script(m), path)");
  }
  if (!forward) throw InputError(options.file + ": the module has no forward method");
  loaded.layout = layout_resolve(*forward, options);
  return loaded;
}

at::Tensor audit_forward(torch::jit::Module& module, const std::vector<at::Tensor>& inputs,
                         const std::string& file) {
  std::vector<c10::IValue> arguments;
  for (const at::Tensor& input : inputs) arguments.emplace_back(input.clone());
  c10::IValue out;
  try {
    out = module.forward(arguments);
  } catch (const std::exception& e) {
    // The memory budget is the caller's to report (app/cli/isolated_run.hpp).
    if (std::string(e.what()).find("can't allocate memory") != std::string::npos) throw std::bad_alloc();
    // Most such errors come from sizes the module does not expect (a head count it splits by):
    // say which tensors it got and which flags set them.
    std::string shapes;
    for (const at::Tensor& input : inputs) shapes += (shapes.empty() ? "" : ", ") + shape_text(input.sizes());
    throw InputError(fmt::format("{}: the module raised: {}; forward was called with {} {}; if the module expects "
                                 "other sizes, give them with --n, --heads, --d or --g",
                                 file, module_message(e.what()), inputs.size() == 1 ? "a tensor of shape" : "tensors of shapes",
                                 shapes));
  }
  if (!out.isTensor())
    throw InputError(file + ": forward returned a " + out.tagKind() +
                     "; audit needs one tensor whose first axes are (B, N)");
  return out.toTensor();
}

AuditResult audit_run(const AuditOptions& options, const AuditProgress& progress) {
  const auto start = std::chrono::steady_clock::now();
  // The optimising executor may fuse differently on later runs; the measurement compares runs
  // bit for bit, so every run must execute the same kernels.
  torch::jit::setGraphExecutorOptimize(false);
  // Thousands of small forward passes: with more than one BLAS thread, OpenBLAS's waiting threads
  // spent more time in the kernel than the passes themselves (N = 512: 104 s of system time in a
  // 119 s audit on two busy cores, 35 s in all on one thread). The audit runs in its own process,
  // so this changes nothing for the caller; other BLAS builds have no such call.
  at::set_num_threads(1);
  using SetBlasThreads = void (*)(int);
  if (auto set_blas_threads = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_blas_threads(1);
  torch::NoGradGuard no_grad;
  LoadedModule loaded = audit_load(options);
  torch::jit::Module& module = loaded.module;
  const AuditLayout& layout = loaded.layout;
  const int B = options.batch, N = options.n;

  AuditResult result;
  result.inputs = layout.kind;
  std::vector<double> forward_times;
  auto timed_forward = [&](const std::vector<at::Tensor>& inputs) {
    const auto t0 = std::chrono::steady_clock::now();
    at::Tensor out = audit_forward(module, inputs, options.file);
    forward_times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return out;
  };

  const int draws = 2;
  int planned = draws * B * N;
  int done = 0;
  DependencyMaps maps;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  for (int draw = 0; draw < draws; ++draw) {
    const std::vector<at::Tensor> inputs = inputs_draw(layout, generator);
    const at::Tensor base = timed_forward(inputs);
    if (draw == 0) {
      if (base.dim() < 2 || base.size(0) != B || base.size(1) != N)
        throw InputError(fmt::format("{}: forward returned shape {}; audit needs the first two "
                                     "axes to be (B, N) = ({}, {}); return (B, N, H, D) or (B, N, C)",
                                     options.file, shape_text(base.sizes()), B, N));
      if (!at::isFloatingType(base.scalar_type()))
        throw InputError(options.file + ": forward returned a non-floating tensor; audit measures "
                                        "how a floating output depends on its inputs");
      result.output_shape.assign(base.sizes().begin(), base.sizes().end());
      result.per_head = base.dim() >= 4 && base.size(2) == options.heads;
      maps.same_batch.assign(result.per_head ? options.heads : 1,
                             std::vector<uint8_t>(static_cast<size_t>(N) * N, 0));
      // Bitwise comparison needs a deterministic forward.
      if (!at::equal(base, timed_forward(inputs)))
        throw InputError(options.file + ": forward gives different outputs for the same input "
                                        "(dropout or sampling left on?); save the module after .eval()");
    }
    if (!at::isfinite(base).all().item<bool>())
      throw InputError(options.file + ": forward returned NaN or inf for Gaussian inputs");
    // Passes are independent, so workers share them, each with its own stacked run; a pass's
    // moves come from a generator seeded by the pass, so the result never depends on which
    // worker ran it. One BLAS thread per worker (see above), one worker per core.
    // Independent batch rows are probed together: a probe is then a token of every row.
    int checks = 0;
    const bool together = B == 1 || batch_rows_independent(module, inputs, base, options.file, generator, checks);
    result.forwards += checks;
    const int probes = together ? N : B * N;
    planned = done + (draws - draw) * probes;
    Prober first(module, inputs, base, options.file, probe_copies(inputs));
    const int copies = first.copies();
    const int passes = (probes + copies - 1) / copies;
    const int workers = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, std::min(passes, 4));
    std::mutex merge;
    std::atomic<int> next_pass{0};
    std::atomic<bool> failed{false};
    std::exception_ptr failure;
    const auto work = [&](Prober* given) {
      try {
        torch::NoGradGuard worker_no_grad;  // grad mode is per thread
        at::set_num_threads(1);             // so is OpenMP's thread count
        std::optional<Prober> own;
        Prober& prober = given ? *given : own.emplace(module, inputs, base, options.file, copies);
        int setup = prober.setup_forwards();
        for (int pass = next_pass++; pass < passes && !failed; pass = next_pass++) {
          std::vector<std::pair<int, int>> tokens;  // (batch row, token) to move, one per copy
          for (int i = pass * copies; i < std::min((pass + 1) * copies, probes); ++i)
            tokens.emplace_back(together ? -1 : i / N, i % N);
          at::Generator moves = at::make_generator<at::CPUGeneratorImpl>(
              options.seed * 1000003ull + static_cast<uint64_t>(draw) * 7919ull * static_cast<uint64_t>(passes) + pass + 1);
          const at::Tensor changed = prober.run(tokens, moves);  // (copies, B, N, heads)
          const std::lock_guard<std::mutex> lock(merge);
          result.forwards += 1 + setup;
          setup = 0;
          for (size_t c = 0; c < tokens.size(); ++c)
            dependencies_add(changed[static_cast<long>(c)], tokens[c].first, tokens[c].second, N, maps);
          done += static_cast<int>(tokens.size());
          progress(done, planned);
        }
      } catch (...) {
        const std::lock_guard<std::mutex> lock(merge);
        if (!failed.exchange(true)) failure = std::current_exception();
      }
    };
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w) threads.emplace_back(work, nullptr);
    work(&first);
    for (std::thread& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
  }
  for (const auto& map : maps.same_batch) {
    RowRuns runs(N, N);
    for (int q = 0; q < N; ++q) {
      std::vector<int32_t> columns;
      for (int k = 0; k < N; ++k)
        if (map[static_cast<size_t>(q) * N + k]) columns.push_back(k);
      runs.append_row_from_columns(std::move(columns));
    }
    result.dependencies.push_back(std::move(runs));
  }
  std::sort(maps.cross_batch.begin(), maps.cross_batch.end(), [](const auto& a, const auto& c) {
    return std::tie(a.batch, a.head, a.q, a.reads_batch, a.k) < std::tie(c.batch, c.head, c.q, c.reads_batch, c.k);
  });
  result.cross_batch = std::move(maps.cross_batch);
  result.forwards += static_cast<int>(forward_times.size());
  std::nth_element(forward_times.begin(), forward_times.begin() + forward_times.size() / 2, forward_times.end());
  result.forward_seconds = forward_times[forward_times.size() / 2];
  audit_steps_record(module, layout, options.seed, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace attnscope
