#include "chokepoint/core/scenario.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint {
namespace {

// Keys a block shares with [defaults].
#define CHOKEPOINT_SHAPE_KEYS "slope", "breaks", "season", "seasonality", "lny_dip", "surges", "rho", "sigma"
const std::vector<std::string_view> kShapeKeys = {CHOKEPOINT_SHAPE_KEYS};

// Elements of an array-of-tables key as located sections ("group[3]").
std::vector<TomlSection> TableArray(const toml::table& parent, const TomlSection& parent_section,
                                    std::string_view key) {
  std::vector<TomlSection> out;
  const toml::node* n = parent.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) parent_section.Fail(key, "must be an array of tables");
  for (size_t i = 0; i < a->size(); ++i) {
    const toml::table* t = (*a)[i].as_table();
    if (!t) parent_section.Fail(key, "must be an array of tables (element " + std::to_string(i) + " is not)");
    out.emplace_back(t, parent_section.FullKey(key) + "[" + std::to_string(i) + "]", parent_section.file());
  }
  return out;
}

// The raw table behind root[key] or root[key][index] (sections only expose
// typed getters, and blocks need their array-of-tables children).
const toml::table* RawTable(const toml::table& root, std::string_view key, std::optional<size_t> index) {
  const toml::node* n = root.get(key);
  if (!n) return nullptr;
  if (!index) return n->as_table();
  const toml::array* a = n->as_array();
  if (!a || *index >= a->size()) return nullptr;
  return (*a)[*index].as_table();
}

double RequirePositive(const TomlSection& s, std::string_view key) {
  auto v = s.GetDouble(key);
  if (!v) s.Fail(key, "is required");
  if (!(*v > 0.0) || !std::isfinite(*v)) s.Fail(key, "must be a positive number");
  return *v;
}

// Reads the shape keys present in `s` over `shape` (defaults already in it).
void ReadShapeKeys(const TomlSection& s, const toml::table* raw, SeriesShape& shape) {
  if (auto v = s.GetDouble("slope")) shape.slope_per_year = *v;
  if (auto v = s.GetDouble("seasonality")) shape.seasonality = *v;
  if (auto v = s.GetDouble("lny_dip")) shape.lny_dip = *v;
  if (auto v = s.GetDouble("rho")) {
    if (!(*v > -1.0 && *v < 1.0)) s.Fail("rho", "must be in (-1, 1) for a stationary AR(1)");
    shape.rho = *v;
  }
  if (auto v = s.GetDouble("sigma")) {
    if (!(*v >= 0.0)) s.Fail("sigma", "must be >= 0");
    shape.sigma = *v;
  }
  if (auto v = s.GetDoubleArray("season")) {
    if (v->size() != 12) s.Fail("season", "must hold 12 month effects (January..December), got " +
                                              std::to_string(v->size()));
    std::copy(v->begin(), v->end(), shape.season.begin());
  }
  if (!raw) return;
  if (raw->get("breaks")) {
    shape.breaks.clear();
    for (const TomlSection& b : TableArray(*raw, s, "breaks")) {
      b.RejectUnknownKeys({"month", "slope"});
      SlopeBreak br;
      auto m = b.GetMonth("month");
      if (!m) b.Fail("month", "is required");
      auto sl = b.GetDouble("slope");
      if (!sl) b.Fail("slope", "is required");
      br.month = *m;
      br.slope_per_year = *sl;
      if (!shape.breaks.empty() && !(shape.breaks.back().month < br.month))
        b.Fail("month", "breaks must be listed in increasing month order");
      shape.breaks.push_back(br);
    }
  }
  if (raw->get("surges")) {
    shape.surges.clear();
    for (const TomlSection& u : TableArray(*raw, s, "surges")) {
      u.RejectUnknownKeys({"onset", "amplitude", "half_life"});
      Surge sg;
      auto m = u.GetMonth("onset");
      if (!m) u.Fail("onset", "is required");
      auto a = u.GetDouble("amplitude");
      if (!a) u.Fail("amplitude", "is required");
      sg.onset = *m;
      sg.amplitude = *a;
      sg.half_life_months = RequirePositive(u, "half_life");
      shape.surges.push_back(sg);
    }
  }
}

