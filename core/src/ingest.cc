// Ingest driver: header detection per format, the row loop, the (code, month)
// accumulator with duplicate detection, January-February policies, metadata.
#include "chokepoint/core/ingest.h"
#include "chokepoint/core/memory_limit.h"

#include <algorithm>
#include <limits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <regex>
#include <span>
#include <sstream>
#include <unordered_map>

#include <fast_float/fast_float.h>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/run_config.h"
#include "ingest_internal.h"

namespace chokepoint {

using namespace ingest_detail;

std::string_view ToString(IngestFormat f) {
  switch (f) {
    case IngestFormat::kAuto: return "auto";
    case IngestFormat::kCanonical: return "canonical";
    case IngestFormat::kCustoms: return "customs";
    case IngestFormat::kComtrade: return "comtrade";
    case IngestFormat::kColumns: return "columns";
  }
  return "auto";
}

std::optional<IngestFormat> IngestFormatFromString(std::string_view s) {
  for (IngestFormat f : {IngestFormat::kAuto, IngestFormat::kCanonical, IngestFormat::kCustoms, IngestFormat::kComtrade,
                         IngestFormat::kColumns})
    if (ToString(f) == s) return f;
  return std::nullopt;
}

std::string_view ToString(JanFebPolicy p) {
  switch (p) {
    case JanFebPolicy::kReject: return "reject";
    case JanFebPolicy::kKeepMerged: return "keep-merged";
    case JanFebPolicy::kSplit: return "split";
  }
  return "reject";
}

std::optional<JanFebPolicy> JanFebPolicyFromString(std::string_view s) {
  for (JanFebPolicy p : {JanFebPolicy::kReject, JanFebPolicy::kKeepMerged, JanFebPolicy::kSplit})
    if (ToString(p) == s) return p;
  return std::nullopt;
}

std::string_view ToString(IngestProblem p) {
  switch (p) {
    case IngestProblem::kMalformedNumber: return "malformed_number";
    case IngestProblem::kInvalidCode: return "invalid_code";
    case IngestProblem::kInvalidPeriod: return "invalid_period";
    case IngestProblem::kNegativeValue: return "negative_value";
    case IngestProblem::kConflictingDuplicate: return "conflicting_duplicate";
    case IngestProblem::kBadEncoding: return "bad_encoding";
    case IngestProblem::kWrongFieldCount: return "wrong_field_count";
    case IngestProblem::kMissingRate: return "missing_rate";
    case IngestProblem::kJanFebConflict: return "jan_feb_conflict";
  }
  return "unknown";
}

namespace {
// Roles a `columns` pair may name.
constexpr std::string_view kColumnRoles[] = {"code", "period", "year", "month", "value", "flow", "quantity", "unit"};

// "role=column, role=column" -> pairs; false with a message on a bad entry.
bool SplitPairs(std::string_view text, std::vector<std::pair<std::string, std::string>>* out, std::string* why) {
  out->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = Trim(text.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) {
      if (comma == text.size()) break;
      continue;
    }
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || Trim(item.substr(0, eq)).empty() || Trim(item.substr(eq + 1)).empty()) {
      *why = "'" + std::string(item) + "' is not ROLE=COLUMN";
      return false;
    }
    out->emplace_back(std::string(Trim(item.substr(0, eq))), std::string(Trim(item.substr(eq + 1))));
  }
  return true;
}
}  // namespace

bool IngestOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (max_examples < 0 || max_examples > 10000) return fail("ingest.max_examples must be in 0..10000");
  if (!rates_file.empty() && !std::filesystem::exists(rates_file))
    return fail("ingest.rates: file not found: " + rates_file);
  if (!(scale > 0) || !std::isfinite(scale)) return fail("ingest.scale must be a positive finite number (1000 for thousands)");
  std::string why;
  if (period_format != "auto" && !ValidPeriodPattern(period_format, &why))
    return fail("ingest.period_format '" + period_format + "': " + why);
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!SplitPairs(columns, &pairs, &why)) return fail("ingest.columns: " + why);
  std::vector<std::string> seen;
  for (const auto& [role, column] : pairs) {
    if (std::find(std::begin(kColumnRoles), std::end(kColumnRoles), role) == std::end(kColumnRoles))
      return fail("ingest.columns: unknown role '" + role + "' (code, period, year, month, value, flow, quantity, unit)");
    if (std::find(seen.begin(), seen.end(), role) != seen.end())
      return fail("ingest.columns: role '" + role + "' given twice");
    seen.push_back(role);
  }
  if (format == IngestFormat::kColumns) {
    auto has = [&](std::string_view r) { return std::find(seen.begin(), seen.end(), r) != seen.end(); };
    if (!has("code") || !has("value") || !(has("period") || (has("year") && has("month"))))
      return fail("ingest.columns: format columns needs code=..., value=... and period=... (or year=... and month=...)");
  }
  for (const std::string& w : where) {
    const size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) return fail("ingest.where: '" + w + "' is not COLUMN=VALUE");
  }
  return true;
}

IngestOptions LoadIngestPreset(std::string_view name_or_path) {
  std::filesystem::path path(name_or_path);
  if (!std::filesystem::exists(path) || std::filesystem::is_directory(path)) {
    path = DataDirectory() / "ingest_presets" / (std::string(name_or_path) + ".toml");
    if (!std::filesystem::exists(path)) {
      std::string known;
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(DataDirectory() / "ingest_presets", ec))
        if (e.path().extension() == ".toml") known += (known.empty() ? "" : ", ") + e.path().stem().string();
      ThrowUsageError("ingest preset '" + std::string(name_or_path) + "': no such file and no shipped preset of that name" +
                      (known.empty() ? std::string() : " (shipped: " + known + ")"));
    }
  }
  const toml::table t = ParseTomlFile(path.string());
  const toml::table* section = t["ingest"].as_table();
  if (!section) ThrowInputError(path.string(), 0, 0, "an ingest preset needs an [ingest] table");
  if (section->contains("preset")) ThrowInputError(path.string(), 0, 0, "a preset cannot name another preset");
  IngestOptions o = IngestOptions::FromToml(TomlSection(section, "ingest", path.string()));
  o.preset = std::string(name_or_path);
  return o;
}

IngestOptions IngestOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"format", "jan_feb", "rates", "lenient", "max_examples", "columns", "period_format", "scale",
                       "where", "flow", "source", "preset"});
  IngestOptions o;
  if (auto v = s.GetString("preset"); v && !v->empty()) o = LoadIngestPreset(*v);
  if (auto v = s.GetString("format")) {
    auto f = IngestFormatFromString(*v);
    if (!f) s.Fail("format", "must be auto, canonical, customs, comtrade or columns");
    o.format = *f;
  }
  if (auto v = s.GetString("jan_feb")) {
    auto p = JanFebPolicyFromString(*v);
    if (!p) s.Fail("jan_feb", "must be reject, keep-merged or split");
    o.jan_feb = *p;
  }
  if (auto v = s.GetString("rates")) o.rates_file = *v;
  if (auto v = s.GetBool("lenient")) o.lenient = *v;
  if (auto v = s.GetInt("max_examples")) o.max_examples = static_cast<int>(*v);
  if (auto v = s.GetString("columns")) o.columns = *v;
  if (auto v = s.GetString("period_format")) o.period_format = *v;
  if (auto v = s.GetDouble("scale")) o.scale = *v;
  if (auto v = s.GetStringArray("where")) o.where = *v;
  if (auto v = s.GetString("flow")) o.flow = *v;
  if (auto v = s.GetString("source")) o.source = *v;
  std::string error;
  if (!o.IsValid(&error)) s.Fail("", error);
  return o;
}

toml::table IngestOptions::ToToml() const {
  toml::table t;
  t.insert("format", std::string(ToString(format)));
  t.insert("jan_feb", std::string(ToString(jan_feb)));
  t.insert("rates", rates_file);
  t.insert("lenient", lenient);
  t.insert("max_examples", static_cast<int64_t>(max_examples));
  t.insert("columns", columns);
  t.insert("period_format", period_format);
  t.insert("scale", scale);
  toml::array w;
  for (const auto& x : where) w.push_back(x);
  t.insert("where", w);
  t.insert("flow", flow);
  t.insert("source", source);
  t.insert("preset", preset);
  return t;
}

namespace {

enum class Currency { kUsd, kRmb };

// What each column of a file means.
struct Layout {
  IngestFormat format = IngestFormat::kCanonical;
  size_t num_fields = 0;
  std::vector<std::string> names;  // header cells as written
  int code_col = -1;
  bool code_hs6 = false;
  int period_col = -1;
  bool period_allow_day = false;
  int year_col = -1, month_col = -1;
  int freq_col = -1;
  int value_col = -1;
  Currency currency = Currency::kUsd;
  int flow_col = -1;
  int reporter_col = -1;
  int quantity_col = -1;
  int unit_col = -1;
  std::vector<int> dim_cols;
  // `where` filters: column -> accepted values.
  std::vector<std::pair<int, std::vector<std::string>>> filters;
  // Comtrade: a row is a total when every one of these is empty or a total code.
  std::vector<std::pair<int, std::vector<std::string>>> total_cols;

