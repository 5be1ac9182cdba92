#include "chokepoint/core/simulate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <tbb/parallel_for.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/random.h"

namespace chokepoint {
namespace {

// Day of year of the Lunar New Year, 2010..2030 (2015-02-19 = day 50,
// 2017-01-28 = day 28, 2020-01-25 = day 25, 2023-01-22 = day 22, 2024-02-10 = day 41).
constexpr int kLnyDayOfYear[] = {45, 34, 23, 41, 31, 50, 39, 28, 47, 36, 25,
                                 43, 32, 22, 41, 29, 48, 37, 26, 44, 34};
static_assert(std::size(kLnyDayOfYear) == kLnyTableLastYear - kLnyTableFirstYear + 1);
constexpr int kLnyWindowBefore = 7;   // days before LNY in the holiday window
constexpr int kLnyWindowDays = 21;    // LNY - 7 .. LNY + 13

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<int> LunarNewYearDayOfYear(int year) {
  const int i = year - kLnyTableFirstYear;
  if (i < 0 || i >= static_cast<int>(std::size(kLnyDayOfYear))) return std::nullopt;
  return kLnyDayOfYear[i];
}

std::array<double, 12> LunarNewYearWeights(int year) {
  auto lny = LunarNewYearDayOfYear(year);
  if (!lny) ThrowUsageError("Lunar New Year dates are tabulated for 2010..2030 only; year " + std::to_string(year) +
                            " needs lny_dip = 0");
  std::array<double, 12> w{};
  const int first = *lny - kLnyWindowBefore;
  for (int d = first; d < first + kLnyWindowDays; ++d) {
    int day = d, m = 1;
    while (day > DaysInMonth(year, m)) day -= DaysInMonth(year, m++);
    w[m - 1] += 1.0 / kLnyWindowDays;
  }
  return w;
}

std::string SyntheticLabel(const std::string& scenario_name, uint64_t seed) {
  return "synthetic: scenario " + scenario_name + ", seed " + std::to_string(seed);
}

BlockTruth BlockNoiseFreePath(const SeriesBlock& block, YearMonth first_month, int T) {
  const SeriesShape& s = block.shape;
  BlockTruth b;
  b.group_id = block.group_id;
  b.name = block.name;
  b.category = block.category;
  for (const auto& m : block.members) {
    b.codes.push_back(m.code);
    b.shares.push_back(m.share);
  }
  b.log_level_trend.assign(T, 0.0);
  b.log_season.assign(T, 0.0);
  b.log_surge.assign(T, 0.0);
  b.log_annual.assign(T, 0.0);
  b.path.assign(T, 0.0);

  // Trend: continuous, with a kink at each break month B: the step from month
  // t-1 to t uses the slope in force at t-1, so trend(t) = s0 min(t, B) +
  // s1 max(0, t - B) for one break.
  double trend = 0.0;
  double slope = s.slope_per_year / 12.0;
  size_t next_break = 0;
  std::map<int, std::array<double, 12>> lny;
  for (int t = 0; t < T; ++t) {
    const YearMonth ym = first_month.Plus(t);
    if (t > 0) trend += slope;
    while (next_break < s.breaks.size() && s.breaks[next_break].month <= ym)
      slope = s.breaks[next_break++].slope_per_year / 12.0;
    b.log_level_trend[t] = std::log(s.level_usd) + trend;
    double season = s.seasonality * s.season[ym.month - 1];
    if (s.lny_dip != 0.0 && ym.month <= 3) {
      auto it = lny.find(ym.year);
      if (it == lny.end()) it = lny.emplace(ym.year, LunarNewYearWeights(ym.year)).first;
      season -= s.lny_dip * it->second[ym.month - 1];
    }
    b.log_season[t] = season;
    double surge = 0.0;
    for (const auto& u : s.surges) {
      const int since = MonthsBetween(u.onset, ym);
      if (since >= 0) surge += u.amplitude * std::exp2(-static_cast<double>(since) / u.half_life_months);
    }
    b.log_surge[t] = surge;
    b.path[t] = std::exp(b.log_level_trend[t] + b.log_season[t] + b.log_surge[t]);
  }
  if (!s.annual_totals_usd.empty()) {
    // Rescale each calendar year (as much of it as the period holds) to its total.
    int t = 0;
    while (t < T) {
      const int year = first_month.Plus(t).year;
      int end = t;
      double sum = 0.0;
      while (end < T && first_month.Plus(end).year == year) sum += b.path[end++];
      const double target = s.annual_totals_usd.at(static_cast<size_t>(year - first_month.year));
      const double log_factor = std::log(target / sum);
      for (int k = t; k < end; ++k) {
        b.log_annual[k] = log_factor;
        b.path[k] *= target / sum;
      }
      t = end;
    }
  }
  return b;
}

SimulationResult Simulate(const Scenario& scenario, uint64_t seed) {
  std::string error;
  if (!scenario.IsValid(&error)) ThrowUsageError("scenario " + scenario.name + ": " + error);
  const int T = scenario.num_months();
  SimulationResult r;
  r.scenario = scenario;
  r.seed = seed;
  SimulationTruth& truth = r.truth;
  truth.first_month = scenario.first_month;
  truth.num_months = T;

  for (const auto& b : scenario.groups) truth.blocks.push_back(BlockNoiseFreePath(b, scenario.first_month, T));
  for (const auto& b : scenario.background) truth.blocks.push_back(BlockNoiseFreePath(b, scenario.first_month, T));

  // Panel rows: all member codes, ascending.
  struct CodeRef { HsCode code; int block; int member; };
  std::vector<CodeRef> refs;
  for (int bi = 0; bi < static_cast<int>(truth.blocks.size()); ++bi)
    for (int mi = 0; mi < static_cast<int>(truth.blocks[bi].codes.size()); ++mi)
      refs.push_back({truth.blocks[bi].codes[mi], bi, mi});
  std::sort(refs.begin(), refs.end(), [](const CodeRef& a, const CodeRef& b) { return a.code < b.code; });
  std::vector<HsCode> codes;
  for (const auto& c : refs) codes.push_back(c.code);
  r.panel = Panel(codes, scenario.first_month, T);
  truth.code_paths.assign(codes.size() * static_cast<size_t>(T), 0.0);

  const auto all_blocks = [&](int bi) -> const SeriesBlock& {
    const int ng = static_cast<int>(scenario.groups.size());
    return bi < ng ? scenario.groups[bi] : scenario.background[bi - ng];
  };

  // Each code writes only its own row, so rows are independent work items.
  std::vector<double> observed(codes.size() * static_cast<size_t>(T), 0.0);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, refs.size()), [&](const tbb::blocked_range<size_t>& range) {
    for (size_t row = range.begin(); row != range.end(); ++row) {
      const CodeRef& ref = refs[row];
      const BlockTruth& bt = truth.blocks[ref.block];
      const SeriesShape& shape = all_blocks(ref.block).shape;
      const double share = bt.shares[ref.member];
      double* tr = truth.code_paths.data() + row * T;
      double* x = observed.data() + row * T;
      for (int t = 0; t < T; ++t) tr[t] = share * bt.path[t];

      RandomStream rng(seed, ref.code.value(), 0u);
      const double rho = shape.rho, sigma = shape.sigma;
      const double stationary_var = sigma * sigma / (1.0 - rho * rho);
      double u = std::sqrt(stationary_var) * rng.NextNormal();
      for (int t = 0; t < T; ++t) {
        if (t > 0) u = rho * u + sigma * rng.NextNormal();
        x[t] = tr[t] * std::exp(u - 0.5 * stationary_var);
      }
      if (scenario.benchmark_annual) {
        int t = 0;
        while (t < T) {
          const int year = scenario.first_month.Plus(t).year;
          int end = t;
          double sx = 0.0, st = 0.0;
          while (end < T && scenario.first_month.Plus(end).year == year) {
            sx += x[end];
            st += tr[end];
            ++end;
          }
          for (int k = t; k < end; ++k) x[k] *= st / sx;
          t = end;
        }
      }
    }
  });
  for (int row = 0; row < static_cast<int>(codes.size()); ++row)
    for (int t = 0; t < T; ++t) r.panel.Set(row, t, observed[static_cast<size_t>(row) * T + t]);

