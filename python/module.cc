// The compiled half of the `chokepoint` Python package (`chokepoint._core`).
// Each function takes numpy arrays and the CLI's option words, calls the
// pipeline layer the CLI calls, and returns what the CLI's --json prints (a
// JSON string the package parses), so the two cannot drift apart. The GIL is
// released while the engine runs; chokepoint::Error becomes ValueError
// (usage, input), KeyboardInterrupt or RuntimeError (internal).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/interrupt.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"
#include "chokepoint/core/version.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/ingest.h"
#include "chokepoint/pipeline/run.h"
#include "chokepoint/pipeline/series.h"
#include "chokepoint/pipeline/sweep.h"

namespace py = pybind11;

namespace chokepoint::python {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// The interpreter's main thread (the module is imported there): the thread
// that receives SIGINT.
const std::thread::id kMainThread = std::this_thread::get_id();

// Runs engine work without the GIL. On the main thread Ctrl-C reaches the
// engine's unit-boundary checks for the call's duration (InterruptScope),
// so a long call stops with KeyboardInterrupt; a signal that arrived after
// the last check is raised when the call returns.
template <typename F>
auto Engine(F&& work) {
  std::optional<InterruptScope> interrupts;
  if (std::this_thread::get_id() == kMainThread) interrupts.emplace();
  auto result = [&] {
    py::gil_scoped_release release;
    return work();
  }();
  if (interrupts && InterruptRequested()) ThrowIfInterrupted();
  return result;
}

std::optional<YearMonth> ParseStart(const std::optional<std::string>& start) {
  if (!start) return std::nullopt;
  const auto month = YearMonth::Parse(*start);
  if (!month) ThrowUsageError("start must be YYYY-MM, got \"" + *start + "\"");
  return month;
}

pipeline::Series ToSeries(const DoubleArray& values, const std::optional<std::string>& start, const std::string& name) {
  if (values.ndim() != 1) ThrowUsageError("the series must be one-dimensional, got " + std::to_string(values.ndim()) +
                                          " dimensions");
  pipeline::Series s;
  s.values.assign(values.data(), values.data() + values.size());
  s.start = ParseStart(start);
  s.name = name;
  s.source = "<python>";
  return s;
}

// The configuration `bootstrap` and `indices` use: a TOML file (optional),
// then the "section.key=value" assignments the package builds from keyword
// arguments, resolved and validated as the CLI resolves --config and --set.
pipeline::PipelineConfig ResolveConfig(const std::string& config_file, const std::vector<std::string>& sets) {
  pipeline::ConfigOverrides overrides;
  overrides.config_file = config_file;
  overrides.set_assignments = sets;
  overrides.quiet = true;
  return pipeline::ResolveConfig(overrides, pipeline::ConfigPurpose::kBootstrap);
}

std::string Bootstrap(const DoubleArray& values, const std::optional<std::string>& start, const std::string& name,
                      const std::string& config_file, const std::vector<std::string>& sets) {
  const pipeline::Series series = ToSeries(values, start, name);
  const pipeline::PipelineConfig config = ResolveConfig(config_file, sets);
  return Engine([&] { return bootstrap::FormatSeriesJson(pipeline::BootstrapSeries(series, config)); });
}

std::string BlockLength(const DoubleArray& values, const std::optional<std::string>& start, const std::string& scheme) {
  const pipeline::Series series = ToSeries(values, start, "series");
  return Engine([&] { return bootstrap::FormatBlockLengthJson(pipeline::SeriesBlockLength(series, scheme)); });
}

// Keyword options of one function: each key read once by name; a key
// nobody read is an error naming it and the accepted ones.
class Options {
 public:
  Options(const py::dict& given, std::string function) : given_(given), function_(std::move(function)) {}
  template <typename T>
  void Read(const char* key, T* into) {
    accepted_.push_back(key);
    if (!given_.contains(key)) return;
    const py::handle value = given_[key];
    if (value.is_none()) return;
    try {
      *into = value.cast<T>();
    } catch (const py::cast_error&) {
      ThrowUsageError(function_ + ": " + key + " has the wrong type (" + std::string(py::str(value.get_type())) + ")");
    }
  }
  void CheckAllRead() const {
    for (const auto& item : given_) {
      const std::string key = py::str(item.first);
      if (std::find(accepted_.begin(), accepted_.end(), key) == accepted_.end()) {
        std::string names;
        for (const std::string& a : accepted_) names += (names.empty() ? "" : ", ") + a;
        ThrowUsageError(function_ + ": unknown option \"" + key + "\" (options: " + names + ")");
      }
    }
  }