  std::string Describe(int col) const {
    return "field " + std::to_string(col + 1) + " (" + names[static_cast<size_t>(col)] + ")";
  }
};

// --- Header synonym tables (normalised with NormalizeHeader). -------------
enum class Role { kCode, kPeriod, kUsd, kRmb, kFlow, kIgnore, kDimension, kQuantity, kUnit };

struct Synonym {
  std::string_view name;
  Role role;
};

// China Customs query platform, Chinese and English exports.
constexpr Synonym kCustomsSynonyms[] = {
    {"商品编码", Role::kCode}, {"商品代码", Role::kCode}, {"hs编码", Role::kCode},
    {"commoditycode", Role::kCode}, {"hscode", Role::kCode}, {"codeofcommodity", Role::kCode},
    {"数据年月", Role::kPeriod}, {"年月", Role::kPeriod}, {"日期", Role::kPeriod},
    {"dateofdata", Role::kPeriod}, {"date", Role::kPeriod}, {"yearmonth", Role::kPeriod}, {"month", Role::kPeriod},
    {"美元", Role::kUsd}, {"金额美元", Role::kUsd}, {"美元值", Role::kUsd}, {"美元金额", Role::kUsd},
    {"usdollar", Role::kUsd}, {"usdollars", Role::kUsd}, {"usd", Role::kUsd}, {"valueusd", Role::kUsd},
    {"人民币", Role::kRmb}, {"金额人民币", Role::kRmb}, {"人民币值", Role::kRmb}, {"人民币金额", Role::kRmb},
    {"rmb", Role::kRmb}, {"cny", Role::kRmb}, {"valuermb", Role::kRmb}, {"renminbi", Role::kRmb},
    {"进出口", Role::kFlow}, {"进出口标志", Role::kFlow}, {"flow", Role::kFlow},
    {"import/export", Role::kFlow}, {"importorexport", Role::kFlow},
    {"商品名称", Role::kIgnore}, {"commodityname", Role::kIgnore}, {"nameofcommodity", Role::kIgnore},
    // The first quantity and its unit are kept beside the value; the second
    // (a supplementary unit on some lines) is read past.
    {"第一数量", Role::kQuantity}, {"第一计量单位", Role::kUnit}, {"第二数量", Role::kIgnore},
    {"第二计量单位", Role::kIgnore}, {"数量", Role::kQuantity}, {"计量单位", Role::kUnit},
    {"firstquantity", Role::kQuantity}, {"firstunit", Role::kUnit}, {"firstunitofmeasurement", Role::kUnit},
    {"secondquantity", Role::kIgnore}, {"secondunit", Role::kIgnore}, {"secondunitofmeasurement", Role::kIgnore},
    {"quantity", Role::kQuantity}, {"unit", Role::kUnit}, {"quantity1", Role::kQuantity}, {"unit1", Role::kUnit},
    // Everything else (partner, trade mode, registration place, ...) is a
    // dimension summed over; these are listed for documentation only.
    {"贸易伙伴编码", Role::kDimension}, {"贸易伙伴名称", Role::kDimension}, {"贸易伙伴", Role::kDimension},
    {"贸易方式编码", Role::kDimension}, {"贸易方式名称", Role::kDimension}, {"贸易方式", Role::kDimension},
    {"注册地编码", Role::kDimension}, {"注册地名称", Role::kDimension}, {"注册地", Role::kDimension},
    {"收发货人注册地", Role::kDimension}, {"tradingpartnercode", Role::kDimension},
    {"tradingpartner", Role::kDimension}, {"trademodecode", Role::kDimension}, {"trademode", Role::kDimension},
    {"registrationplacecode", Role::kDimension}, {"registrationplace", Role::kDimension},
};

std::optional<Role> CustomsRole(const std::string& normalized) {
  for (const auto& s : kCustomsSynonyms)
    if (s.name == normalized) return s.role;
  return std::nullopt;
}

int FindColumn(const std::vector<std::string>& normalized, std::span<const std::string_view> names) {
  for (std::string_view n : names)
    for (size_t i = 0; i < normalized.size(); ++i)
      if (normalized[i] == n) return static_cast<int>(i);
  return -1;
}
int FindColumn(const std::vector<std::string>& normalized, std::initializer_list<std::string_view> names) {
  return FindColumn(normalized, std::span<const std::string_view>(names.begin(), names.size()));
}

bool LooksComtrade(const std::vector<std::string>& n) {
  return FindColumn(n, {"cmdcode", "primaryvalue", "tradevalueus$", "tradevalueusd"}) >= 0;
}
// The canonical code column: hs8 as written by `simulate`, or a level-neutral name.
constexpr std::string_view kCanonicalCode[] = {"hs8", "code", "hs", "hscode", "hs2", "hs4", "hs6", "hs10"};
bool LooksCanonical(const std::vector<std::string>& n) {
  return FindColumn(n, kCanonicalCode) >= 0 && FindColumn(n, {"period"}) >= 0 && FindColumn(n, {"valueusd"}) >= 0;
}
bool LooksCustoms(const std::vector<std::string>& n) {
  int code = -1, period = -1, value = -1;
  for (size_t i = 0; i < n.size(); ++i) {
    auto r = CustomsRole(n[i]);
    if (!r) continue;
    if (*r == Role::kCode) code = static_cast<int>(i);
    if (*r == Role::kPeriod) period = static_cast<int>(i);
    if (*r == Role::kUsd || *r == Role::kRmb) value = static_cast<int>(i);
  }
  return code >= 0 && period >= 0 && value >= 0;
}

Layout DetectLayout(const std::vector<Field>& header, const IngestOptions& options, const std::string& file, long line) {
  const IngestFormat requested =
      options.format == IngestFormat::kAuto && !options.columns.empty() ? IngestFormat::kColumns : options.format;
  Layout L;
  L.num_fields = header.size();
  std::vector<std::string> n;
  for (const auto& f : header) {
    L.names.emplace_back(Trim(f.text));
    n.push_back(NormalizeHeader(f.text));
  }
  IngestFormat format = requested;
  if (format == IngestFormat::kAuto) {
    if (LooksComtrade(n)) format = IngestFormat::kComtrade;
    else if (LooksCanonical(n)) format = IngestFormat::kCanonical;
    else if (LooksCustoms(n)) format = IngestFormat::kCustoms;
    else
      ThrowInputError(file, line, 1,
                      "unrecognised header: expected a canonical CSV (hs8,period,value_usd), a China Customs "
                      "export (商品编码/Commodity code, 数据年月/Date of data, 美元/US dollar or 人民币/RMB) or a "
                      "UN Comtrade CSV (cmdCode, period, primaryValue); use --format to force one");
  }
  L.format = format;
  auto require = [&](int col, std::string_view what) {
    if (col < 0)
      ThrowInputError(file, line, 1, std::string(ToString(format)) + " header has no " + std::string(what) + " column");
    return col;
  };
  auto duplicate_check = [&](const std::vector<int>& cols) {
    for (size_t i = 0; i < n.size(); ++i)
      for (size_t j = i + 1; j < n.size(); ++j)
        if (n[i] == n[j] && !n[i].empty() &&
            (std::find(cols.begin(), cols.end(), static_cast<int>(i)) != cols.end()))
          ThrowInputError(file, line, static_cast<long>(j) + 1, "column '" + L.names[j] + "' appears twice");
  };
  switch (format) {
    case IngestFormat::kCanonical: {
      L.code_col = require(FindColumn(n, kCanonicalCode), "hs8 (or code)");
      L.period_col = require(FindColumn(n, {"period"}), "period");
      L.value_col = require(FindColumn(n, {"valueusd"}), "value_usd");
      for (int i = 0; i < static_cast<int>(n.size()); ++i)
        if (i != L.code_col && i != L.period_col && i != L.value_col) L.dim_cols.push_back(i);
      duplicate_check({L.code_col, L.period_col, L.value_col});
      break;
    }
    case IngestFormat::kCustoms: {
      int usd = -1, rmb = -1;
      for (int i = 0; i < static_cast<int>(n.size()); ++i) {
        const auto r = CustomsRole(n[static_cast<size_t>(i)]);
        const Role role = r.value_or(Role::kDimension);
        switch (role) {
          case Role::kCode: if (L.code_col < 0) L.code_col = i; else L.dim_cols.push_back(i); break;
          case Role::kPeriod: if (L.period_col < 0) L.period_col = i; else L.dim_cols.push_back(i); break;
          case Role::kUsd: if (usd < 0) usd = i; break;
          case Role::kRmb: if (rmb < 0) rmb = i; break;
          case Role::kFlow: L.flow_col = i; break;
          case Role::kQuantity: if (L.quantity_col < 0) L.quantity_col = i; break;
          case Role::kUnit: if (L.unit_col < 0) L.unit_col = i; break;
          case Role::kIgnore: break;
          case Role::kDimension:
            if (!n[static_cast<size_t>(i)].empty()) L.dim_cols.push_back(i);
            break;
        }
      }
      require(L.code_col, "commodity code (商品编码 / Commodity code)");
      require(L.period_col, "period (数据年月 / Date of data)");
      if (usd >= 0) {
        L.value_col = usd;
        L.currency = Currency::kUsd;
      } else {
        L.value_col = require(rmb, "value (美元 / US dollar, or 人民币 / RMB)");
        L.currency = Currency::kRmb;
      }
      break;
    }
    case IngestFormat::kComtrade: {
      L.code_col = require(FindColumn(n, {"cmdcode", "commoditycode"}), "cmdCode");
      L.code_hs6 = true;
      L.period_col = FindColumn(n, {"period"});
      if (L.period_col < 0) {
        L.period_col = FindColumn(n, {"refperiodid"});
        L.period_allow_day = L.period_col >= 0;
      }
      if (L.period_col < 0) {
        L.year_col = FindColumn(n, {"refyear", "year"});
        L.month_col = FindColumn(n, {"refmonth"});
        if (L.year_col < 0 || L.month_col < 0) require(-1, "period (period, refPeriodId or refYear+refMonth)");
      }
      L.value_col = require(FindColumn(n, {"primaryvalue", "tradevalueus$", "tradevalueusd"}), "primaryValue");
      L.flow_col = FindColumn(n, {"flowcode", "tradeflowcode", "tradeflow", "flowdesc"});
      L.freq_col = FindColumn(n, {"freqcode"});
      L.reporter_col = FindColumn(n, {"reportercode"});
      L.quantity_col = FindColumn(n, {"qty", "quantity"});
      L.unit_col = FindColumn(n, {"qtyunitabbr", "qtyunitcode", "qtyunit"});
      // Vectors, not initializer_lists: an initializer_list's array lives only
      // until the end of the full-expression that builds this table, and the
      // loop below would read it afterwards (AddressSanitizer:
      // stack-use-after-scope).
      const std::pair<std::vector<std::string_view>, std::vector<std::string>> breakdowns[] = {
          {{"partnercode"}, {"0"}},
          {{"partner2code", "2ndpartnercode"}, {"0"}},
          {{"customscode", "customsproccode"}, {"C00"}},
          {{"motcode", "modeoftransportcode"}, {"0"}},
          {{"moscode"}, {"0"}},
      };
      for (const auto& [names, totals] : breakdowns) {
        const int c = FindColumn(n, std::span<const std::string_view>(names));
        if (c >= 0) {
          L.dim_cols.push_back(c);
          L.total_cols.emplace_back(c, totals);
        }
      }
      break;
    }
    case IngestFormat::kColumns:
    case IngestFormat::kAuto:
      break;
  }
  // The user's column names: the whole layout for `columns`, overrides of
  // single roles otherwise.
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string why;
  SplitPairs(options.columns, &pairs, &why);  // validated by IsValid
  auto column_named = [&](const std::string& name, const std::string& what) {
    const std::string wanted = NormalizeHeader(name);
    for (size_t i = 0; i < n.size(); ++i)
      if (n[i] == wanted) return static_cast<int>(i);
    std::string have;
    for (const auto& h : L.names) have += (have.empty() ? "" : ", ") + h;
    ThrowInputError(file, line, 1, what + " '" + name + "' is not a column of the header (columns: " + have + ")");
  };
  std::vector<int> named;
  for (const auto& [role, column] : pairs) {
    const int c = column_named(column, "--columns " + role + "=" + column + ":");
    named.push_back(c);
    if (role == "code") L.code_col = c, L.code_hs6 = false;
    else if (role == "period") L.period_col = c, L.year_col = L.month_col = -1;
    else if (role == "year") L.year_col = c, L.period_col = -1;
    else if (role == "month") L.month_col = c, L.period_col = -1;
    else if (role == "value") L.value_col = c, L.currency = Currency::kUsd;
    else if (role == "flow") L.flow_col = c;
    else if (role == "quantity") L.quantity_col = c;
    else if (role == "unit") L.unit_col = c;
  }
  if (format == IngestFormat::kColumns) {
    // Every column not named is a dimension summed over.
    L.dim_cols.clear();
    for (int i = 0; i < static_cast<int>(n.size()); ++i)
      if (std::find(named.begin(), named.end(), i) == named.end() && !n[static_cast<size_t>(i)].empty())
        L.dim_cols.push_back(i);
  } else if (!named.empty()) {
    std::erase_if(L.dim_cols, [&](int c) { return std::find(named.begin(), named.end(), c) != named.end(); });
  }
  // Quantity and unit are kept, never summed over as dimensions.
  std::erase_if(L.dim_cols, [&](int c) { return c == L.quantity_col || c == L.unit_col || c == L.flow_col; });
  for (const std::string& w : options.where) {
    const size_t eq = w.find('=');
    const int c = column_named(w.substr(0, eq), "--where " + w + ":");
    const std::string value(Trim(std::string_view(w).substr(eq + 1)));
    auto it = std::find_if(L.filters.begin(), L.filters.end(), [&](const auto& f) { return f.first == c; });
    if (it == L.filters.end()) L.filters.push_back({c, {value}});
    else it->second.push_back(value);
  }
  return L;
}

// The first column the reader uses whose text holds U+FFFD (an undecodable
// byte), or -1: only descriptions and other unused columns may be damaged.
int DamagedUsedColumn(const Layout& L, const std::vector<Field>& f) {
  std::vector<int> used = {L.code_col, L.period_col, L.year_col, L.month_col, L.value_col, L.flow_col,
                           L.quantity_col, L.unit_col, L.freq_col, L.reporter_col};
  used.insert(used.end(), L.dim_cols.begin(), L.dim_cols.end());
  for (const auto& [c, values] : L.filters) used.push_back(c);
  for (int c : used)
    if (c >= 0 && static_cast<size_t>(c) < f.size() &&
        f[static_cast<size_t>(c)].text.find(kReplacementCharacter) != std::string_view::npos)
      return c;
  return -1;
}

std::string DescribeMapping(const Layout& L) {
  std::string m;
  auto add = [&](const char* role, int col) {
    if (col >= 0) m += (m.empty() ? "" : ", ") + std::string(role) + "=" + L.names[static_cast<size_t>(col)];
  };
  add("code", L.code_col);
  add("period", L.period_col);
  add("year", L.year_col);
  add("month", L.month_col);
  add("value", L.value_col);
  add("flow", L.flow_col);
  add("quantity", L.quantity_col);
  add("unit", L.unit_col);
  return m;
}

bool IsImportFlow(std::string_view v, const std::string& wanted) {
  if (!wanted.empty()) return NormalizeHeader(v) == NormalizeHeader(wanted);
  std::string s = NormalizeHeader(v);
  return s == "m" || s == "i" || s == "1" || s == "import" || s == "imports" || s == "进口";
}

bool IsTotalLabel(std::string_view v) {
  v = Trim(v);
  if (v.empty() || (v.front() >= '0' && v.front() <= '9')) return false;  // codes and periods: no allocation
  const std::string s = NormalizeHeader(v);
  return s == "合计" || s == "总计" || s == "总值" || s == "total" || s == "grandtotal";
}

// --- The accumulator. ------------------------------------------------------
constexpr int kMinMonthIndex = 1900 * 12;
// Physical lines one quoted CSV field may span.
constexpr int kMaxLinesPerRecord = 32;

enum CellState : uint8_t {
  kEmpty = 0,
  kMonth = 1,      // an ordinary month
  kCombined = 2,   // a January-February combined value, held in February
  kKindMask = 3,
  kSummed = 4,     // built from dimensioned rows (partner, trade mode, ...)
};

struct CodeSeries {
  int first = 0;  // month index of element 0
  std::vector<double> value;
  std::vector<uint8_t> state;
  std::vector<uint64_t> origin;  // (file index << 40) | line of the first row
  // Quantities beside the values (empty until a row brings one; NaN where a
  // contributing row had none) and the unit (0 none, kMixedUnit when rows
  // disagree, which makes the code's quantities unknown).
  std::vector<double> quantity;
  bool tracks_quantity = false;
  uint32_t unit = 0;
};
constexpr uint32_t kMixedUnit = 0xffffffffu;

struct DetailEntry {
  double value;
  uint64_t origin;
  bool combined;
};

uint64_t Origin(size_t file_index, long line) { return (static_cast<uint64_t>(file_index) << 40) | static_cast<uint64_t>(line); }

// A row ready to be added.
struct RowValue {
  uint32_t code = 0;  // HsCode::key()
  ParsedPeriod period;
  double usd = 0;
  bool has_dims = false;
  uint32_t dim_id = 0;
  bool has_quantity = false;   // the file has a quantity column
  double quantity = 0;         // NaN: the row's quantity cell is empty
  uint32_t unit = 0;           // id in unit_names_ (0: none)
};

struct RowProblem {
  IngestProblem kind;
  long column;
  std::string message;
};

class Ingester {
 public:
  Ingester(const std::vector<std::filesystem::path>& inputs, const IngestOptions& options)
      : inputs_(inputs), options_(options) {
    report_.options = options;
    if (!options.rates_file.empty()) rates_ = ReadRateTable(options.rates_file);
  }

