#include "chokepoint/pipeline/study.h"

#include <cstring>
#include <map>
#include <optional>
#include <type_traits>
#include <sstream>

#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/run_config.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/core/version.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/distributed.h"
#include "chokepoint/pipeline/run.h"
#include "checkpoint.h"

namespace chokepoint::pipeline {

using robustness::StudyDesign;
using robustness::StudyResult;

StudyDesign LoadStudyDesign(const std::string& design_file, const std::vector<std::string>& set) {
  const std::string file =
      design_file.empty() ? (DataDirectory() / "studies" / "default.toml").string() : design_file;
  toml::table table = ParseTomlFile(file);
  for (const auto& [key, node] : table)
    if (key != "study")
      ThrowInputError(file, static_cast<long>(node.source().begin.line), static_cast<long>(node.source().begin.column),
                      "unknown table or key '" + std::string(key.str()) + "' (a study design has only [study])");
  ApplySetAssignments(table, set);
  const toml::table* study = table["study"].as_table();
  return StudyDesign::FromToml(TomlSection(study, "study", file));
}

namespace {
template <typename T, typename F>
std::vector<T> Column(const std::vector<robustness::StudyPoint>& points, F f) {
  std::vector<T> out;
  out.reserve(points.size());
  for (const auto& p : points) out.push_back(static_cast<T>(f(p)));
  return out;
}
}  // namespace

std::filesystem::path StudyCheckpointPath(const std::filesystem::path& out) {
  return std::filesystem::path(out.string() + ".checkpoint");
}

namespace {

// Records: int32 point, then the point's draws as raw StudyDraw records.
constexpr char kCheckpointMagic[] = "chokepoint-study-checkpoint/1\n";
static_assert(std::is_trivially_copyable_v<robustness::StudyDraw>);

// Reads the finished points; returns the byte length of the valid prefix.
size_t ReadCheckpoint(const std::filesystem::path& path, const std::string& header, int draws,
                      std::map<int, std::vector<robustness::StudyDraw>>* done) {
  const std::string bytes = ReadCheckpointBody(path, header, "design");
  const size_t record = sizeof(int32_t) + static_cast<size_t>(draws) * sizeof(robustness::StudyDraw);
  size_t pos = 0;
  while (pos + record <= bytes.size()) {
    int32_t point = 0;
    std::memcpy(&point, bytes.data() + pos, sizeof point);
    std::vector<robustness::StudyDraw> d(static_cast<size_t>(draws));
    std::memcpy(d.data(), bytes.data() + pos + sizeof point, record - sizeof point);
    (*done)[point] = std::move(d);
    pos += record;
  }
  return header.size() + pos;
}

}  // namespace

namespace {
void WriteStudyFile(const StudyResult& r, const StudyDesign& design, const std::string& design_toml,
                    AtomicOutput& output, size_t resumed_points, int ranks);
}  // namespace

StudyResult RunStudyToFile(const StudyDesign& design, const std::filesystem::path& out, int threads,
                           const robustness::StudyProgress& progress, bool resume) {
  {
    const std::string ext = out.extension().string();
    if (ext != ".h5" && ext != ".hdf5") ThrowUsageError("--out must name an HDF5 file (.h5 or .hdf5): " + out.string());
  }
  ThreadLimit limit(threads);
  toml::table resolved_design;
  resolved_design.insert("study", design.ToToml());
  const std::string design_toml = TomlToString(resolved_design);
  const Ranks ranks = CurrentRanks();
  robustness::StudyRunHooks hooks;
  hooks.progress = progress;
  std::error_code ec;
  StudyResult r;
  if (ranks.distributed()) {
    // Units dealt to ranks in chunks, round-robin (neighbouring units cost
    // alike; about 8 chunks per rank); rank 0 merges the draws in unit order
    // and writes: the same file as one process. A failing rank fails every
    // rank with its message.
    if (resume) ThrowUsageError("--resume continues a single-process study; run it without mpirun");
    const int64_t total = design.num_points() * design.draws;
    const int64_t chunk = std::max<int64_t>(1, total / (8 * static_cast<int64_t>(ranks.size)));
    hooks.owns = [&](int64_t unit) { return (unit / chunk) % ranks.size == ranks.rank; };
    std::optional<AtomicOutput> output;
    if (ranks.is_root()) output.emplace(out);  // checks the destination before the work
    const std::vector<std::string> parts = GatherOrFail([&] {
      if (const char* fail = std::getenv("CHOKEPOINT_TEST_FAIL_RANK"); fail && std::atoi(fail) == ranks.rank)
        ThrowInputError("study", 0, 0, "injected failure (CHOKEPOINT_TEST_FAIL_RANK, for tests)");
      r = robustness::ComputeStudyDraws(design, {}, hooks);
      std::string bytes;
      for (int64_t u = 0; u < total; ++u) {
        if (!hooks.owns(u)) continue;
        bytes.append(reinterpret_cast<const char*>(&u), sizeof u);
        bytes.append(reinterpret_cast<const char*>(&r.draws[static_cast<size_t>(u)]), sizeof(robustness::StudyDraw));
      }
      return bytes;
    });
    if (!ranks.is_root()) return r;  // rank 0 writes
    const size_t record = sizeof(int64_t) + sizeof(robustness::StudyDraw);
    for (size_t k = 1; k < parts.size(); ++k)
      for (size_t pos = 0; pos + record <= parts[k].size(); pos += record) {
        int64_t u = 0;
        std::memcpy(&u, parts[k].data() + pos, sizeof u);
        if (u < 0 || u >= total) ThrowInternalError("study: rank " + std::to_string(k) + " sent unit " + std::to_string(u));
        std::memcpy(&r.draws[static_cast<size_t>(u)], parts[k].data() + pos + sizeof u, sizeof(robustness::StudyDraw));
      }
    robustness::SummarizeStudy(&r);
    r.threads = ranks.size * r.threads;
    WriteStudyFile(r, design, design_toml, *output, 0, ranks.size);
    output->Commit();
    return r;
  }
  AtomicOutput output(out);  // checks the destination before the work
  const std::string header = CheckpointHeader(kCheckpointMagic, design_toml);
  const std::filesystem::path checkpoint = StudyCheckpointPath(out);
  size_t keep = 0;
  if (resume) keep = ReadCheckpoint(checkpoint, header, design.draws, &hooks.done);
  else RefuseStaleCheckpoint(checkpoint, "study");
  CheckpointWriter writer(checkpoint, header, keep);
  size_t saved = hooks.done.size();
  hooks.on_point_done = [&](int point, const std::vector<robustness::StudyDraw>& draws) {
    const int32_t p = point;
    std::string record(reinterpret_cast<const char*>(&p), sizeof p);
    record.append(reinterpret_cast<const char*>(draws.data()), draws.size() * sizeof(robustness::StudyDraw));
    writer.Append(record);
    ++saved;
  };
  try {
    r = robustness::RunStudy(design, {}, hooks);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInterrupted)
      throw Error(ErrorKind::kInterrupted,
                  std::string(e.what()) + "; " + std::to_string(saved) + " of " + std::to_string(design.num_points()) +
                      " design points are saved in " + checkpoint.string() +
                      ": continue with the same command and --resume");
    throw;
  }
  WriteStudyFile(r, design, design_toml, output, hooks.done.size(), 1);
  output.Commit();
  std::filesystem::remove(checkpoint, ec);  // the file holds everything now
  return r;
}