 private:
  const py::dict& given_;
  std::string function_;
  std::vector<std::string> accepted_;
};

// Names and defaults as the CLI's flags (--max-breaks is max_breaks, ...).
std::string Breaks(const DoubleArray& values, const std::optional<std::string>& start, const py::dict& options) {
  const pipeline::Series series = ToSeries(values, start, "series");
  pipeline::BreaksRequest request;
  Options o(options, "breaks");
  o.Read("regressors", &request.regressors);
  o.Read("trim", &request.options.trim);
  o.Read("max_breaks", &request.options.max_breaks);
  o.Read("seasonal", &request.options.seasonal_fixed);
  o.Read("significance", &request.options.significance);
  o.Read("replicates", &request.options.test_replicates);
  o.Read("seed", &request.options.seed);
  o.Read("level", &request.options.ci_level);
  o.Read("null_errors", &request.null_errors);
  o.Read("tests", &request.tests);
  o.CheckAllRead();
  return Engine([&] { return pipeline::FormatBreaksJson(pipeline::SeriesBreaks(series, request), series.source); });
}

std::string Hac(const DoubleArray& values, const std::optional<std::string>& start, const py::dict& options) {
  const pipeline::Series series = ToSeries(values, start, "series");
  pipeline::HacRequest request;
  Options o(options, "hac");
  o.Read("regressors", &request.regressors);
  o.Read("seasonal", &request.seasonal);
  o.Read("kernel", &request.kernel);
  o.Read("lag", &request.lag);
  o.Read("bandwidth_rule", &request.bandwidth_rule);
  o.Read("prewhite", &request.prewhite);
  o.Read("adjust", &request.adjust);
  o.CheckAllRead();
  return Engine([&] { return pipeline::FormatHacJson(pipeline::SeriesHac(series, request), series, request); });
}

std::string Surge(const DoubleArray& values, const std::optional<std::string>& start, const py::dict& options) {
  const pipeline::Series series = ToSeries(values, start, "series");
  pipeline::SurgeRequest request;
  Options o(options, "surge");
  o.Read("events", &request.events);
  o.Read("onsets", &request.onsets);
  o.Read("loss", &request.loss);
  o.Read("loss_scale", &request.loss_scale);
  o.Read("max_surges", &request.max_surges);
  o.Read("ar1", &request.ar1);
  o.Read("seasonal", &request.seasonal);
  o.CheckAllRead();
  return Engine([&] { return pipeline::FormatSurgeJson(pipeline::SeriesSurge(series, request)); });
}

// V, G and the index status of each row of a (series x months) matrix under
// the [index] specification, in parallel over blocks of rows (each row
// independent, so the numbers do not depend on threads). The matrix is read in
// place whatever its strides (a DataFrame's transposed block included).
py::tuple Indices(const py::array_t<double, py::array::forcecast>& given, const std::optional<std::string>& start,
                  const std::string& config_file, const std::vector<std::string>& sets, int threads) {
  if (given.ndim() != 2) ThrowUsageError("indices: expected a 2-D array (series x months)");
  constexpr auto kItem = static_cast<py::ssize_t>(sizeof(double));
  // Strides that are not whole elements, or data not aligned for a double
  // (a field of a packed structured array), are read from a contiguous copy.
  const bool aligned = reinterpret_cast<std::uintptr_t>(given.data()) % alignof(double) == 0;
  const py::array_t<double, py::array::forcecast> matrix =
      (aligned && given.strides(0) % kItem == 0 && given.strides(1) % kItem == 0)
          ? given
          : py::array_t<double, py::array::forcecast>(
                py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(given));
  const pipeline::PipelineConfig config = ResolveConfig(config_file, sets);
  const auto rows = static_cast<size_t>(matrix.shape(0)), months = static_cast<size_t>(matrix.shape(1));
  if (months < 2) ThrowUsageError("indices: need at least 2 months, got " + std::to_string(months));
  const YearMonth first = ParseStart(start).value_or(pipeline::kDefaultFirstMonth);
  const IndexMatrix whole{.data = matrix.data(),
                          .num_series = rows,
                          .num_months = months,
                          .series_stride = matrix.strides(0) / kItem,
                          .month_stride = matrix.strides(1) / kItem};
  py::array_t<double> V(rows), G(rows);
  py::array_t<int> status(rows);
  double* v = V.mutable_data();
  double* g = G.mutable_data();
  int* st = status.mutable_data();
  Engine([&] {
    pipeline::ThreadLimit limit(threads);
    // One window, one weight vector for every row (as ComputeSeriesIndices
    // resolves them); a NaN month is a missing month (docs/method.md §2.6).
    const ResolvedWindow w = ResolveWindow(config.index, first, static_cast<int>(months));
    const std::vector<double> weights =
        w.status == IndexStatus::kOk ? MakeWeights(config.index, w.num_periods) : std::vector<double>{};
    const int base = BasePeriods(config.index);
    // The range is over groups of four rows (TBB splits a range anywhere),
    // so every block but the last is whole groups for the kernels' 4-series
    // steps; up to 64 groups a block, so the per-block buffer does not matter.
    constexpr size_t kGroup = 4;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, (rows + kGroup - 1) / kGroup, 64),
                      [&](const tbb::blocked_range<size_t>& groups) {
                        const size_t begin = groups.begin() * kGroup, end = std::min(rows, groups.end() * kGroup);
                        IndexMatrix part = whole;
                        part.data += static_cast<std::ptrdiff_t>(begin) * whole.series_stride;
                        part.num_series = end - begin;
                        std::vector<IndexValues> values(end - begin);
                        ComputeIndicesBatch(part, w, weights, base, values);
                        for (size_t i = 0; i < values.size(); ++i) {
                          const IndexValues& iv = values[i];
                          v[begin + i] = iv.ok() ? iv.V : std::numeric_limits<double>::quiet_NaN();
                          g[begin + i] = iv.ok() ? iv.G : std::numeric_limits<double>::quiet_NaN();
                          st[begin + i] = static_cast<int>(iv.status);
                        }
                      });
    return 0;
  });
  return py::make_tuple(V, G, status);
}