  IngestResult Run() {
    if (inputs_.empty()) ThrowUsageError("ingest: no input files");
    for (size_t i = 0; i < inputs_.size(); ++i) ReadFile(i);
    return Finish();
  }

 private:
  std::string FileName(size_t i) const { return inputs_[i].string(); }
  std::string Where(uint64_t origin) const {
    const size_t file = static_cast<size_t>(origin >> 40);
    const long line = static_cast<long>(origin & ((uint64_t{1} << 40) - 1));
    return FileName(file) + ":" + std::to_string(line);
  }

  // Strict: throws. Lenient: counts, keeps an example.
  void Problem(size_t file, long line, long column, IngestProblem kind, const std::string& message) {
    if (!options_.lenient) ThrowInputError(FileName(file), line, column, message);
    ++report_.problem_counts[static_cast<size_t>(kind)];
    if (static_cast<int>(report_.examples.size()) < options_.max_examples)
      report_.examples.push_back(FormatLocation(FileName(file), line, column, std::string(ToString(kind)) + ": " + message));
  }

  CodeSeries& SeriesFor(uint32_t code) {
    if (code == last_code_ && last_series_) return *last_series_;
    auto [it, inserted] = row_of_.try_emplace(code, static_cast<int>(series_.size()));
    if (inserted) series_.emplace_back();
    last_code_ = code;
    last_series_ = &series_[static_cast<size_t>(it->second)];
    return *last_series_;
  }