namespace {
void WriteStudyFile(const StudyResult& r, const StudyDesign& design, const std::string& design_toml,
                    AtomicOutput& output, size_t resumed_points, int ranks) {
  {
    h5::File f = h5::File::Create(output.temp_path());
    const hid_t id = f.id();
    h5::WriteAttribute(id, "schema", kStudySchema);
    h5::WriteAttribute(id, "tool_version", ToolVersion());
    h5::WriteAttribute(id, "created_utc", UtcNowIso8601());
    h5::WriteAttribute(id, "config_toml", design_toml);
    h5::WriteAttribute(id, "seed", static_cast<int64_t>(design.seed));
    h5::WriteAttribute(id, "synthetic", static_cast<int64_t>(1));
    h5::WriteAttribute(id, "data_label", "synthetic: study design, seed " + std::to_string(design.seed));
    h5::WriteAttribute(id, "threads_used", static_cast<int64_t>(r.threads));
    h5::WriteAttribute(id, "seconds", r.seconds);
    h5::WriteAttribute(id, "report_markdown", r.FullReport());
    const auto& P = r.points;
    // Design: one row per point.
    h5::Handle g = h5::EnsureGroup(id, "/study/design");
    h5::WriteInt32s(g.id(), "months", Column<int32_t>(P, [](auto& p) { return p.months; }));
    h5::WriteInt32s(g.id(), "codes", Column<int32_t>(P, [](auto& p) { return p.codes; }));
    h5::WriteDoubles(g.id(), "trend", Column<double>(P, [](auto& p) { return p.trend; }));
    h5::WriteDoubles(g.id(), "surge_amplitude", Column<double>(P, [](auto& p) { return p.surge_amplitude; }));
    h5::WriteDoubles(g.id(), "surge_half_life", Column<double>(P, [](auto& p) { return p.surge_half_life; }));
    h5::WriteInt32s(g.id(), "surge_onset", Column<int32_t>(P, [](auto& p) { return p.surge_onset; }));
    h5::WriteDoubles(g.id(), "slope_change", Column<double>(P, [](auto& p) { return p.slope_change; }));
    h5::WriteDoubles(g.id(), "seasonal_amplitude", Column<double>(P, [](auto& p) { return p.seasonal_amplitude; }));
    h5::WriteDoubles(g.id(), "rho", Column<double>(P, [](auto& p) { return p.rho; }));
    h5::WriteDoubles(g.id(), "noise_sd", Column<double>(P, [](auto& p) { return p.noise_sd; }));
    h5::WriteDoubles(g.id(), "growth_threshold", Column<double>(P, [](auto& p) { return p.thresholds.growth; }));
    h5::WriteDoubles(g.id(), "volatility_high_threshold",
                     Column<double>(P, [](auto& p) { return p.thresholds.volatility_high; }));
    h5::WriteInt32s(g.id(), "window_months", Column<int32_t>(P, [](auto& p) { return p.window_months; }));
    std::vector<std::string> weighting, base, scheme, interval_method, rule_truth, process_truth;
    for (const auto& p : P) {
      interval_method.emplace_back(bootstrap::ToString(p.interval));
      weighting.emplace_back(ToString(p.weighting));
      base.emplace_back(ToString(p.base));
      scheme.push_back(p.scheme);
      rule_truth.emplace_back(p.signal_ok ? ToString(p.rule_truth) : "undefined");
      process_truth.emplace_back(ToString(p.process_truth));
    }
    h5::WriteStrings(g.id(), "weighting", weighting);
    h5::WriteStrings(g.id(), "base", base);
    h5::WriteStrings(g.id(), "scheme", scheme);
    h5::WriteStrings(g.id(), "interval", interval_method);
    h5::WriteDoubles(g.id(), "V_signal", Column<double>(P, [](auto& p) { return p.V_signal; }));
    h5::WriteDoubles(g.id(), "G_signal", Column<double>(P, [](auto& p) { return p.G_signal; }));
    h5::WriteStrings(g.id(), "rule_truth", rule_truth);
    h5::WriteStrings(g.id(), "process_truth", process_truth);
    // Draws: one row per draw (point-major).
    h5::Handle d = h5::EnsureGroup(id, "/study/draws");
    const auto& D = r.draws;
    auto dcol = [&](auto f) {
      std::vector<double> v;
      v.reserve(D.size());
      for (const auto& x : D) v.push_back(f(x));
      return v;
    };
    auto icol = [&](auto f) {
      std::vector<int32_t> v;
      v.reserve(D.size());
      for (const auto& x : D) v.push_back(static_cast<int32_t>(f(x)));
      return v;
    };
    h5::WriteOptions compressed;
    compressed.compress = true;
    h5::WriteInt32s(d.id(), "point", icol([](auto& x) { return x.point; }), {}, compressed);
    h5::WriteInt32s(d.id(), "draw", icol([](auto& x) { return x.draw; }), {}, compressed);
    h5::WriteDoubles(d.id(), "V", dcol([](auto& x) { return x.V; }), {}, compressed);
    h5::WriteDoubles(d.id(), "G", dcol([](auto& x) { return x.G; }), {}, compressed);
    h5::WriteInt32s(d.id(), "rule", icol([](auto& x) { return x.rule; }), {}, compressed);
    h5::WriteInt32s(d.id(), "verdict", icol([](auto& x) { return x.verdict; }), {}, compressed);
    h5::WriteInt32s(d.id(), "surge_recovered", icol([](auto& x) { return x.surge_recovered; }), {}, compressed);
    h5::WriteInt32s(d.id(), "break_recovered", icol([](auto& x) { return x.break_recovered; }), {}, compressed);
    std::vector<double> p_regime;
    p_regime.reserve(D.size() * kNumRegimes);
    for (const auto& x : D) p_regime.insert(p_regime.end(), x.p_regime.begin(), x.p_regime.end());
    h5::WriteDoubles(d.id(), "regime_probability", p_regime, {D.size(), static_cast<hsize_t>(kNumRegimes)}, compressed);
    // Intervals as (draws x 2) lower/upper pairs.
    auto interval = [&](const char* name, double robustness::StudyDraw::*lo, double robustness::StudyDraw::*hi) {
      std::vector<double> v;
      v.reserve(2 * D.size());
      for (const auto& x : D) v.insert(v.end(), {x.*lo, x.*hi});
      h5::WriteDoubles(d.id(), name, v, {D.size(), 2}, compressed);
    };
    using Draw = robustness::StudyDraw;
    interval("V_signal_interval", &Draw::V_signal_lo, &Draw::V_signal_hi);
    interval("G_signal_interval", &Draw::G_signal_lo, &Draw::G_signal_hi);
    interval("V_observed_interval", &Draw::V_obs_lo, &Draw::V_obs_hi);
    interval("G_observed_interval", &Draw::G_obs_lo, &Draw::G_obs_hi);
    h5::WriteStrings(d.id(), "rule_names", {"stockpiling", "no_effect", "substitution"});
    h5::WriteStrings(d.id(), "verdict_names", {"trend", "break", "surge", "break_surge"});
    // Summaries per point.
    h5::Handle s = h5::EnsureGroup(id, "/study/summary");
    const auto& S = r.summaries;
    auto scol = [&](auto f) {
      std::vector<double> v;
      for (const auto& x : S) v.push_back(f(x));
      return v;
    };
    h5::WriteInt32s(s.id(), "draws", [&] {
      std::vector<int32_t> v;
      for (const auto& x : S) v.push_back(x.draws);
      return v;
    }());
    h5::WriteInt32s(s.id(), "defined", [&] {
      std::vector<int32_t> v;
      for (const auto& x : S) v.push_back(x.defined);
      return v;
    }());
    std::vector<int32_t> rule_counts, verdict_counts;
    for (const auto& x : S) {
      rule_counts.insert(rule_counts.end(), x.rule_counts.begin(), x.rule_counts.end());
      verdict_counts.insert(verdict_counts.end(), x.verdict_counts.begin(), x.verdict_counts.end());
    }
    h5::WriteInt32s(s.id(), "rule_counts", rule_counts, {S.size(), static_cast<hsize_t>(kNumRegimes)});
    h5::WriteInt32s(s.id(), "verdict_counts", verdict_counts,
                    {S.size(), static_cast<hsize_t>(robustness::kNumModelVerdicts)});
    h5::WriteDoubles(s.id(), "misclassified_rule", scol([](auto& x) { return x.misclassified_rule; }));
    h5::WriteDoubles(s.id(), "misclassified_rule_se", scol([](auto& x) { return x.misclassified_rule_se; }));
    h5::WriteDoubles(s.id(), "misclassified_process", scol([](auto& x) { return x.misclassified_process; }));
    h5::WriteDoubles(s.id(), "misclassified_process_se", scol([](auto& x) { return x.misclassified_process_se; }));
    h5::WriteDoubles(s.id(), "surge_called", scol([](auto& x) { return x.surge_called; }));
    h5::WriteDoubles(s.id(), "break_called", scol([](auto& x) { return x.break_called; }));
    h5::WriteDoubles(s.id(), "surge_recovered", scol([](auto& x) { return x.surge_recovered; }));
    h5::WriteDoubles(s.id(), "break_recovered", scol([](auto& x) { return x.break_recovered; }));
    h5::WriteDoubles(s.id(), "mean_p_true_regime", scol([](auto& x) { return x.mean_p_true; }));
    h5::WriteDoubles(s.id(), "cover_V_signal", scol([](auto& x) { return x.cover_V_signal; }));
    h5::WriteDoubles(s.id(), "cover_G_signal", scol([](auto& x) { return x.cover_G_signal; }));
    h5::WriteDoubles(s.id(), "cover_V_observed", scol([](auto& x) { return x.cover_V_observed; }));
    h5::WriteDoubles(s.id(), "cover_G_observed", scol([](auto& x) { return x.cover_G_observed; }));
    h5::WriteDoubles(s.id(), "mean_V", scol([](auto& x) { return x.mean_V; }));
    h5::WriteDoubles(s.id(), "mean_G", scol([](auto& x) { return x.mean_G; }));
    // Confusion matrices over all draws.
    std::vector<int32_t> cr, cm;
    for (const auto& row : r.confusion_rule) cr.insert(cr.end(), row.begin(), row.end());
    for (const auto& row : r.confusion_model) cm.insert(cm.end(), row.begin(), row.end());
    h5::WriteInt32s(id, "/study/confusion/truth_x_rule", cr, {kNumRegimes, kNumRegimes});
    h5::WriteInt32s(id, "/study/confusion/truth_x_model", cm,
                    {kNumRegimes, static_cast<hsize_t>(robustness::kNumModelVerdicts)});
    h5::WriteAttribute(id, "resumed_points", static_cast<int64_t>(resumed_points));
    h5::WriteAttribute(id, "ranks", static_cast<int64_t>(ranks));
    f.Close();
  }
}
}  // namespace

std::string ReadStudyReport(const std::filesystem::path& path) {
  h5::File f = h5::File::OpenReadOnly(path);
  if (!h5::HasAttribute(f.id(), "schema") || h5::ReadStringAttribute(f.id(), "schema") != kStudySchema)
    ThrowInputError(path.string(), 0, 0, std::string("not a study file (schema != \"") + kStudySchema + "\")");
  return h5::ReadStringAttribute(f.id(), "report_markdown");
}

}  // namespace chokepoint::pipeline
