// [sweep] options: axis expansion, TOML reading/writing, validation.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/robustness/sweep/sweep.h"

namespace chokepoint::robustness {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t next = s.find(sep, pos);
    out.push_back(Trim(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos)));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

std::optional<double> ParseDouble(const std::string& s) {
  if (s.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

// Nearest double to the value rounded to 9 decimals: grid points typed as
// decimals (0.5, 0.24) compare exactly as the same decimals given to Classify.
double RoundGrid(double v) { return std::round(v * 1e9) / 1e9; }

std::string FormatNumber(double v) {
  std::ostringstream o;
  o.precision(12);
  o << v;
  return o.str();
}

}  // namespace

std::string WeightingChoice::ToString() const {
  switch (weighting) {
    case Weighting::kExponential: return "exponential:" + FormatNumber(half_life);
    case Weighting::kLastK: return "last_k:" + std::to_string(last_k);
    default: return std::string(chokepoint::ToString(weighting));
  }
}

std::optional<WeightingChoice> WeightingChoice::FromString(std::string_view text) {
  const auto colon = text.find(':');
  const auto w = WeightingFromString(Trim(text.substr(0, colon)));
  if (!w) return std::nullopt;
  WeightingChoice c;
  c.weighting = *w;
  const bool parametric = *w == Weighting::kExponential || *w == Weighting::kLastK;
  if (colon == std::string_view::npos) return parametric ? std::nullopt : std::optional(c);
  if (!parametric) return std::nullopt;
  const auto p = ParseDouble(Trim(text.substr(colon + 1)));
  if (!p) return std::nullopt;
  if (*w == Weighting::kExponential) {
    if (!(*p > 0)) return std::nullopt;
    c.half_life = *p;
  } else {
    if (*p < 1 || *p != std::floor(*p) || *p > 1e6) return std::nullopt;
    c.last_k = static_cast<int>(*p);
  }
  return c;
}

bool WeightingChoice::operator==(const WeightingChoice& o) const {
  if (weighting != o.weighting) return false;
  if (weighting == Weighting::kExponential) return half_life == o.half_life;
  if (weighting == Weighting::kLastK) return last_k == o.last_k;
  return true;
}

std::vector<double> ExpandThresholdRange(double from, double to, double step, std::string_view field) {
  const std::string f(field);
  if (!std::isfinite(from) || !std::isfinite(to) || !std::isfinite(step))
    ThrowUsageError(f + ": range values must be finite");
  if (to < from) ThrowUsageError(f + ": range end " + FormatNumber(to) + " is below its start " + FormatNumber(from));
  if (step <= 0 && to != from) ThrowUsageError(f + ": range step must be > 0, got " + FormatNumber(step));
  std::vector<double> out;
  if (to == from) {
    out.push_back(RoundGrid(from));
    return out;
  }
  const double n = std::floor((to - from) / step + 1e-9);
  if (n > 1e6) ThrowUsageError(f + ": range has more than a million points");
  for (int i = 0; i <= static_cast<int>(n); ++i) out.push_back(RoundGrid(from + i * step));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<double> ExpandThresholdRange(std::string_view text, std::string_view field) {
  const std::string f(field);
  std::vector<double> out;
  for (const std::string& item : Split(text, ',')) {
    const auto parts = Split(item, ':');
    std::vector<double> v;
    for (const auto& p : parts) {
      auto d = ParseDouble(p);
      if (!d) ThrowUsageError(f + ": expected FROM:TO:STEP, a number or a comma list, got \"" + std::string(text) + "\"");
      v.push_back(*d);
    }
    std::vector<double> e;
    if (v.size() == 1) e = ExpandThresholdRange(v[0], v[0], 0, field);
    else if (v.size() == 3) e = ExpandThresholdRange(v[0], v[1], v[2], field);
    else ThrowUsageError(f + ": expected FROM:TO:STEP, a number or a comma list, got \"" + std::string(text) + "\"");
    out.insert(out.end(), e.begin(), e.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<YearMonth> ExpandMonthRange(std::string_view text, std::string_view field) {
  const std::string f(field);
  auto bad = [&]() {
    ThrowUsageError(f + ": expected YYYY-MM, YYYY-MM:YYYY-MM:STEP_MONTHS or a comma list, got \"" +
                    std::string(text) + "\"");
  };
  std::vector<YearMonth> out;
  for (const std::string& item : Split(text, ',')) {
    const auto parts = Split(item, ':');
    if (parts.size() == 1) {
      auto m = YearMonth::Parse(parts[0]);
      if (!m) bad();
      out.push_back(*m);
    } else if (parts.size() == 3) {
      auto a = YearMonth::Parse(parts[0]);
      auto b = YearMonth::Parse(parts[1]);
      auto s = ParseDouble(parts[2]);
      if (!a || !b || !s || *s < 1 || *s != std::floor(*s)) bad();
      if (*b < *a) ThrowUsageError(f + ": range end " + b->ToString() + " is before its start " + a->ToString());
      for (YearMonth m = *a; m <= *b; m = m.Plus(static_cast<int>(*s))) out.push_back(m);
    } else {
      bad();
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string_view ToString(OverrideAxis o) {
  switch (o) {
    case OverrideAxis::kOn: return "on";
    case OverrideAxis::kOff: return "off";
    case OverrideAxis::kBoth: return "both";
  }
  return "?";
}
std::optional<OverrideAxis> OverrideAxisFromString(std::string_view s) {
  if (s == "on") return OverrideAxis::kOn;
  if (s == "off") return OverrideAxis::kOff;
  if (s == "both") return OverrideAxis::kBoth;
  return std::nullopt;
}

bool SweepOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) {
    if (error) *error = msg;
    return false;
  };
  auto check_axis = [&](const std::vector<double>& v, const char* name, bool positive) -> std::optional<std::string> {
    if (v.empty()) return std::string("sweep.") + name + " must hold at least one value";
    for (size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) return std::string("sweep.") + name + " values must be finite";
      if (positive && v[i] < 0) return std::string("sweep.") + name + " values must be >= 0, got " + FormatNumber(v[i]);
      if (i > 0 && !(v[i] > v[i - 1])) return std::string("sweep.") + name + " must be sorted ascending without repeats";
    }
    if (v.size() > 10000) return std::string("sweep.") + name + " has more than 10,000 values";
    return std::nullopt;
  };
  if (auto e = check_axis(growth, "growth", false)) return fail(*e);
  if (auto e = check_axis(volatility_high, "volatility_high", true)) return fail(*e);
  if (auto e = check_axis(volatility_low, "volatility_low", true)) return fail(*e);
  if (weightings.empty()) return fail("sweep.weightings must hold at least one scheme");
  for (const auto& w : weightings) {
    if (w.weighting == Weighting::kExponential && !(w.half_life > 0 && std::isfinite(w.half_life)))
      return fail("sweep.weightings: exponential half-life must be > 0, got " + FormatNumber(w.half_life));
    if (w.weighting == Weighting::kLastK && w.last_k < 1)
      return fail("sweep.weightings: last_k must be >= 1, got " + std::to_string(w.last_k));
  }
  if (window_starts.empty()) return fail("sweep.window_starts must hold at least one month");
  if (window_ends.empty()) return fail("sweep.window_ends must hold at least one month");
  if (frequencies.empty()) return fail("sweep.frequencies must hold at least one frequency");
  if (bases.empty()) return fail("sweep.bases must hold at least one base");
  std::string sub;
  if (!default_thresholds.IsValid(&sub)) return fail("sweep.default: " + sub);
  if (!default_index.IsValid(&sub)) return fail("sweep.default: " + sub);
  if (replicates < 0 || replicates > 1000000)
    return fail("sweep.replicates must be in 0..1000000, got " + std::to_string(replicates));
  if (threads < 0) return fail("sweep.threads must be >= 0 (0 = all cores), got " + std::to_string(threads));
  if (!resampler.IsValid(&sub, "sweep")) return fail(sub);  // the bootstrap's own check, naming sweep.block_length
  const double num_specs = static_cast<double>(window_starts.size()) * window_ends.size() * frequencies.size() *
                           weightings.size() * bases.size();
  const double bins = (growth.size() + 1.0) * (volatility_high.size() + volatility_low.size() + 2.0);
  if (replicates > 0 && keep_counts && num_specs * bins * 4.0 > 8e9)
    return fail("sweep.keep_counts: the full bin tables need more than 8 GB per group (" + FormatNumber(num_specs) +
                " index specifications x " + FormatNumber(bins) +
                " bins); drop keep_counts, or narrow sweep.growth or the volatility axes");
  return true;
}

namespace {

std::vector<double> ReadThresholdAxis(const TomlSection& s, std::string_view key, std::vector<double> fallback) {
  if (!s.Has(key)) return fallback;
  try {
    // Either an array of numbers or a range string.
    std::optional<std::vector<double>> arr;
    std::optional<std::string> str;
    try {
      str = s.GetString(key);
    } catch (const Error&) {
      arr = s.GetDoubleArray(key);
    }
    std::vector<double> out;
    if (str) {
      out = ExpandThresholdRange(*str, s.FullKey(key));
    } else {
      for (double v : *arr) out.push_back(RoundGrid(v));
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    return out;
  } catch (const Error& e) {
    s.Fail(key, std::string("is not valid: ") + e.what());
  }
}

std::vector<YearMonth> ReadMonthAxis(const TomlSection& s, std::string_view key, std::vector<YearMonth> fallback) {
  if (!s.Has(key)) return fallback;
  std::optional<std::string> str;
  std::optional<std::vector<std::string>> arr;
  try {
    str = s.GetString(key);
  } catch (const Error&) {
    arr = s.GetStringArray(key);
  }
  std::string joined = str ? *str : std::string();
  if (arr) {
    for (const auto& a : *arr) joined += (joined.empty() ? "" : ",") + a;
  }
  try {
    return ExpandMonthRange(joined, s.FullKey(key));
  } catch (const Error& e) {
    s.Fail(key, std::string("is not valid: ") + e.what());
  }
}

template <typename E, typename F>
std::vector<E> ReadEnumList(const TomlSection& s, std::string_view key, std::vector<E> fallback, F parse,
                            std::string_view choices) {
  auto arr = s.GetStringArray(key);
  if (!arr) return fallback;
  std::vector<E> out;
  for (const auto& a : *arr) {
    auto v = parse(a);
    if (!v) s.Fail(key, "has unknown value \"" + a + "\" (choices: " + std::string(choices) + ")");
    if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
  }
  if (out.empty()) s.Fail(key, "must not be empty");
  return out;
}

}  // namespace

SweepOptions SweepOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"growth", "volatility_high", "volatility_low", "semiconductor_override", "weightings",
                       "window_starts", "window_ends", "frequencies", "bases", "default", "replicates", "seed",
                       "scheme", "blocks", "block_length", "threads", "keep_clouds", "keep_counts", "detail_groups"});
  SweepOptions o;
  o.growth = ReadThresholdAxis(s, "growth", o.growth);
  o.volatility_high = ReadThresholdAxis(s, "volatility_high", o.volatility_high);
  o.volatility_low = ReadThresholdAxis(s, "volatility_low", o.volatility_low);
  if (auto v = s.GetString("semiconductor_override")) {
    auto e = OverrideAxisFromString(*v);
    if (!e) s.Fail("semiconductor_override", "must be \"on\", \"off\" or \"both\", got \"" + *v + "\"");
    o.semiconductor_override = *e;
  }
  if (auto arr = s.GetStringArray("weightings")) {
    o.weightings.clear();
    for (const auto& a : *arr) {
      auto w = WeightingChoice::FromString(a);
      if (!w)
        s.Fail("weightings", "has unknown scheme \"" + a +
                                 "\" (choices: equal, linear, quadratic, exponential:HALF_LIFE, last_k:K)");
      if (std::find(o.weightings.begin(), o.weightings.end(), *w) == o.weightings.end()) o.weightings.push_back(*w);
    }
  }
  o.window_starts = ReadMonthAxis(s, "window_starts", o.window_starts);
  o.window_ends = ReadMonthAxis(s, "window_ends", o.window_ends);
  o.frequencies = ReadEnumList<Frequency>(s, "frequencies", o.frequencies, FrequencyFromString,
                                          "monthly, quarterly, annual");
  o.bases = ReadEnumList<BaseRule>(s, "bases", o.bases, BaseRuleFromString, "first, first12");
  const TomlSection d = s.Sub("default");
  d.RejectUnknownKeys({"growth", "volatility_high", "volatility_low", "semiconductor_override", "weighting",
                       "frequency", "base", "window_start", "window_end"});
  if (auto v = d.GetDouble("growth")) o.default_thresholds.growth = RoundGrid(*v);
  if (auto v = d.GetDouble("volatility_high")) o.default_thresholds.volatility_high = RoundGrid(*v);
  if (auto v = d.GetDouble("volatility_low")) o.default_thresholds.volatility_low = RoundGrid(*v);
  if (auto v = d.GetBool("semiconductor_override")) o.default_thresholds.semiconductor_override = *v;
  if (auto v = d.GetString("weighting")) {
    auto w = WeightingChoice::FromString(*v);
    if (!w) d.Fail("weighting", "has unknown scheme \"" + *v + "\"");
    o.default_index.weighting = w->weighting;
    o.default_index.half_life = w->half_life;
    o.default_index.last_k = w->last_k;
  }
  if (auto v = d.GetString("frequency")) {
    auto f = FrequencyFromString(*v);
    if (!f) d.Fail("frequency", "must be monthly, quarterly or annual");
    o.default_index.frequency = *f;
  }
  if (auto v = d.GetString("base")) {
    auto b = BaseRuleFromString(*v);
    if (!b) d.Fail("base", "must be first or first12");
    o.default_index.base = *b;
  }
  if (auto v = d.GetMonth("window_start")) o.default_index.window_start = *v;
  if (auto v = d.GetMonth("window_end")) o.default_index.window_end = *v;
  if (auto v = s.GetInt("replicates")) o.replicates = static_cast<int>(std::clamp<long long>(*v, -1, 2000000000));
  if (auto v = s.GetInt("seed")) o.seed = static_cast<uint64_t>(*v);
  if (auto v = s.GetString("scheme")) {
    auto e = bootstrap::SchemeFromString(*v);
    if (!e) s.Fail("scheme", "must be residual, growth, sieve or levels, got \"" + *v + "\"");
    o.resampler.scheme = *e;
  }
  if (auto v = s.GetString("blocks")) {
    auto e = bootstrap::BlockMethodFromString(*v);
    if (!e) s.Fail("blocks", "must be stationary, circular or moving, got \"" + *v + "\"");
    o.resampler.blocks = *e;
  }
  if (s.Has("block_length")) {
    std::optional<std::string> str;
    try {
      str = s.GetString("block_length");
    } catch (const Error&) {
    }
    if (str) {
      if (*str != "auto") s.Fail("block_length", "must be \"auto\" or a number of months");
      o.resampler.block_length = 0.0;
    } else {
      o.resampler.block_length = *s.GetDouble("block_length");
    }
  }
  if (auto v = s.GetInt("threads")) o.threads = static_cast<int>(std::clamp<long long>(*v, -1, 1 << 20));
  if (auto v = s.GetBool("keep_clouds")) o.keep_clouds = *v;
  if (auto v = s.GetBool("keep_counts")) o.keep_counts = *v;
  if (auto v = s.GetStringArray("detail_groups")) o.detail_groups = *v;
  std::string err;
  if (!o.IsValid(&err)) s.Fail("", err);
  return o;
}

toml::table SweepOptions::ToToml() const {
  auto numbers = [](const std::vector<double>& v) {
    toml::array a;
    for (double d : v) a.push_back(d);
    return a;
  };
  auto months = [](const std::vector<YearMonth>& v) {
    toml::array a;
    for (auto m : v) a.push_back(m.ToString());
    return a;
  };
  toml::table t;
  t.insert("growth", numbers(growth));
  t.insert("volatility_high", numbers(volatility_high));
  t.insert("volatility_low", numbers(volatility_low));
  t.insert("semiconductor_override", std::string(ToString(semiconductor_override)));
  toml::array w;
  for (const auto& c : weightings) w.push_back(c.ToString());
  t.insert("weightings", w);
  t.insert("window_starts", months(window_starts));
  t.insert("window_ends", months(window_ends));
  toml::array f;
  for (auto x : frequencies) f.push_back(std::string(chokepoint::ToString(x)));
  t.insert("frequencies", f);
  toml::array b;
  for (auto x : bases) b.push_back(std::string(chokepoint::ToString(x)));
  t.insert("bases", b);
  toml::table d;
  d.insert("growth", default_thresholds.growth);
  d.insert("volatility_high", default_thresholds.volatility_high);
  d.insert("volatility_low", default_thresholds.volatility_low);
  d.insert("semiconductor_override", default_thresholds.semiconductor_override);
  WeightingChoice dw{default_index.weighting, default_index.half_life, default_index.last_k};
  d.insert("weighting", dw.ToString());
  d.insert("frequency", std::string(chokepoint::ToString(default_index.frequency)));
  d.insert("base", std::string(chokepoint::ToString(default_index.base)));
  if (default_index.window_start) d.insert("window_start", default_index.window_start->ToString());
  if (default_index.window_end) d.insert("window_end", default_index.window_end->ToString());
  t.insert("default", d);
  t.insert("replicates", static_cast<int64_t>(replicates));
  t.insert("seed", static_cast<int64_t>(seed));
  t.insert("scheme", std::string(bootstrap::ToString(resampler.scheme)));
  t.insert("blocks", std::string(bootstrap::ToString(resampler.blocks)));
  if (resampler.block_length > 0) t.insert("block_length", resampler.block_length);
  else t.insert("block_length", "auto");
  t.insert("threads", static_cast<int64_t>(threads));
  t.insert("keep_clouds", keep_clouds);
  t.insert("keep_counts", keep_counts);
  toml::array dg;
  for (const auto& g : detail_groups) dg.push_back(g);
  t.insert("detail_groups", dg);
  return t;
}

}  // namespace chokepoint::robustness