  // Index of month `m` in `s`, growing the series as needed.
  static size_t Slot(CodeSeries& s, int m) {
    const size_t n = s.value.size();
    if (n > 0 && m >= s.first) {
      const size_t i = static_cast<size_t>(m - s.first);
      if (i < n) return i;
      if (i == n) {  // the common case: rows sorted by month
        s.value.push_back(0.0);
        s.state.push_back(kEmpty);
        s.origin.push_back(0);
        if (s.tracks_quantity) s.quantity.push_back(0.0);
        return i;
      }
    }
    if (s.value.empty()) {
      s.first = m;
      s.value.assign(1, 0.0);
      s.state.assign(1, kEmpty);
      s.origin.assign(1, 0);
      if (s.tracks_quantity) s.quantity.assign(1, 0.0);
      return 0;
    }
    if (m < s.first) {
      const size_t grow = static_cast<size_t>(s.first - m);
      s.value.insert(s.value.begin(), grow, 0.0);
      s.state.insert(s.state.begin(), grow, kEmpty);
      s.origin.insert(s.origin.begin(), grow, 0);
      if (s.tracks_quantity) s.quantity.insert(s.quantity.begin(), grow, 0.0);
      s.first = m;
    }
    const size_t i = static_cast<size_t>(m - s.first);
    if (i >= s.value.size()) {
      s.value.resize(i + 1, 0.0);
      s.state.resize(i + 1, kEmpty);
      s.origin.resize(i + 1, 0);
      if (s.tracks_quantity) s.quantity.resize(i + 1, 0.0);
    }
    return i;
  }

  static std::string Money(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }

  // Adds one validated row; returns a problem instead of changing anything.
  std::optional<RowProblem> Add(const RowValue& r, uint64_t origin, long value_column) {
    CodeSeries& s = SeriesFor(r.code);
    const int m = r.period.month.MonthIndex();
    if (r.has_quantity && !s.tracks_quantity) {
      // Cells filled before any quantity arrived have none: NaN.
      s.quantity.assign(s.value.size(), std::numeric_limits<double>::quiet_NaN());
      s.tracks_quantity = true;
      quantities_seen_ = true;
    }
    if (r.has_quantity) {
      if (s.unit == 0) s.unit = r.unit;
      else if (r.unit != 0 && r.unit != s.unit) s.unit = kMixedUnit;
    }
    const size_t i = Slot(s, m);
    const double q = r.has_quantity ? r.quantity : std::numeric_limits<double>::quiet_NaN();
    const uint8_t kind = r.period.combined_jan_feb ? kCombined : kMonth;
    const uint8_t st = s.state[i];
    auto key_text = [&] {
      return "code " + HsCode::FromKey(r.code).ToString() + " period " +
             (r.period.combined_jan_feb ? std::to_string(r.period.month.year) + "-01~02" : r.period.month.ToString());
    };
    if (st != kEmpty && (st & kKindMask) != kind)
      return RowProblem{IngestProblem::kJanFebConflict, value_column,
                        key_text() + " mixes a January-February combined value with a monthly February value (" +
                            Where(s.origin[i]) + ")"};
    // Rows without dimension columns have dimension id 0; a cell fed by more
    // than one kind of row keeps every row's key in detail_.
    // code key: 29 bits; months since 1900: 12 bits; dimension id: 23 bits.
    const auto detail_key = [&](uint32_t dim_id) {
      return (static_cast<uint64_t>(r.code) << 35) | (static_cast<uint64_t>(m - kMinMonthIndex) << 23) | dim_id;
    };
    if (!r.has_dims && !(st & kSummed)) {
      if (st != kEmpty) {
        if (s.value[i] == r.usd) {
          ++report_.identical_duplicates;
          return std::nullopt;
        }
        return RowProblem{IngestProblem::kConflictingDuplicate, value_column,
                          "conflicting duplicate: " + key_text() + " is " + Money(r.usd) + " here but " +
                              Money(s.value[i]) + " at " + Where(s.origin[i])};
      }
      s.value[i] = r.usd;
      s.state[i] = kind;
      s.origin[i] = origin;
      if (s.tracks_quantity) s.quantity[i] = q;
      return std::nullopt;
    }
    if (st != kEmpty && !(st & kSummed))  // keep the earlier dimensionless row's key
      detail_.emplace(detail_key(0), DetailEntry{s.value[i], s.origin[i], (st & kKindMask) == kCombined});
    const uint32_t dim_id = r.has_dims ? r.dim_id : 0;
    auto [it, inserted] = detail_.try_emplace(detail_key(dim_id), DetailEntry{r.usd, origin, r.period.combined_jan_feb});
    if (!inserted) {
      if (it->second.value == r.usd) {
        ++report_.identical_duplicates;
        return std::nullopt;
      }
      return RowProblem{IngestProblem::kConflictingDuplicate, value_column,
                        "conflicting duplicate: " + key_text() + (r.has_dims ? " with the same dimension values" : "") +
                            " is " + Money(r.usd) + " here but " + Money(it->second.value) + " at " +
                            Where(it->second.origin)};
    }
    s.value[i] += r.usd;
    if (s.tracks_quantity) s.quantity[i] = st == kEmpty ? q : s.quantity[i] + q;
    if (st == kEmpty) s.origin[i] = origin;
    s.state[i] = static_cast<uint8_t>(kind | kSummed);
    return std::nullopt;
  }

  // "dddddddd,YYYY-MM,<number>\n" (or YYYYMM, or "\r\n") with a valid code,
  // month and a finite non-negative number; false means "use the general path".
  static bool FastCanonicalRow(const char* p, const char* end, RowValue* row, const char** next) {
    if (end - p < 18) return false;
    uint32_t code = 0;
    for (int k = 0; k < 8; ++k) {
      const unsigned d = static_cast<unsigned char>(p[k]) - '0';
      if (d > 9) return false;
      code = code * 10 + d;
    }
    if (p[8] != ',' || code < 1000000) return false;
    const char* q = p + 9;
    int year = 0;
    for (int k = 0; k < 4; ++k) {
      const unsigned d = static_cast<unsigned char>(q[k]) - '0';
      if (d > 9) return false;
      year = year * 10 + static_cast<int>(d);
    }
    q += 4;
    if (*q == '-') ++q;
    const unsigned m1 = static_cast<unsigned char>(q[0]) - '0', m2 = static_cast<unsigned char>(q[1]) - '0';
    if (m1 > 9 || m2 > 9 || q[2] != ',') return false;
    const int month = static_cast<int>(m1 * 10 + m2);
    if (month < 1 || month > 12 || year < 1900 || year > 2200) return false;
    q += 3;
    double v = 0;
    const auto res = fast_float::from_chars(q, end, v);
    if (res.ec != std::errc() || res.ptr == q || !(v >= 0) || v > 1.7e308) return false;
    const char* e = res.ptr;
    if (e < end && *e == '\r') ++e;
    if (e < end && *e != '\n') return false;
    *next = e < end ? e + 1 : end;
    row->code = HsCode::FromInt(code).key();
    row->period = ParsedPeriod{YearMonth{year, month}, false};
    row->usd = v == 0 ? 0.0 : v;
    row->has_dims = false;
    return true;
  }

  uint32_t DimId(const std::string& key) {
    auto [it, inserted] = dim_ids_.try_emplace(key, static_cast<uint32_t>(dim_ids_.size() + 1));
    if (it->second >= (1u << 23))
      ThrowInputError(FileName(current_file_), current_line_, 0,
                      "more than 8 million distinct dimension combinations (partner x mode x region ...): "
                      "aggregate the input first");
    return it->second;
  }