SeriesBlock ReadBlock(const TomlSection& s, const toml::table* raw, const SeriesShape& defaults,
                      bool background, const Scenario& sc) {
  std::vector<std::string_view> known = {"name", "level_usd", "annual_totals_usd", "members"};
  known.insert(known.end(), kShapeKeys.begin(), kShapeKeys.end());
  known.push_back(background ? "category" : "id");
  // RejectUnknownKeys takes an initializer_list; check by hand with the same message.
  if (raw) {
    for (const auto& [k, v] : *raw) {
      if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
        std::string list;
        for (auto kk : known) list += (list.empty() ? "" : ", ") + std::string(kk);
        s.Fail(k.str(), "is not a known option (known: " + list + ")");
      }
    }
  }
  SeriesBlock b;
  b.shape = defaults;
  if (background) {
    b.group_id = 0;
    auto c = s.GetString("category");
    if (c) {
      if (*c != "capital" && *c != "intermediate" && *c != "consumption")
        s.Fail("category", "must be \"capital\", \"intermediate\" or \"consumption\"");
      b.category = *c;
    }
  } else {
    auto id = s.GetInt("id");
    if (!id) s.Fail("id", "is required (the catalog group id)");
    if (*id < 1) s.Fail("id", "must be a positive catalog group id");
    b.group_id = static_cast<int>(*id);
  }
  b.name = s.GetString("name").value_or(background ? "background" : "group " + std::to_string(b.group_id));
  b.shape.level_usd = RequirePositive(s, "level_usd");
  ReadShapeKeys(s, raw, b.shape);
  if (auto v = s.GetDoubleArray("annual_totals_usd")) {
    const int years = sc.last_month.year - sc.first_month.year + 1;
    if (static_cast<int>(v->size()) != years)
      s.Fail("annual_totals_usd", "must hold one total per calendar year of the period (" +
                                      std::to_string(years) + "), got " + std::to_string(v->size()));
    for (double x : *v)
      if (!(x > 0.0)) s.Fail("annual_totals_usd", "totals must be positive");
    b.shape.annual_totals_usd = *v;
  }
  if (b.shape.lny_dip != 0.0 && (sc.first_month.year < kLnyTableFirstYear || sc.last_month.year > kLnyTableLastYear))
    s.Fail("lny_dip", "needs Lunar New Year dates, tabulated for " + std::to_string(kLnyTableFirstYear) + ".." +
                          std::to_string(kLnyTableLastYear) + " only; set lny_dip = 0 for this period");
  if (!raw || !raw->get("members")) s.Fail("members", "is required (codes and their shares)");
  double total = 0.0;
  for (const TomlSection& m : TableArray(*raw, s, "members")) {
    m.RejectUnknownKeys({"code", "share"});
    auto code_text = m.GetString("code");
    if (!code_text) m.Fail("code", "is required");
    auto code = HsCode::Parse(*code_text);
    if (!code) m.Fail("code", "is not an 8-digit HS code: \"" + *code_text + "\"");
    MemberShare ms;
    ms.code = *code;
    ms.share = RequirePositive(m, "share");
    total += ms.share;
    b.members.push_back(ms);
  }
  if (b.members.empty()) s.Fail("members", "must list at least one code");
  if (std::abs(total - 1.0) > 1e-6)
    s.Fail("members", "shares must sum to 1, they sum to " + std::to_string(total));
  return b;
}

}  // namespace

Scenario Scenario::FromToml(const toml::table& root, const std::string& file) {
  TomlSection top(&root, "", file);
  top.RejectUnknownKeys({"name", "description", "first_month", "last_month", "benchmark_annual",
                         "defaults", "group", "background"});
  Scenario sc;
  sc.file = file;
  auto name = top.GetString("name");
  if (!name || name->empty()) top.Fail("name", "is required");
  sc.name = *name;
  sc.description = top.GetString("description").value_or("");
  auto first = top.GetMonth("first_month");
  if (!first) top.Fail("first_month", "is required");
  auto last = top.GetMonth("last_month");
  if (!last) top.Fail("last_month", "is required");
  if (*last < *first) top.Fail("last_month", "is before first_month");
  sc.first_month = *first;
  sc.last_month = *last;
  sc.benchmark_annual = top.GetBool("benchmark_annual").value_or(false);

  SeriesShape defaults;
  TomlSection dsec = top.Sub("defaults");
  if (dsec.present()) {
    dsec.RejectUnknownKeys({CHOKEPOINT_SHAPE_KEYS});
    ReadShapeKeys(dsec, RawTable(root, "defaults", std::nullopt), defaults);
  }
  const auto groups = TableArray(root, top, "group");
  for (size_t i = 0; i < groups.size(); ++i)
    sc.groups.push_back(ReadBlock(groups[i], RawTable(root, "group", i), defaults, false, sc));
  const auto bg = TableArray(root, top, "background");
  for (size_t i = 0; i < bg.size(); ++i)
    sc.background.push_back(ReadBlock(bg[i], RawTable(root, "background", i), defaults, true, sc));
  if (sc.groups.empty() && sc.background.empty()) top.Fail("", "defines no [[group]] and no [[background]] block");

  // Cross-block checks, located at the offending block.
  std::set<int> ids;
  std::set<HsCode> codes;
  auto check = [&](const std::vector<SeriesBlock>& blocks, const std::vector<TomlSection>& secs) {
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].group_id > 0 && !ids.insert(blocks[i].group_id).second)
        secs[i].Fail("id", "group id " + std::to_string(blocks[i].group_id) + " appears twice");
      for (const auto& m : blocks[i].members)
        if (!codes.insert(m.code).second)
          secs[i].Fail("members", "code " + m.code.ToString() + " is listed in more than one block");
    }
  };
  check(sc.groups, groups);
  check(sc.background, bg);
  std::string error;
  if (!sc.IsValid(&error)) throw Error(ErrorKind::kUsage, FormatLocation(file, 0, 0, error));
  return sc;
}

Scenario Scenario::LoadFile(const std::filesystem::path& path) {
  const toml::table root = ParseTomlFile(path.string());
  return FromToml(root, path.string());
}

