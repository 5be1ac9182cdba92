// Replicates from the bootstrap module's SeriesResampler: one resampler per
// group (model fit and block length chosen once), replicate r of group g drawn
// from the stream (seed, g, r) exactly as the bootstrap engine draws it.
#include <algorithm>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/error.h"
#include "chokepoint/robustness/sweep/sweep.h"

namespace chokepoint::robustness {
namespace {

class BootstrapGenerator : public ReplicateGenerator {
 public:
  BootstrapGenerator(const GroupSeries& series, const bootstrap::ResamplerOptions& options, uint64_t seed)
      : seed_(seed), length_(series.num_months) {
    for (int g = 0; g < series.num_groups(); ++g) {
      bool complete = true;
      if (!series.present.empty())
        for (int t = 0; t < series.num_months; ++t)
          complete = complete && series.present[static_cast<size_t>(g) * series.num_months + t] != 0;
      if (!complete) {
        resamplers_.emplace_back(std::nullopt);
        reasons_.push_back("months missing");
        continue;
      }
      try {
        resamplers_.emplace_back(std::in_place, series.row(g), series.first_month, options);
        reasons_.emplace_back();
      } catch (const Error& e) {
        // A series the scheme cannot resample (e.g. zeros under a log scheme):
        // its replicates are counted as failed, never invented.
        resamplers_.emplace_back(std::nullopt);
        reasons_.push_back(e.what());
      }
    }
  }

  struct WorkspaceScratch : Scratch {
    explicit WorkspaceScratch(int n) : ws(n) {}
    bootstrap::Workspace ws;
  };

  std::unique_ptr<Scratch> MakeScratch() const override { return std::make_unique<WorkspaceScratch>(length_); }

  bool Available(int group) const override { return resamplers_[group].has_value(); }
  std::string Unavailable(int group) const override { return reasons_[group]; }

  void Generate(int group, int replicate, std::span<double> out, Scratch* scratch) const override {
    resamplers_[group]->Generate(seed_, static_cast<uint32_t>(group), static_cast<uint32_t>(replicate), out,
                                 static_cast<WorkspaceScratch*>(scratch)->ws);
  }

  double BlockLengthUsed(int group) const override {
    return resamplers_[group] ? resamplers_[group]->block_length_used() : 0.0;
  }

 private:
  uint64_t seed_;
  int length_;
  std::vector<std::optional<bootstrap::SeriesResampler>> resamplers_;
  std::vector<std::string> reasons_;
};

}  // namespace

std::unique_ptr<ReplicateGenerator> MakeBootstrapGenerator(const GroupSeries& series,
                                                           const bootstrap::ResamplerOptions& options,
                                                           uint64_t seed) {
  std::string err;
  if (!options.IsValid(&err)) ThrowUsageError(err);
  return std::make_unique<BootstrapGenerator>(series, options, seed);
}

SweepResult RunSweep(const GroupSeries& series, const SweepOptions& options, const SweepProgress& progress) {
  std::unique_ptr<ReplicateGenerator> generator;
  if (options.replicates > 0) generator = MakeBootstrapGenerator(series, options.resampler, options.seed);
  return RunSweep(series, options, generator.get(), progress);
}

}  // namespace chokepoint::robustness
