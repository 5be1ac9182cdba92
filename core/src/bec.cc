#include "chokepoint/core/bec.h"

#include <array>
#include <cctype>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/csv_table.h"

namespace chokepoint {


namespace {

std::string TrimBec(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "410" -> "41", "420" -> "42", "700" -> "7" (the R package pads to 3 digits).
std::string Unpad(std::string s) {
  static const std::array<const char*, 11> kShort = {"21", "22", "31", "41", "42", "51", "53", "61", "62", "63", "32"};
  if (s.size() == 3 && s[2] == '0') {
    const std::string two = s.substr(0, 2);
    for (const char* k : kShort)
      if (two == k) return two;
    if (s == "700") return "7";
  }
  return s;
}

std::optional<uint32_t> ParseHs6(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c != '.' && c != ' ') return std::nullopt;
  }
  // Spreadsheet exports sometimes drop the leading zero of chapters 01-09.
  if (digits.size() == 5) digits = "0" + digits;
  if (digits.size() != 6) return std::nullopt;
  const uint32_t v = static_cast<uint32_t>(std::stoul(digits));
  if (v / 10000 == 0) return std::nullopt;
  return v;
}

int ClassRank(GoodsCategory c) {  // tie-break order for the majority rule
  switch (c) {
    case GoodsCategory::kIntermediate: return 0;
    case GoodsCategory::kCapital: return 1;
    case GoodsCategory::kConsumption: return 2;
  }
  return 3;
}


}  // namespace

GoodsCategory GoodsCategoryOfBec(std::string_view bec_text) {
  const std::string bec = Unpad(TrimBec(bec_text));
  if (bec == "41" || bec == "521") return GoodsCategory::kCapital;
  if (bec == "111" || bec == "121" || bec == "21" || bec == "22" || bec == "31" || bec == "322" || bec == "42" ||
      bec == "53")
    return GoodsCategory::kIntermediate;
  return GoodsCategory::kConsumption;
}

std::string_view ToString(BecNnRule r) {
  switch (r) {
    case BecNnRule::kMajority: return "majority";
    case BecNnRule::kFirstListed: return "first";
  }
  return "?";
}

std::optional<BecNnRule> BecNnRuleFromString(std::string_view s) {
  if (s == "majority") return BecNnRule::kMajority;
  if (s == "first") return BecNnRule::kFirstListed;
  return std::nullopt;
}

size_t BecTable::num_nn_codes() const {
  size_t n = 0;
  for (const auto& [hs6, becs] : bec_of_hs6) n += becs.size() > 1;
  return n;
}

BecTable ReadBecTable(const std::filesystem::path& path) {
  const CsvTable t = CsvTable::ReadFile(path);
  BecTable table;
  table.label = DataRelativePath(path);
  if (t.header().empty()) t.FailAtLine(1, "empty header");
  // The HS column: the first header naming HS; the BEC column: the first naming BEC.
  int c_hs = -1, c_bec = -1;
  for (size_t i = 0; i < t.header().size(); ++i) {
    const std::string& h = t.header()[i];
    if (c_hs < 0 && h.rfind("hs", 0) == 0) c_hs = static_cast<int>(i);
    else if (c_bec < 0 && h.find("bec") != std::string::npos) c_bec = static_cast<int>(i);
  }
  if (c_hs < 0 || c_bec < 0)
    t.FailAtLine(1, "expected the UN correspondence layout: a column named 'HS ...' and a column named 'BEC ...'");
  const std::string& hs_header = t.header()[c_hs];
  std::string year;
  for (char c : hs_header)
    if (c >= '0' && c <= '9') year.push_back(c);
  if (year.size() == 4) table.vintage = "HS" + year;
  for (const auto& r : t.records()) {
    const std::string& hs_text = t.Field(r, c_hs).text;
    auto hs6 = ParseHs6(hs_text);
    if (!hs6) t.Fail(r, c_hs, "invalid HS6 code '" + hs_text + "' (expected 6 digits)");
    const std::string bec = Unpad(TrimBec(t.Field(r, c_bec).text));
    if (!AllDigits(bec)) t.Fail(r, c_bec, "invalid BEC code '" + bec + "' (expected digits, e.g. 41 or 521)");
    auto& list = table.bec_of_hs6[*hs6];
    bool dup = false;
    for (const auto& b : list) dup |= (b == bec);
    if (!dup) list.push_back(bec);
    ++table.num_rows;
  }
  if (table.bec_of_hs6.empty()) t.FailAtLine(1, "no correspondence rows");
  return table;
}