// Regime and cell names of (V, G) pairs under [thresholds].
py::tuple ClassifyPairs(const DoubleArray& V, const DoubleArray& G, const std::vector<bool>& semiconductor,
                        const std::string& config_file, const std::vector<std::string>& sets) {
  if (V.ndim() != 1 || G.ndim() != 1 || V.size() != G.size())
    ThrowUsageError("classify: V and G must be one-dimensional and of one length");
  if (!semiconductor.empty() && semiconductor.size() != static_cast<size_t>(V.size()))
    ThrowUsageError("classify: semiconductor must be one flag or one per pair");
  const pipeline::PipelineConfig config = ResolveConfig(config_file, sets);
  std::vector<std::string> regimes, cells;
  for (py::ssize_t i = 0; i < V.size(); ++i) {
    const bool semi = !semiconductor.empty() && semiconductor[static_cast<size_t>(i)];
    if (!std::isfinite(V.data()[i]) || !std::isfinite(G.data()[i])) {  // an undefined index: not classified
      regimes.emplace_back("undefined");
      cells.emplace_back("undefined");
      continue;
    }
    const Classification c = Classify(V.data()[i], G.data()[i], semi, config.thresholds);
    regimes.emplace_back(ToString(c.regime));
    cells.push_back(CellName(c.cell()));
  }
  return py::make_tuple(regimes, cells);
}

// `run` and `sweep` in this process: the configuration from a TOML file and
// --set assignments, the output file [run] out (written atomically).
void Run(const std::string& config_file, const std::vector<std::string>& sets, bool sweep,
         const std::string& series_file, const std::optional<std::string>& start) {
  pipeline::ConfigOverrides overrides;
  overrides.config_file = config_file;
  overrides.set_assignments = sets;
  overrides.quiet = true;
  const pipeline::PipelineConfig config =
      pipeline::ResolveConfig(overrides, sweep ? pipeline::ConfigPurpose::kSweep : pipeline::ConfigPurpose::kRun);
  pipeline::SweepInput input;
  input.series_file = series_file;
  input.start = ParseStart(start);
  Engine([&] {
    if (sweep) pipeline::SweepToFile(config, input);
    else pipeline::RunToFile(config);
    return 0;
  });
}

// The scenario's simulated panel: codes, first month, values (codes x
// months) and the present mask.
py::tuple PanelTuple(const Panel& panel, const std::string& label);

py::tuple SimulatePanel(const std::string& scenario, uint64_t seed) {
  const SimulationResult r = Engine([&] { return Simulate(Scenario::Load(scenario), seed); });
  return PanelTuple(r.panel, r.panel.provenance.label);
}