  // Parses one data row into `out` or returns the first problem.
  std::optional<RowProblem> ParseRow(const Layout& L, const std::vector<Field>& f, size_t file, RowValue* out,
                                     bool* ignored, bool* is_total, bool* filtered) {
    *ignored = false;
    *is_total = false;
    *filtered = false;
    // Not errors: rows the user's filters leave out, other trade flows,
    // aggregate and total rows.
    for (const auto& [col, accepted] : L.filters) {
      const std::string_view v = Trim(f[static_cast<size_t>(col)].text);
      if (std::find(accepted.begin(), accepted.end(), v) == accepted.end()) {
        *filtered = true;
        return std::nullopt;
      }
    }
    if (L.flow_col >= 0 && !IsImportFlow(f[static_cast<size_t>(L.flow_col)].text, options_.flow)) {
      *ignored = true;
      return std::nullopt;
    }
    const std::string_view code_text = Trim(f[static_cast<size_t>(L.code_col)].text);
    if (L.format == IngestFormat::kCustoms &&
        (IsTotalLabel(code_text) || IsTotalLabel(f[static_cast<size_t>(L.period_col)].text))) {
      *ignored = true;
      return std::nullopt;
    }
    // Code: the 8-digit fast path, then any level (HS2/4/6/8; HS10 summed onto HS8).
    if (L.code_hs6 && NormalizeHeader(code_text) == "total") {
      *ignored = true;
      return std::nullopt;
    }
    uint32_t code8 = 0;
    bool fast = code_text.size() == 8;
    for (size_t k = 0; fast && k < 8; ++k) {
      const char ch = code_text[k];
      if (ch < '0' || ch > '9') fast = false;
      else code8 = code8 * 10 + static_cast<uint32_t>(ch - '0');
    }
    if (fast && code8 >= 1000000) {
      out->code = HsCode::FromInt(code8).key();
    } else {
      bool hs10 = false;
      auto c = HsCode::ParseAnyLevel(code_text, &hs10);
      if (!c)
        return RowProblem{IngestProblem::kInvalidCode, L.code_col + 1,
                          "invalid HS code '" + std::string(code_text) + "' in " + L.Describe(L.code_col) +
                              " (expected 2, 4, 6, 8 or 10 digits, chapter 01-99; leading zeros lost by a "
                              "spreadsheet?)"};
      if (hs10) ++report_.hs10_rows;
      out->code = c->key();
    }
    // Period.
    if (L.freq_col >= 0) {
      const std::string_view fq = Trim(f[static_cast<size_t>(L.freq_col)].text);
      if (fq != "M" && fq != "m")
        return RowProblem{IngestProblem::kInvalidPeriod, L.freq_col + 1,
                          "frequency '" + std::string(fq) + "' in " + L.Describe(L.freq_col) + ": monthly data (M) needed"};
    }
    if (L.period_col >= 0 && options_.period_format != "auto") {
      const std::string_view pt = f[static_cast<size_t>(L.period_col)].text;
      auto m = ParsePeriodPattern(pt, options_.period_format);
      if (!m)
        return RowProblem{IngestProblem::kInvalidPeriod, L.period_col + 1,
                          "invalid period '" + std::string(Trim(pt)) + "' in " + L.Describe(L.period_col) +
                              " (expected the pattern " + options_.period_format + ")"};
      out->period = ParsedPeriod{*m, false};
    } else if (L.period_col >= 0) {
      const std::string_view pt = f[static_cast<size_t>(L.period_col)].text;
      auto p = ParsePeriod(pt, L.period_allow_day);
      if (!p)
        return RowProblem{IngestProblem::kInvalidPeriod, L.period_col + 1,
                          "invalid period '" + std::string(Trim(pt)) + "' in " + L.Describe(L.period_col) +
                              " (expected YYYY-MM or YYYYMM, or a January-February combined period like 2020-01~02)"};
      out->period = *p;
    } else {
      const std::string y(Trim(f[static_cast<size_t>(L.year_col)].text));
      const std::string mo(Trim(f[static_cast<size_t>(L.month_col)].text));
      auto ym = YearMonth::Parse(y + "-" + mo);
      if (!ym)
        return RowProblem{IngestProblem::kInvalidPeriod, L.month_col + 1,
                          "invalid period year '" + y + "' month '" + mo + "'"};
      out->period = ParsedPeriod{*ym, false};
    }
    if (out->period.combined_jan_feb && options_.jan_feb == JanFebPolicy::kReject) {
      ThrowInputError(FileName(file), current_line_, L.period_col + 1,
                      "January-February combined period '" + std::string(Trim(f[static_cast<size_t>(L.period_col)].text)) +
                          "': choose a policy with --jan-feb keep-merged (value kept in February, January missing) "
                          "or --jan-feb split (halved between January and February)");
    }
    // Value.
    double v = 0;
    const std::string_view vt = f[static_cast<size_t>(L.value_col)].text;
    switch (ParseAmount(vt, &v)) {
      case AmountStatus::kOk: break;
      case AmountStatus::kMalformed:
        return RowProblem{IngestProblem::kMalformedNumber, L.value_col + 1,
                          "malformed number '" + std::string(Trim(vt)) + "' in " + L.Describe(L.value_col)};
      case AmountStatus::kNegative:
        return RowProblem{IngestProblem::kNegativeValue, L.value_col + 1,
                          "negative value '" + std::string(Trim(vt)) + "' in " + L.Describe(L.value_col) +
                              " (imports cannot be negative)"};
    }
    if (L.currency == Currency::kRmb) {
      const YearMonth feb = out->period.month;
      auto rate_of = [&](YearMonth ym) -> std::optional<double> {
        auto it = rates_.find(ym);
        if (it == rates_.end()) return std::nullopt;
        return it->second;
      };
      std::optional<double> rate;
      if (out->period.combined_jan_feb) {
        auto a = rate_of(YearMonth{feb.year, 1}), b = rate_of(feb);
        if (a && b) rate = 0.5 * (*a + *b);
      } else {
        rate = rate_of(feb);
      }
      if (!rate) {
        if (options_.rates_file.empty())
          ThrowInputError(FileName(file), current_line_, L.value_col + 1,
                          "values are in RMB (" + L.names[static_cast<size_t>(L.value_col)] +
                              ") and no US dollar column exists: give a rate table with --rates FILE "
                              "(CSV period,cny_per_usd)");
        return RowProblem{IngestProblem::kMissingRate, L.value_col + 1,
                          "no CNY per USD rate for " + out->period.month.ToString() + " in " + options_.rates_file};
      }
      v /= *rate;
    }
    out->usd = v * options_.scale;
    if (!std::isfinite(out->usd))
      return RowProblem{IngestProblem::kMalformedNumber, L.value_col + 1,
                        "value '" + std::string(Trim(vt)) + "' times the scale " + Money(options_.scale) +
                            " is not a finite number"};
    out->has_quantity = L.quantity_col >= 0;
    if (out->has_quantity) {
      const std::string_view qt = f[static_cast<size_t>(L.quantity_col)].text;
      if (Trim(qt).empty()) {
        out->quantity = std::numeric_limits<double>::quiet_NaN();
      } else if (ParseAmount(qt, &out->quantity) != AmountStatus::kOk) {
        return RowProblem{IngestProblem::kMalformedNumber, L.quantity_col + 1,
                          "malformed quantity '" + std::string(Trim(qt)) + "' in " + L.Describe(L.quantity_col)};
      }
      out->unit = 0;
      if (L.unit_col >= 0) {
        const std::string_view u = Trim(f[static_cast<size_t>(L.unit_col)].text);
        if (!u.empty()) {
          auto [it, inserted] = unit_ids_.try_emplace(std::string(u), static_cast<uint32_t>(unit_names_.size()));
          if (inserted) unit_names_.emplace_back(u);
          out->unit = it->second;
        }
      }
    }
    if (L.reporter_col >= 0) {
      const std::string rep(Trim(f[static_cast<size_t>(L.reporter_col)].text));
      if (reporter_.empty()) reporter_ = rep;
      else if (rep != reporter_)
        ThrowInputError(FileName(file), current_line_, L.reporter_col + 1,
                        "the file mixes reporters '" + reporter_ + "' and '" + rep + "': ingest one reporter per panel");
    }
    // Dimensions: summed over; the key distinguishes true duplicates.
    out->has_dims = !L.dim_cols.empty();
    if (out->has_dims) {
      dim_key_.clear();
      bool total = !L.total_cols.empty();
      for (int c : L.dim_cols) {
        dim_key_.append(Trim(f[static_cast<size_t>(c)].text));
        dim_key_.push_back('\x1f');
      }
      for (const auto& [c, codes] : L.total_cols) {
        const std::string_view t = Trim(f[static_cast<size_t>(c)].text);
        if (!t.empty() && std::find(codes.begin(), codes.end(), t) == codes.end()) total = false;
      }
      *is_total = total;
      out->dim_id = DimId(dim_key_);
    }
    return std::nullopt;
  }