std::vector<BecOverride> ReadBecOverrides(const std::filesystem::path& path) {
  const CsvTable t = CsvTable::ReadFile(path);
  const int c_hs = t.RequireColumn("hs6"), c_bec = t.RequireColumn("bec");
  const int c_note = t.ColumnIndex("note");
  std::vector<BecOverride> out;
  for (const auto& r : t.records()) {
    BecOverride o;
    const std::string& hs_text = t.Field(r, c_hs).text;
    auto hs6 = ParseHs6(hs_text);
    if (!hs6) t.Fail(r, c_hs, "invalid HS6 code '" + hs_text + "' (expected 6 digits)");
    o.hs6 = *hs6;
    o.bec = Unpad(TrimBec(t.Field(r, c_bec).text));
    if (!AllDigits(o.bec)) t.Fail(r, c_bec, "invalid BEC code '" + o.bec + "'");
    o.note = t.OptionalText(r, c_note);
    for (const auto& prev : out)
      if (prev.hs6 == o.hs6) t.Fail(r, c_hs, "HS6 " + hs_text + " is overridden twice");
    out.push_back(std::move(o));
  }
  return out;
}

BecMapper::BecMapper(std::vector<BecTable> tables, std::vector<BecOverride> overrides, BecNnRule rule)
    : tables_(std::move(tables)), overrides_(std::move(overrides)), rule_(rule) {
  for (size_t i = 0; i < overrides_.size(); ++i) override_index_[overrides_[i].hs6] = i;
}

BecMapper BecMapper::LoadDefault(BecNnRule rule) {
  const auto dir = DataDirectory() / "bec";
  std::vector<BecTable> tables;
  tables.push_back(ReadBecTable(dir / "hs2022_bec_correspondence.csv"));
  tables.push_back(ReadBecTable(dir / "hs2017_bec_correspondence.csv"));
  return BecMapper(std::move(tables), ReadBecOverrides(dir / "overrides.csv"), rule);
}

BecAssignment BecMapper::MapHs6(uint32_t hs6) const {
  BecAssignment a;
  if (auto it = override_index_.find(hs6); it != override_index_.end()) {
    const BecOverride& o = overrides_[it->second];
    a.mapped = true;
    a.bec = o.bec;
    a.category = GoodsCategoryOfBec(o.bec);
    a.table = "override";
    a.how = "override BEC " + o.bec;
    for (const BecTable& t : tables_)
      if (auto jt = t.bec_of_hs6.find(hs6); jt != t.bec_of_hs6.end()) {
        a.nn = jt->second.size() > 1;
        break;
      }
    return a;
  }
  for (const BecTable& t : tables_) {
    auto it = t.bec_of_hs6.find(hs6);
    if (it == t.bec_of_hs6.end()) continue;
    const std::vector<std::string>& becs = it->second;
    a.mapped = true;
    a.table = t.vintage.empty() ? t.label : t.vintage;
    if (becs.size() == 1) {
      a.bec = becs[0];
      a.category = GoodsCategoryOfBec(becs[0]);
      a.how = "n:1 BEC " + becs[0];
      return a;
    }
    a.nn = true;
    std::string list;
    for (const auto& b : becs) list += (list.empty() ? "" : "/") + b;
    if (rule_ == BecNnRule::kFirstListed) {
      a.bec = becs[0];
      a.category = GoodsCategoryOfBec(becs[0]);
      a.how = "n:n " + list + ", first listed";
      return a;
    }
    std::array<int, 3> votes{0, 0, 0};  // indexed by ClassRank
    for (const auto& b : becs)
      if (b != "7") ++votes[ClassRank(GoodsCategoryOfBec(b))];
    int best = 0;
    for (int k = 1; k < 3; ++k)
      if (votes[k] > votes[best]) best = k;  // strict: ties keep the earlier rank
    const GoodsCategory order[3] = {GoodsCategory::kIntermediate, GoodsCategory::kCapital,
                                    GoodsCategory::kConsumption};
    a.category = order[best];
    for (const auto& b : becs)
      if (b != "7" && GoodsCategoryOfBec(b) == a.category) {
        a.bec = b;
        break;
      }
    if (a.bec.empty()) a.bec = becs[0];  // only "7"s: consumption
    a.how = "n:n " + list + ", majority " + std::string(ToString(a.category));
    return a;
  }
  return a;
}

BecAssignment BecMapper::Map(HsCode code, const Catalog* catalog) const {
  BecAssignment a = MapHs6(code.Hs6());
  if (a.mapped || !catalog) return a;
  // Old lines (e.g. HS2012 84561000) are in neither table: use the successor.
  for (const ConcordanceEntry& e : catalog->SuccessorsOf(code)) {
    BecAssignment s = MapHs6(e.new_code.Hs6());
    if (s.mapped) {
      s.how = "via successor " + e.new_code.ToString() + ": " + s.how;
      return s;
    }
  }
  return a;
}

std::string BecMapper::Describe() const {
  std::string out;
  for (const BecTable& t : tables_) {
    if (!out.empty()) out += ", then ";
    out += t.label;
    if (!t.vintage.empty()) out += " (" + t.vintage + ")";
  }
  out += "; " + std::to_string(overrides_.size()) + " overrides; n:n rule " + std::string(ToString(rule_));
  return out;
}

}  // namespace chokepoint
