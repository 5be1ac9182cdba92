#include "chokepoint/pipeline/sweep.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/atomic_output.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/pipeline/distributed.h"
#include "chokepoint/pipeline/run.h"
#include "checkpoint.h"
#include "chokepoint/robustness/sweep/sweep_io.h"
#include "output.h"

namespace chokepoint::pipeline {

namespace {

void WriteSweepSections(hid_t file, const SweepOutcome& s) {
  WriteRunBase(file, s.meta, s.data.series, s.analysis);
  robustness::WriteSweepSection(file, s.result);
  h5::Handle sweep(H5Gopen2(file, "/sweep", H5P_DEFAULT));
  h5::WriteAttribute(sweep.id(), "data_label", s.data.label);
  // How it ran (not what it computed: the rest of the file is the same either way).
  h5::WriteAttribute(sweep.id(), "ranks", static_cast<int64_t>(s.ranks));
  h5::WriteAttribute(sweep.id(), "resumed_series", s.resumed_series);
}

}  // namespace

namespace {

GroupData LoadSweepData(const PipelineConfig& config, const SweepInput& input) {
  UseDataDirectory(config.data);
  if (!input.series_file.empty())
    return LoadSeriesGroups(input.series_file, LoadCatalog(config.data), input.start, input.semiconductor);
  return LoadPanelGroups(config.data, config.run.seed);  // the run's seed simulates the synthetic default, as in `run`
}

void FillOutcome(const PipelineConfig& config, SweepOutcome* s) {
  s->analysis = AnalyzeGroups(s->data.series, config.sweep.default_index, config.sweep.default_thresholds);
  s->meta.config_toml = TomlToString(config.ResolvedSweepTable());
  s->meta.seed = config.sweep.seed;
  s->meta.synthetic = s->data.synthetic;
  s->meta.data_label = s->data.label;
  s->meta.data_details = s->data.details;
}

// FNV-1a over the series (names, months, values, presence): a resume must see the same data.
uint64_t SeriesFingerprint(const GroupSeries& series) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  for (const auto& g : series.groups) mix(g.name.data(), g.name.size() + 1);
  const std::string first = series.first_month.ToString();
  mix(first.data(), first.size());
  mix(series.values.data(), series.values.size() * sizeof(double));
  mix(series.present.data(), series.present.size());
  return h;
}

constexpr char kSweepCheckpointMagic[] = "chokepoint-sweep-checkpoint/1\n";

// Records: int32 group, uint64 length, the group's bytes (SerializeSweepGroup).
std::string GroupRecord(int group, const std::string& bytes) {
  const int32_t g = group;
  const uint64_t n = bytes.size();
  std::string r(reinterpret_cast<const char*>(&g), sizeof g);
  r.append(reinterpret_cast<const char*>(&n), sizeof n);
  r += bytes;
  return r;
}

// Restores every whole record; returns the length of the valid prefix.
size_t RestoreGroupRecords(const std::string& bytes, robustness::SweepResult* r, std::vector<uint8_t>* done) {
  size_t pos = 0;
  const size_t head = sizeof(int32_t) + sizeof(uint64_t);
  while (pos + head <= bytes.size()) {
    int32_t g = 0;
    uint64_t n = 0;
    std::memcpy(&g, bytes.data() + pos, sizeof g);
    std::memcpy(&n, bytes.data() + pos + sizeof g, sizeof n);
    if (pos + head + n > bytes.size()) break;  // cut short by a kill
    robustness::RestoreSweepGroup(r, g, std::string_view(bytes).substr(pos + head, n));
    if (done) (*done)[static_cast<size_t>(g)] = 1;
    pos += head + n;
  }
  return pos;
}

}  // namespace

SweepOutcome ExecuteSweep(const PipelineConfig& config, const SweepInput& input,
                          const robustness::SweepProgress& progress) {
  ThreadLimit limit(config.sweep.threads);
  SweepOutcome s;
  s.data = LoadSweepData(config, input);
  s.result = robustness::RunSweep(s.data.series, config.sweep, progress);
  FillOutcome(config, &s);
  return s;
}

void WriteSweepFile(const std::filesystem::path& path, const SweepOutcome& outcome) {
  AtomicOutput output(path);
  WriteAndCommit(output, [&](hid_t file) { WriteSweepSections(file, outcome); });
}

std::filesystem::path SweepCheckpointPath(const std::filesystem::path& out) {
  return std::filesystem::path(out.string() + ".checkpoint");
}