  void ReadFile(size_t file) {
    const std::string name = FileName(file);
    current_file_ = file;
    MappedFile mapped(inputs_[file]);
    IngestFileSummary summary;
    summary.path = name;
    summary.bytes = static_cast<long long>(mapped.bytes().size());
    // Undecodable bytes become U+FFFD; a row is refused only when a field
    // the reader uses holds one (a garbled description is read past).
    std::map<long, DamagedLine> damaged;
    DecodedText text = DecodeToUtf8(
        mapped.bytes(),
        [&](long line, long column, const std::string& message) {
          Problem(file, line, column, IngestProblem::kBadEncoding, message);
          ++report_.rows_skipped;
        },
        &damaged);
    summary.encoding = text.encoding;

    // Comtrade files may hold both World totals and partner detail: stage
    // rows and keep the totals when any exist (summing both would double).
    struct Staged {
      RowValue row;
      long line;
      long value_column;
      bool total;
    };
    std::vector<Staged> staged;

    std::optional<Layout> layout;
    bool fast_canonical = false;
    std::vector<Field> fields;
    std::string scratch;
    const char* p = text.text.data();
    const char* end = p + text.text.size();
    long line_no = 0;
    long pending_lines = 0;  // physical lines inside the previous record
    while (p < end) {
      line_no += pending_lines;
      pending_lines = 0;
      if (fast_canonical) {
        // Hot path for plain "hs8,period,value_usd" rows; anything unusual
        // (quotes, blanks, separators, errors) falls through to the general
        // path, which gives the exact diagnostics.
        RowValue row;
        const char* next = nullptr;
        if (FastCanonicalRow(p, end, &row, &next)) {
          ++line_no;
          ++report_.rows_read;
          ++summary.rows_read;
          if (auto problem = Add(row, Origin(file, line_no), 3)) {
            current_line_ = line_no;
            Problem(file, line_no, problem->column, problem->kind, problem->message);
            ++report_.rows_skipped;
          } else {
            ++summary.rows_used;
          }
          p = next;
          continue;
        }
      }
      const char* line_start = p;
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      const char* line_end = nl ? nl : end;
      std::string_view line(p, static_cast<size_t>(line_end - p));
      p = nl ? nl + 1 : end;
      ++line_no;
      current_line_ = line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      if (line.front() == '#') {
        // Synthetic panels written by WritePanelCsv say so in their first line.
        if (!layout && line.rfind("# synthetic", 0) == 0) synthetic_labels_.emplace_back(Trim(line.substr(1)));
        continue;
      }
      bool split = SplitCsvLine(line, &fields, &scratch);
      if (!split) {
        // A quoted field may hold line breaks (a description cell): extend
        // the record line by line while its quotes are open, up to a bound
        // so that one stray quote cannot swallow the file. Messages name the
        // record's first line; the lines taken are counted from the next.
        const char* q = p;
        for (int extra = 1; q < end && extra <= kMaxLinesPerRecord; ++extra) {
          const char* next_nl = static_cast<const char*>(std::memchr(q, '\n', static_cast<size_t>(end - q)));
          const char* record_end = next_nl ? next_nl : end;
          std::string_view record(line_start, static_cast<size_t>(record_end - line_start));
          if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
          q = next_nl ? next_nl + 1 : end;
          if (SplitCsvLine(record, &fields, &scratch)) {
            split = true;
            line = record;
            pending_lines = extra;
            p = q;
            break;
          }
        }
      }
      if (!split) {
        if (!layout) ThrowInputError(name, line_no, 1, "unterminated quote in the header");
        ++report_.rows_read;
        ++summary.rows_read;
        Problem(file, line_no, 1, IngestProblem::kWrongFieldCount, "unterminated quote");
        ++report_.rows_skipped;
        continue;
      }
      if (!layout) {
        if (auto d = damaged.find(line_no); d != damaged.end())
          ThrowInputError(name, line_no, d->second.column, d->second.message + " in the header line");
        layout = DetectLayout(fields, options_, name, line_no);
        fast_canonical = layout->format == IngestFormat::kCanonical && layout->num_fields == 3 &&
                         layout->code_col == 0 && layout->period_col == 1 && layout->value_col == 2 &&
                         options_.scale == 1.0 && options_.period_format == "auto" && layout->filters.empty();
        summary.format = layout->format;
        summary.mapping = DescribeMapping(*layout);
        if (layout->quantity_col >= 0) summary.quantity_column = layout->names[static_cast<size_t>(layout->quantity_col)];
        summary.currency = layout->currency == Currency::kUsd ? "usd" : "rmb";
        for (int c : layout->dim_cols) summary.dimension_columns.push_back(layout->names[static_cast<size_t>(c)]);
        continue;
      }
      // Blank rows such as ",,,," (spreadsheet exports) are not data.
      if (std::all_of(fields.begin(), fields.end(), [](const Field& f) { return Trim(f.text).empty(); })) continue;
      ++report_.rows_read;
      ++summary.rows_read;
      if (fields.size() != layout->num_fields) {
        // A trailing empty field (a line ending in ',') is tolerated.
        while (fields.size() > layout->num_fields && Trim(fields.back().text).empty()) fields.pop_back();
        if (fields.size() != layout->num_fields) {
          Problem(file, line_no, static_cast<long>(std::min(fields.size(), layout->num_fields)) + 1,
                  IngestProblem::kWrongFieldCount,
                  "expected " + std::to_string(layout->num_fields) + " fields as in the header, found " +
                      std::to_string(fields.size()));
          ++report_.rows_skipped;
          continue;
        }
      }
      if (!damaged.empty()) {
        auto d = damaged.lower_bound(line_no);
        if (d != damaged.end() && d->first <= line_no + pending_lines) {
          const int bad_col = DamagedUsedColumn(*layout, fields);
          if (bad_col >= 0) {
            ++report_.rows_read;
            ++summary.rows_read;
            Problem(file, d->first, d->second.column, IngestProblem::kBadEncoding,
                    d->second.message + ", in " + layout->Describe(bad_col));
            ++report_.rows_skipped;
            continue;
          }
          ++report_.rows_with_undecodable_text;
        }
      }
      RowValue row;
      bool ignored = false, total = false, filtered = false;
      if (auto problem = ParseRow(*layout, fields, file, &row, &ignored, &total, &filtered)) {
        Problem(file, line_no, problem->column, problem->kind, problem->message);
        ++report_.rows_skipped;
        continue;
      }
      if (filtered) {
        ++summary.rows_filtered;
        continue;
      }
      if (ignored) {
        ++summary.rows_ignored;
        continue;
      }
      if (layout->format == IngestFormat::kComtrade) {
        staged.push_back({row, line_no, layout->value_col + 1, total});
        continue;
      }
      if (auto problem = Add(row, Origin(file, line_no), layout->value_col + 1)) {
        Problem(file, line_no, problem->column, problem->kind, problem->message);
        ++report_.rows_skipped;
        continue;
      }
      ++summary.rows_used;
    }
    if (!layout && report_.problem_counts[static_cast<size_t>(IngestProblem::kBadEncoding)] == 0)
      ThrowInputError(name, 0, 0, "no header line: the file is empty");
    if (!staged.empty()) {
      const bool any_total = std::any_of(staged.begin(), staged.end(), [](const Staged& s) { return s.total; });
      for (const auto& s : staged) {
        if (any_total && !s.total) {
          ++summary.rows_ignored;  // partner detail beside World totals
          continue;
        }
        current_line_ = s.line;
        if (auto problem = Add(s.row, Origin(file, s.line), s.value_column)) {
          Problem(file, s.line, problem->column, problem->kind, problem->message);
          ++report_.rows_skipped;
          continue;
        }
        ++summary.rows_used;
      }
    }
    report_.bytes += summary.bytes;
    report_.rows_used += summary.rows_used;
    report_.rows_ignored += summary.rows_ignored;
    report_.rows_filtered += summary.rows_filtered;
    report_.files.push_back(std::move(summary));
  }