py::tuple PanelTuple(const Panel& panel, const std::string& label) {
  std::vector<std::string> codes;
  for (const HsCode& c : panel.codes()) codes.push_back(c.ToString());
  const auto rows = static_cast<py::ssize_t>(panel.num_codes()), cols = static_cast<py::ssize_t>(panel.num_months());
  py::array_t<double> values({rows, cols});
  py::array_t<bool> present({rows, cols});
  std::copy(panel.values().begin(), panel.values().end(), values.mutable_data());
  std::copy(panel.present_mask().begin(), panel.present_mask().end(), present.mutable_data());
  return py::make_tuple(codes, panel.first_month().ToString(), values, present, label);
}

// `ingest`: the files' panel (as `simulate` returns one) and the ingest
// report; the panel file too when `out` is given.
py::tuple PanelTuple(const Panel& panel, const std::string& label);

py::tuple Ingest(const std::vector<std::string>& inputs, const std::string& out, const py::dict& options) {
  pipeline::IngestRequest request;
  request.inputs = inputs;
  Options o(options, "ingest");
  o.Read("preset", &request.preset);
  o.Read("format", &request.format);
  o.Read("jan_feb", &request.jan_feb);
  o.Read("rates", &request.rates);
  o.Read("lenient", &request.lenient);
  o.Read("max_examples", &request.max_examples);
  o.Read("columns", &request.columns);
  o.Read("period_format", &request.period_format);
  double scale = 0;
  o.Read("scale", &scale);
  if (scale != 0) request.scale = scale;
  o.Read("where", &request.where);
  o.Read("flow", &request.flow);
  o.Read("source", &request.source);
  o.CheckAllRead();
  const IngestResult result =
      Engine([&] { return out.empty() ? pipeline::Ingest(request) : pipeline::IngestToFile(request, out); });
  return py::make_tuple(PanelTuple(result.panel, result.panel.provenance.label), result.report.FullReport());
}

std::vector<std::string> IndexStatusNames() {
  std::vector<std::string> out;
  for (int s = 0;; ++s) {
    const std::string_view name = ToString(static_cast<IndexStatus>(s));
    if (name == "?" || s > 64) break;
    out.emplace_back(name);
  }
  return out;
}

}  // namespace
}  // namespace chokepoint::python

PYBIND11_MODULE(_core, m) {
  using namespace chokepoint::python;
  m.doc() = "chokepoint's engine (C++); use the `chokepoint` package, not this module.";
  static py::exception<chokepoint::Error> internal(m, "InternalError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const chokepoint::Error& e) {
      switch (e.kind()) {
        case chokepoint::ErrorKind::kUsage:
        case chokepoint::ErrorKind::kInput: PyErr_SetString(PyExc_ValueError, e.what()); return;
        case chokepoint::ErrorKind::kInterrupted: PyErr_SetString(PyExc_KeyboardInterrupt, e.what()); return;
        case chokepoint::ErrorKind::kInternal: internal(e.what()); return;
      }
    }
  });
  m.def("version", [] { return std::string(chokepoint::ToolVersion()); });
  m.def("set_data_directory", [](const std::string& dir) { chokepoint::SetDataDirectory(dir); }, py::arg("dir"));
  m.def("data_directory", [] { return chokepoint::DataDirectory().string(); });
  m.def("bootstrap_json", &Bootstrap, py::arg("values"), py::arg("start"), py::arg("name"), py::arg("config_file"),
        py::arg("sets"));
  m.def("block_length_json", &BlockLength, py::arg("values"), py::arg("start"), py::arg("scheme"));
  m.def("breaks_json", &Breaks, py::arg("values"), py::arg("start"), py::arg("options"));
  m.def("hac_json", &Hac, py::arg("values"), py::arg("start"), py::arg("options"));
  m.def("surge_json", &Surge, py::arg("values"), py::arg("start"), py::arg("options"));
  m.def("kernel_isa", [] { return std::string(chokepoint::ToString(chokepoint::ActiveKernelIsa())); },
        "Instruction set of the vector kernels (\"avx2\" or \"baseline\"; the numbers are the same).");
  m.def("indices", &Indices, py::arg("matrix"), py::arg("start"), py::arg("config_file"), py::arg("sets"),
        py::arg("threads"));
  m.def("classify", &ClassifyPairs, py::arg("V"), py::arg("G"), py::arg("semiconductor"), py::arg("config_file"),
        py::arg("sets"));
  m.def("index_status_names", &IndexStatusNames);
  m.def("run", &Run, py::arg("config_file"), py::arg("sets"), py::arg("sweep"), py::arg("series_file"),
        py::arg("start"));
  m.def("simulate", &SimulatePanel, py::arg("scenario"), py::arg("seed"));
  m.def("ingest", &Ingest, py::arg("inputs"), py::arg("out"), py::arg("options"));
}