Scenario Scenario::Load(std::string_view name_or_file) {
  const std::string s(name_or_file);
  const bool is_path = s.find('/') != std::string::npos || (s.size() > 5 && s.ends_with(".toml"));
  if (is_path) return LoadFile(s);
  const std::filesystem::path p = DataDirectory() / "scenarios" / (s + ".toml");
  if (!std::filesystem::exists(p)) {
    std::string list;
    for (const auto& n : ListShipped()) list += (list.empty() ? "" : ", ") + n;
    ThrowUsageError("unknown scenario \"" + s + "\" (no " + p.string() + "); shipped scenarios: " + list);
  }
  return LoadFile(p);
}

std::vector<std::string> Scenario::ListShipped() {
  std::vector<std::string> out;
  const std::filesystem::path dir = DataDirectory() / "scenarios";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool Scenario::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) { if (error) *error = msg; return false; };
  if (name.empty()) return fail("scenario.name is empty");
  if (last_month < first_month) return fail("scenario.last_month is before scenario.first_month");
  const int years = last_month.year - first_month.year + 1;
  auto check_blocks = [&](const std::vector<SeriesBlock>& blocks, const char* kind) -> bool {
    for (size_t i = 0; i < blocks.size(); ++i) {
      const SeriesBlock& b = blocks[i];
      const std::string where = std::string(kind) + "[" + std::to_string(i) + "]";
      const SeriesShape& s = b.shape;
      if (!(s.level_usd > 0.0)) return fail(where + ".level_usd must be positive");
      if (!(s.rho > -1.0 && s.rho < 1.0)) return fail(where + ".rho must be in (-1, 1)");
      if (!(s.sigma >= 0.0)) return fail(where + ".sigma must be >= 0");
      if (s.lny_dip != 0.0 && (first_month.year < kLnyTableFirstYear || last_month.year > kLnyTableLastYear))
        return fail(where + ".lny_dip needs Lunar New Year dates, tabulated for 2010..2030 only");
      for (const auto& u : s.surges)
        if (!(u.half_life_months > 0.0)) return fail(where + ".surges.half_life must be positive");
      if (!s.annual_totals_usd.empty() && static_cast<int>(s.annual_totals_usd.size()) != years)
        return fail(where + ".annual_totals_usd must hold " + std::to_string(years) + " totals");
      if (b.members.empty()) return fail(where + ".members is empty");
      double total = 0.0;
      for (size_t j = 0; j < b.members.size(); ++j) {
        if (!(b.members[j].share > 0.0))
          return fail(where + ".members[" + std::to_string(j) + "].share must be positive");
        total += b.members[j].share;
      }
      if (std::abs(total - 1.0) > 1e-6) return fail(where + ".members shares must sum to 1");
    }
    return true;
  };
  return check_blocks(groups, "group") && check_blocks(background, "background");
}

toml::table Scenario::ToToml() const {
  auto shape_into = [](toml::table& t, const SeriesShape& s) {
    t.insert("level_usd", s.level_usd);
    t.insert("slope", s.slope_per_year);
    toml::array breaks;
    for (const auto& b : s.breaks)
      breaks.push_back(toml::table{{"month", b.month.ToString()}, {"slope", b.slope_per_year}});
    t.insert("breaks", std::move(breaks));
    toml::array season;
    for (double x : s.season) season.push_back(x);
    t.insert("season", std::move(season));
    t.insert("seasonality", s.seasonality);
    t.insert("lny_dip", s.lny_dip);
    toml::array surges;
    for (const auto& u : s.surges)
      surges.push_back(toml::table{{"onset", u.onset.ToString()}, {"amplitude", u.amplitude},
                                   {"half_life", u.half_life_months}});
    t.insert("surges", std::move(surges));
    t.insert("rho", s.rho);
    t.insert("sigma", s.sigma);
    if (!s.annual_totals_usd.empty()) {
      toml::array a;
      for (double x : s.annual_totals_usd) a.push_back(x);
      t.insert("annual_totals_usd", std::move(a));
    }
  };
  auto block_table = [&](const SeriesBlock& b) {
    toml::table t;
    if (b.is_background()) {
      if (!b.category.empty()) t.insert("category", b.category);
    } else {
      t.insert("id", b.group_id);
    }
    t.insert("name", b.name);
    shape_into(t, b.shape);
    toml::array members;
    for (const auto& m : b.members) members.push_back(toml::table{{"code", m.code.ToString()}, {"share", m.share}});
    t.insert("members", std::move(members));
    return t;
  };
  toml::table root;
  root.insert("name", name);
  if (!description.empty()) root.insert("description", description);
  root.insert("first_month", first_month.ToString());
  root.insert("last_month", last_month.ToString());
  root.insert("benchmark_annual", benchmark_annual);
  toml::array g, bg;
  for (const auto& b : groups) g.push_back(block_table(b));
  for (const auto& b : background) bg.push_back(block_table(b));
  if (!g.empty()) root.insert("group", std::move(g));
  if (!bg.empty()) root.insert("background", std::move(bg));
  return root;
}

}  // namespace chokepoint