  // Group truth: the noise-free sum of members (= the block path).
  const int ng = static_cast<int>(scenario.groups.size());
  truth.group_paths.assign(static_cast<size_t>(ng) * T, 0.0);
  for (int g = 0; g < ng; ++g) {
    truth.group_ids.push_back(scenario.groups[g].group_id);
    truth.group_names.push_back(scenario.groups[g].name);
    for (const HsCode& c : truth.blocks[g].codes) {
      const int row = r.panel.RowOf(c);
      for (int t = 0; t < T; ++t)
        truth.group_paths[static_cast<size_t>(g) * T + t] += truth.code_paths[static_cast<size_t>(row) * T + t];
    }
  }

  PanelProvenance& p = r.panel.provenance;
  p.synthetic = true;
  p.scenario = scenario.name;
  p.seed = seed;
  p.label = SyntheticLabel(scenario.name, seed);
  if (!scenario.file.empty()) p.source_files.push_back(scenario.file);
  return r;
}

std::string SimulationResult::FullReport() const {
  std::ostringstream out;
  out << panel.provenance.label << "\n";
  out << "scenario " << scenario.name;
  if (!scenario.file.empty()) out << " (" << scenario.file << ")";
  out << ": " << scenario.first_month.ToString() << ".." << scenario.last_month.ToString() << ", "
      << panel.num_codes() << " codes x " << panel.num_months() << " months, "
      << scenario.groups.size() << " groups, " << scenario.background.size() << " background blocks, "
      << "annual benchmarking " << (scenario.benchmark_annual ? "on" : "off") << "\n";
  char buf[256];
  for (const auto& b : truth.blocks) {
    double first_year = 0.0, total = 0.0;
    for (int t = 0; t < truth.num_months; ++t) {
      total += b.path[t];
      if (t < 12) first_year += b.path[t];
    }
    std::snprintf(buf, sizeof buf, "  %-13s %-45s %3zu codes, first-year total %.4g US$, all months %.4g US$\n",
                  b.group_id > 0 ? ("group " + std::to_string(b.group_id)).c_str() : "background",
                  b.name.c_str(), b.codes.size(), first_year, total);
    out << buf;
  }
  return out.str();
}

SimulationResult DefaultSimulation(uint64_t seed) {
  return Simulate(Scenario::Load(kDefaultScenarioName), seed);
}

Panel DefaultPanel(uint64_t seed) { return DefaultSimulation(seed).panel; }

}  // namespace chokepoint