SweepOutcome SweepToFile(const PipelineConfig& config, const SweepInput& input,
                         const robustness::SweepProgress& progress, bool resume) {
  RefuseOutputOverInput(config.run.out, config.data.file, "--data ([data] file)");
  RefuseOutputOverInput(config.run.out, input.series_file, "--input");
  const Ranks ranks = CurrentRanks();
  if (resume && ranks.distributed()) ThrowUsageError("--resume continues a single-process sweep; run it without mpirun");
  std::optional<AtomicOutput> output;
  if (ranks.is_root()) output.emplace(config.run.out);  // checks the destination before the work
  const std::filesystem::path checkpoint = SweepCheckpointPath(config.run.out);
  if (!ranks.distributed() && !resume) RefuseStaleCheckpoint(checkpoint, "sweep");
  const auto t0 = std::chrono::steady_clock::now();
  ThreadLimit limit(config.sweep.threads);
  SweepOutcome s;
  s.data = LoadSweepData(config, input);
  const GroupSeries& series = s.data.series;
  std::unique_ptr<robustness::ReplicateGenerator> generator;
  if (config.sweep.replicates > 0)
    generator = robustness::MakeBootstrapGenerator(series, config.sweep.resampler, config.sweep.seed);
  s.result = robustness::PrepareSweep(series, config.sweep, generator.get());
  robustness::SweepResult& r = s.result;
  const int ng = r.num_groups();
  robustness::SweepRunHooks hooks;
  hooks.progress = progress;

  if (ranks.distributed()) {
    // Groups dealt to ranks in chunks, round-robin (about 8 chunks per rank,
    // so neighbouring series of unequal cost spread); each rank sends its
    // groups' bytes, rank 0 restores them in group order.
    const int chunk = std::max(1, ng / (8 * ranks.size));
    hooks.owns = [&](int g) { return (g / chunk) % ranks.size == ranks.rank; };
    std::vector<std::string> parts = GatherOrFail([&] {
      if (const char* fail = std::getenv("CHOKEPOINT_TEST_FAIL_RANK"); fail && std::atoi(fail) == ranks.rank)
        ThrowInputError("sweep", 0, 0, "injected failure (CHOKEPOINT_TEST_FAIL_RANK, for tests)");
      robustness::ComputeSweepGroups(series, generator.get(), hooks, &r);
      if (ranks.is_root()) return std::string();
      std::string bytes;
      for (int g = 0; g < ng; ++g)
        if (hooks.owns(g)) bytes += GroupRecord(g, robustness::SerializeSweepGroup(r, g));
      return bytes;
    });
    if (!ranks.is_root()) return s;  // rank 0 writes
    for (size_t k = 1; k < parts.size(); ++k) {
      if (RestoreGroupRecords(parts[k], &r, nullptr) != parts[k].size())
        ThrowInternalError("sweep: rank " + std::to_string(k) + " sent a cut record");
      std::string().swap(parts[k]);  // about 100 KB per series: freed as soon as restored
    }
    r.threads_used *= ranks.size;
    s.ranks = ranks.size;
  } else {
    // The resolved configuration (threads aside: results do not depend on
    // them) and the data's fingerprint: a resume must be of the same sweep.
    toml::table resolved = config.ResolvedSweepTable();
    for (auto& [key, node] : resolved)
      if (toml::table* section = node.as_table()) section->erase("threads");
    std::ostringstream identity;
    identity << TomlToString(resolved) << "\n# data " << s.data.label << ", fingerprint "
             << SeriesFingerprint(series) << "\n";
    const std::string header = CheckpointHeader(kSweepCheckpointMagic, identity.str());
    size_t keep = 0;
    if (resume) {
      hooks.done.assign(static_cast<size_t>(ng), 0);
      keep = header.size() + RestoreGroupRecords(ReadCheckpointBody(checkpoint, header, "sweep"), &r, &hooks.done);
    }
    CheckpointWriter writer(checkpoint, header, keep);
    size_t saved = 0;
    for (uint8_t d : hooks.done) saved += d;
    s.resumed_series = static_cast<int64_t>(saved);
    // Finished series are buffered and written with one fsync at most once a
    // second (a series takes milliseconds; an fsync per series would cost
    // more than the work): a kill loses at most the last second.
    std::string pending;
    size_t pending_series = 0;
    auto last_flush = std::chrono::steady_clock::time_point{};  // the first series is written at once
    auto flush = [&] {
      if (pending.empty()) return;
      writer.Append(pending);
      pending.clear();
      saved += pending_series;
      pending_series = 0;
      last_flush = std::chrono::steady_clock::now();
    };
    hooks.on_group_done = [&](int g) {
      pending += GroupRecord(g, robustness::SerializeSweepGroup(r, g));
      ++pending_series;
      if (std::chrono::steady_clock::now() - last_flush >= std::chrono::seconds(1) || pending.size() >= (64u << 20))
        flush();
    };
    try {
      robustness::ComputeSweepGroups(series, generator.get(), hooks, &r);
    } catch (const Error& e) {
      flush();  // every finished series is kept
      if (e.kind() == ErrorKind::kInterrupted)
        throw Error(ErrorKind::kInterrupted, std::string(e.what()) + "; " + std::to_string(saved) + " of " +
                                                 std::to_string(ng) + " series are saved in " + checkpoint.string() +
                                                 ": continue with the same command and --resume");
      throw;
    }
  }
  robustness::FinishSweep(series, &r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  FillOutcome(config, &s);
  WriteAndCommit(*output, [&](hid_t file) { WriteSweepSections(file, s); });
  if (!ranks.distributed()) {
    std::error_code ec;
    std::filesystem::remove(checkpoint, ec);  // the file holds everything now
  }
  return s;
}

}  // namespace chokepoint::pipeline
