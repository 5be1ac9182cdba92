#include "sweep_oracle.h"

#include <algorithm>
#include <memory>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/indices.h"

namespace chokepoint::testing {

std::vector<int64_t> BruteForceRegimeCounts(const GroupSeries& series, const robustness::SweepGrid& grid,
                                            const robustness::ReplicateGenerator* generator, int replicates,
                                            std::span<const int> spec_subset, bool include_point) {
  const int ng = series.num_groups();
  const int64_t ntp = grid.num_threshold_points();
  const size_t nvl = grid.volatility_low.size(), nvh = grid.volatility_high.size(), nov = grid.overrides.size();
  std::vector<int64_t> out(spec_subset.size() * ng * ntp * 3, 0);
  std::vector<double> monthly(static_cast<size_t>(series.num_months));
  std::unique_ptr<robustness::ReplicateGenerator::Scratch> scratch;
  if (generator && replicates > 0) scratch = generator->MakeScratch();
  for (int g = 0; g < ng; ++g) {
    const std::span<const unsigned char> present =
        series.present.empty() ? std::span<const unsigned char>()
                               : std::span<const unsigned char>(series.present).subspan(
                                     static_cast<size_t>(g) * series.num_months, series.num_months);
    for (int r = include_point ? -1 : 0; r < replicates; ++r) {
      if (r < 0) {
        std::copy(series.row(g).begin(), series.row(g).end(), monthly.begin());
      } else {
        if ((!series.present.empty() && !series.row_complete(g)) || !generator->Available(g)) continue;
        generator->Generate(g, r, monthly, scratch.get());
      }
      for (size_t si = 0; si < spec_subset.size(); ++si) {
        const int s = spec_subset[si];
        if (grid.spec_status[s] != IndexStatus::kOk) continue;
        const IndexValues iv =
            ComputeSeriesIndices(monthly, r < 0 ? present : std::span<const unsigned char>(), series.first_month,
                                 grid.specs[s]);
        if (!iv.ok()) continue;
        int64_t tp = 0;
        for (size_t k = 0; k < grid.growth.size(); ++k)
          for (size_t jh = 0; jh < nvh; ++jh)
            for (size_t jl = 0; jl < nvl; ++jl)
              for (size_t o = 0; o < nov; ++o, ++tp) {
                Thresholds t;
                t.growth = grid.growth[k];
                t.volatility_high = grid.volatility_high[jh];
                t.volatility_low = grid.volatility_low[jl];
                t.semiconductor_override = grid.overrides[o] != 0;
                if (t.volatility_low > t.volatility_high) continue;  // incoherent: skipped
                const Classification c = Classify(iv.V, iv.G, series.groups[g].semiconductor, t);
                ++out[((si * ng + g) * ntp + tp) * 3 + static_cast<int>(c.regime)];
              }
      }
    }
  }
  return out;
}

}  // namespace chokepoint::testing