  IngestResult Finish() {
    // Extent of the data.
    int lo = std::numeric_limits<int>::max(), hi = std::numeric_limits<int>::min();
    for (const auto& s : series_)
      for (size_t i = 0; i < s.state.size(); ++i)
        if (s.state[i] != kEmpty) {
          lo = std::min(lo, s.first + static_cast<int>(i));
          hi = std::max(hi, s.first + static_cast<int>(i));
        }
    if (lo > hi) ThrowInputError(FileName(0), 0, 0, "no data rows were read from the input" + std::string(inputs_.size() > 1 ? "s" : ""));
    auto cell = [](CodeSeries& s, int m) -> std::optional<size_t> {
      if (m < s.first || m >= s.first + static_cast<int>(s.state.size())) return std::nullopt;
      return static_cast<size_t>(m - s.first);
    };
    // January-February: explicit combined periods, then inferred ones (a
    // February with no January anywhere although the data start earlier).
    std::vector<int> combined_years, inferred_years;
    for (int y = YearMonth::FromIndex(lo).year; y <= YearMonth::FromIndex(hi).year; ++y) {
      const int jan = YearMonth{y, 1}.MonthIndex(), feb = YearMonth{y, 2}.MonthIndex();
      bool any_jan = false, any_feb = false, any_combined = false;
      uint64_t feb_origin = 0;
      for (auto& s : series_) {
        if (auto i = cell(s, jan); i && s.state[*i] != kEmpty) any_jan = true;
        if (auto i = cell(s, feb); i && s.state[*i] != kEmpty) {
          if ((s.state[*i] & kKindMask) == kCombined) any_combined = true;
          else if (!any_feb) feb_origin = s.origin[*i];
          any_feb = true;
        }
      }
      if (any_combined) combined_years.push_back(y);
      else if (any_feb && !any_jan && jan > lo) {
        if (options_.jan_feb == JanFebPolicy::kReject) {
          const size_t f = static_cast<size_t>(feb_origin >> 40);
          ThrowInputError(FileName(f), static_cast<long>(feb_origin & ((uint64_t{1} << 40) - 1)), 0,
                          "February " + std::to_string(y) + " has values but no code has January " + std::to_string(y) +
                              " although the data start earlier: Customs probably published January-February "
                              "combined; choose --jan-feb keep-merged or --jan-feb split");
        }
        inferred_years.push_back(y);
      }
    }
    for (int y : combined_years) report_.jan_feb_combined.push_back(std::to_string(y) + "-01~02 (explicit)");
    for (int y : inferred_years)
      report_.jan_feb_combined.push_back(std::to_string(y) + "-01~02 (inferred: February without January)");
    if (!report_.jan_feb_combined.empty()) {
      report_.jan_feb_treatment =
          options_.jan_feb == JanFebPolicy::kSplit
              ? "split: January and February each hold half of the combined value"
              : "keep-merged: February holds the combined January-February value, January is missing";
    }
    // A combined value plus a separate January for the same code is a conflict.
    for (auto& s : series_)
      for (int y : combined_years) {
        auto j = cell(s, YearMonth{y, 1}.MonthIndex());
        auto f = cell(s, YearMonth{y, 2}.MonthIndex());
        if (!j || !f || s.state[*j] == kEmpty || (s.state[*f] & kKindMask) != kCombined) continue;
        const uint64_t o = s.origin[*j];
        const size_t file = static_cast<size_t>(o >> 40);
        Problem(file, static_cast<long>(o & ((uint64_t{1} << 40) - 1)), 0, IngestProblem::kJanFebConflict,
                "January " + std::to_string(y) + " has its own value although " + Where(s.origin[*f]) +
                    " gives January-February combined; the January row is dropped");
        ++report_.rows_skipped;
        s.state[*j] = kEmpty;
        s.value[*j] = 0;
        if (s.tracks_quantity) s.quantity[*j] = 0;
      }
    if (options_.jan_feb == JanFebPolicy::kSplit) {
      for (auto& s : series_) {
        auto split_year = [&](int y, bool require_combined) {
          const int jan = YearMonth{y, 1}.MonthIndex(), feb = YearMonth{y, 2}.MonthIndex();
          auto f = cell(s, feb);
          if (!f || s.state[*f] == kEmpty) return;
          if (require_combined && (s.state[*f] & kKindMask) != kCombined) return;
          const double half = s.value[*f] / 2;
          const double half_quantity = s.tracks_quantity ? s.quantity[*f] / 2 : 0.0;
          const uint64_t origin = s.origin[*f];
          const uint8_t state = s.state[*f];
          s.value[*f] = half;
          if (s.tracks_quantity) s.quantity[*f] = half_quantity;
          const size_t j = Slot(s, jan);  // may shift indices
          s.value[j] = half;
          if (s.tracks_quantity) s.quantity[j] = half_quantity;
          s.state[j] = state;
          s.origin[j] = origin;
        };
        for (int y : combined_years) split_year(y, true);
        for (int y : inferred_years) split_year(y, false);
      }
    }
    // Rebuild the extent: a dropped January may have been the first month,
    // a split one may now be.
    lo = std::numeric_limits<int>::max();
    hi = std::numeric_limits<int>::min();
    std::vector<uint32_t> codes;
    for (const auto& [code, row] : row_of_) {
      const auto& s = series_[static_cast<size_t>(row)];
      bool any = false;
      for (size_t i = 0; i < s.state.size(); ++i)
        if (s.state[i] != kEmpty) {
          lo = std::min(lo, s.first + static_cast<int>(i));
          hi = std::max(hi, s.first + static_cast<int>(i));
          any = true;
        }
      if (any) codes.push_back(code);
    }
    if (codes.empty()) ThrowInputError(FileName(0), 0, 0, "no valid data rows were read");
    std::sort(codes.begin(), codes.end());  // keys order as the codes do
    std::vector<HsCode> hs;
    hs.reserve(codes.size());
    for (uint32_t c : codes) hs.push_back(HsCode::FromKey(c));
    IngestResult result;
    const YearMonth first = YearMonth::FromIndex(lo);
    const int num_months = hi - lo + 1;
    // The panel is dense (codes x months): a small file of sparse rows over
    // 1900-2200 and many codes can ask for gigabytes. Checked before it is
    // allocated (docs/method.md §9.5): value + present mask (+ quantity).
    const double cells = static_cast<double>(codes.size()) * num_months;
    CheckMemoryEstimate("the ingested panel (" + std::to_string(codes.size()) + " codes x " +
                            std::to_string(num_months) + " months, " + first.ToString() + ".." +
                            YearMonth::FromIndex(hi).ToString() + ")",
                        cells * (sizeof(double) + 1 + (quantities_seen_ ? sizeof(double) : 0)));
    result.panel = Panel(std::move(hs), first, num_months);
    Panel& panel = result.panel;
    if (quantities_seen_) {
      panel.quantities.assign(codes.size() * static_cast<size_t>(num_months), std::numeric_limits<double>::quiet_NaN());
      panel.quantity_units.assign(codes.size(), "");
    }
    for (int r = 0; r < static_cast<int>(codes.size()); ++r) {
      const auto& s = series_[static_cast<size_t>(row_of_.at(codes[static_cast<size_t>(r)]))];
      const bool quantities = s.tracks_quantity && s.unit != kMixedUnit;
      for (size_t i = 0; i < s.state.size(); ++i) {
        if (s.state[i] == kEmpty) continue;
        const int t = s.first + static_cast<int>(i) - lo;
        panel.Set(r, t, s.value[i]);
        if (quantities) panel.quantities[static_cast<size_t>(r) * num_months + t] = s.quantity[i];
      }
      if (s.tracks_quantity)
        panel.quantity_units[static_cast<size_t>(r)] = s.unit == kMixedUnit ? "mixed units" : unit_names_[s.unit];
    }
    // Provenance.
    auto& prov = result.panel.provenance;
    for (const auto& f : inputs_) prov.source_files.push_back(f.string());
    std::string label;
    for (size_t i = 0; i < report_.files.size(); ++i)
      label += (i ? ", " : "") + std::filesystem::path(report_.files[i].path).filename().string() + " (" +
               std::string(ToString(report_.files[i].format)) + ")";
    if (!synthetic_labels_.empty()) {
      prov.synthetic = true;
      prov.label = synthetic_labels_.front() + (synthetic_labels_.size() > 1 || inputs_.size() > 1 ? " (+ more inputs: " + label + ")" : "");
      static const std::regex scenario_seed(R"(scenario\s+([^,\s]+),\s*seed\s+(\d+))");
      std::smatch m;
      if (std::regex_search(synthetic_labels_.front(), m, scenario_seed)) {
        prov.scenario = m[1].str();
        prov.seed = std::stoull(m[2].str());
      }
    } else {
      prov.label = "ingested: " + label;
    }
    // How the values were read, one line each (printed in reports).
    if (!options_.source.empty()) prov.details.push_back("source: " + options_.source);
    if (!options_.preset.empty()) prov.details.push_back("preset: " + options_.preset);
    for (const auto& f : report_.files) {
      std::string d = std::filesystem::path(f.path).filename().string() + ": " + std::string(ToString(f.format)) +
                      " layout (" + f.mapping + ")";
      if (!f.dimension_columns.empty()) {
        d += ", summed over ";
        for (size_t i = 0; i < f.dimension_columns.size(); ++i) d += (i ? ", " : "") + f.dimension_columns[i];
      }
      prov.details.push_back(d);
    }
    if (options_.scale != 1.0) prov.details.push_back("values multiplied by " + Money(options_.scale));
    if (!options_.where.empty()) {
      std::string w;
      for (const auto& x : options_.where) w += (w.empty() ? "" : ", ") + x;
      prov.details.push_back("rows kept where " + w + " (" + std::to_string(report_.rows_filtered) + " left out)");
    }
    if (!options_.flow.empty()) prov.details.push_back("flow taken as imports: " + options_.flow);
    if (report_.hs10_rows > 0)
      prov.details.push_back(std::to_string(report_.hs10_rows) + " rows of 10-digit lines summed onto their HS8 codes");
    std::string levels;
    for (int l : panel.hs_levels()) levels += (levels.empty() ? "HS" : ", HS") + std::to_string(l);
    prov.details.push_back("code levels: " + levels);
    report_.hs_levels = panel.hs_levels();
    report_.num_codes = result.panel.num_codes();
    report_.num_months = result.panel.num_months();
    report_.first_month = result.panel.first_month().ToString();
    report_.last_month = result.panel.last_month().ToString();
    result.report = std::move(report_);
    return result;
  }

  const std::vector<std::filesystem::path>& inputs_;
  IngestOptions options_;
  IngestReport report_;
  std::map<YearMonth, double> rates_;
  std::vector<CodeSeries> series_;
  std::unordered_map<uint32_t, int> row_of_;
  uint32_t last_code_ = 0;
  CodeSeries* last_series_ = nullptr;
  std::unordered_map<uint64_t, DetailEntry> detail_;
  std::unordered_map<std::string, uint32_t> dim_ids_;
  std::unordered_map<std::string, uint32_t> unit_ids_;
  std::vector<std::string> unit_names_{""};  // id 0: no unit
  bool quantities_seen_ = false;
  std::string dim_key_;
  std::string reporter_;
  std::vector<std::string> synthetic_labels_;
  long current_line_ = 0;
  size_t current_file_ = 0;
};

}  // namespace

IngestResult IngestFiles(const std::vector<std::filesystem::path>& inputs, const IngestOptions& options) {
  std::string error;
  if (!options.IsValid(&error)) ThrowUsageError(error);
  Ingester ingester(inputs, options);
  return ingester.Run();
}

std::map<YearMonth, double> ReadRateTable(const std::filesystem::path& path) {
  const std::string name = path.string();
  MappedFile mapped(path);
  DecodedText text = DecodeToUtf8(mapped.bytes(), [&](long line, long column, const std::string& message) {
    ThrowInputError(name, line, column, message);
  });
  std::map<YearMonth, double> rates;
  std::vector<Field> fields;
  std::string scratch;
  long line_no = 0;
  bool first_data = true;
  size_t pos = 0;
  const std::string_view t = text.text;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string_view::npos) nl = t.size();
    std::string_view line = Trim(t.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (!SplitCsvLine(line, &fields, &scratch) || fields.size() < 2)
      ThrowInputError(name, line_no, 1, "expected two fields: period,cny_per_usd");
    auto p = ParsePeriod(fields[0].text, false);
    if (!p && first_data) {  // a header line
      first_data = false;
      continue;
    }
    first_data = false;
    if (!p || p->combined_jan_feb)
      ThrowInputError(name, line_no, 1, "invalid period '" + std::string(Trim(fields[0].text)) + "' (expected YYYY-MM)");
    double rate = 0;
    if (ParseAmount(fields[1].text, &rate) != AmountStatus::kOk || !(rate > 0))
      ThrowInputError(name, line_no, 2, "invalid rate '" + std::string(Trim(fields[1].text)) + "' (a positive CNY per USD)");
    auto [it, inserted] = rates.emplace(p->month, rate);
    if (!inserted && it->second != rate)
      ThrowInputError(name, line_no, 1, "period " + p->month.ToString() + " appears twice with different rates");
  }
  if (rates.empty()) ThrowInputError(name, 0, 0, "the rate table is empty");
  return rates;
}

std::string IngestReport::FullReport() const {
  std::ostringstream o;
  o << "ingest: " << files.size() << " file(s), " << bytes << " bytes, " << rows_read << " data rows: " << rows_used
    << " used, " << rows_ignored << " ignored (other flows / totals / aggregates), " << rows_filtered
    << " left out by filters, " << rows_skipped
    << " bad rows skipped, " << identical_duplicates << " identical duplicates counted once\n";
  for (const auto& f : files) {
    o << "  " << f.path << ": format " << ToString(f.format) << ", encoding " << f.encoding << ", values in "
      << f.currency << ", " << f.rows_read << " rows (" << f.rows_used << " used, " << f.rows_ignored << " ignored)";
    if (!f.dimension_columns.empty()) {
      o << ", summed over: ";
      for (size_t i = 0; i < f.dimension_columns.size(); ++i) o << (i ? ", " : "") << f.dimension_columns[i];
    }
    o << "\n    columns: " << f.mapping;
    if (f.rows_filtered > 0) o << "; " << f.rows_filtered << " rows left out by filters";
    o << "\n";
  }
  if (!options.source.empty()) o << "  source: " << options.source << "\n";
  if (!options.preset.empty()) o << "  preset: " << options.preset << "\n";
  if (options.scale != 1.0) o << "  values multiplied by " << options.scale << "\n";
  if (hs10_rows > 0) o << "  " << hs10_rows << " rows of 10-digit lines summed onto their HS8 codes\n";
  if (rows_with_undecodable_text > 0)
    o << "  " << rows_with_undecodable_text
      << " rows had undecodable bytes only in columns not read (descriptions); they were used\n";
  o << "  panel: " << num_codes << " codes x " << num_months << " months (" << first_month << " .. " << last_month
    << "), code levels:";
  for (int l : hs_levels) o << " HS" << l;
  o << "\n";
  if (!jan_feb_combined.empty()) {
    o << "  January-February combined:";
    for (const auto& j : jan_feb_combined) o << " " << j << ";";
    o << " treated as " << jan_feb_treatment << "\n";
  }
  long long total = 0;
  for (long long c : problem_counts) total += c;
  if (total > 0) {
    o << "  bad rows by class:";
    for (int k = 0; k < kNumIngestProblems; ++k)
      if (problem_counts[static_cast<size_t>(k)])
        o << " " << ToString(static_cast<IngestProblem>(k)) << "=" << problem_counts[static_cast<size_t>(k)];
    o << "\n";
    for (const auto& e : examples) o << "    " << e << "\n";
  }
  return o.str();
}

void WriteIngestSection(hid_t panel_group, const IngestReport& r) {
  h5::Handle g = h5::EnsureGroup(panel_group, "ingest");
  h5::WriteAttribute(g.id(), "format_option", ToString(r.options.format));
  h5::WriteAttribute(g.id(), "jan_feb_policy", ToString(r.options.jan_feb));
  h5::WriteAttribute(g.id(), "jan_feb_treatment", r.jan_feb_treatment);
  h5::WriteAttribute(g.id(), "rates_file", r.options.rates_file);
  h5::WriteAttribute(g.id(), "lenient", static_cast<int64_t>(r.options.lenient ? 1 : 0));
  h5::WriteAttribute(g.id(), "bytes", static_cast<int64_t>(r.bytes));
  h5::WriteAttribute(g.id(), "rows_read", static_cast<int64_t>(r.rows_read));
  h5::WriteAttribute(g.id(), "rows_used", static_cast<int64_t>(r.rows_used));
  h5::WriteAttribute(g.id(), "rows_ignored", static_cast<int64_t>(r.rows_ignored));
  h5::WriteAttribute(g.id(), "rows_skipped", static_cast<int64_t>(r.rows_skipped));
  h5::WriteAttribute(g.id(), "identical_duplicates", static_cast<int64_t>(r.identical_duplicates));
  h5::WriteAttribute(g.id(), "rows_filtered", static_cast<int64_t>(r.rows_filtered));
  h5::WriteAttribute(g.id(), "hs10_rows", static_cast<int64_t>(r.hs10_rows));
  h5::WriteAttribute(g.id(), "rows_with_undecodable_text", static_cast<int64_t>(r.rows_with_undecodable_text));
  h5::WriteAttribute(g.id(), "options_toml", TomlToString(r.options.ToToml()));
  std::vector<std::string> paths, formats, encodings, currencies, dims, mappings;
  for (const auto& f : r.files) {
    paths.push_back(f.path);
    mappings.push_back(f.mapping);
    formats.emplace_back(ToString(f.format));
    encodings.push_back(f.encoding);
    currencies.push_back(f.currency);
    std::string d;
    for (const auto& c : f.dimension_columns) d += (d.empty() ? "" : ",") + c;
    dims.push_back(d);
  }
  h5::WriteStrings(g.id(), "files", paths);
  h5::WriteStrings(g.id(), "file_formats", formats);
  h5::WriteStrings(g.id(), "file_encodings", encodings);
  h5::WriteStrings(g.id(), "file_currencies", currencies);
  h5::WriteStrings(g.id(), "file_dimension_columns", dims);
  h5::WriteStrings(g.id(), "file_column_mapping", mappings);
  std::vector<std::string> classes;
  std::vector<int64_t> counts;
  for (int k = 0; k < kNumIngestProblems; ++k) {
    classes.emplace_back(ToString(static_cast<IngestProblem>(k)));
    counts.push_back(r.problem_counts[static_cast<size_t>(k)]);
  }
  h5::WriteStrings(g.id(), "problem_class", classes);
  h5::WriteInt64s(g.id(), "problem_count", counts);
  h5::WriteStrings(g.id(), "examples", r.examples);
  h5::WriteStrings(g.id(), "jan_feb_combined", r.jan_feb_combined);
}

void WriteIngestedPanelH5(const IngestResult& result, const std::filesystem::path& path) {
  WritePanelH5(result.panel, path, [&](hid_t file) {
    h5::Handle g(H5Gopen2(file, "panel", H5P_DEFAULT));
    WriteIngestSection(g.id(), result.report);
  });
}

}  // namespace chokepoint
