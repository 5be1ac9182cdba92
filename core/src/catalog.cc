#include "chokepoint/core/catalog.h"

#include <cmath>
#include <utility>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/csv_table.h"

namespace chokepoint {


std::string_view ToString(GoodsCategory c) {
  switch (c) {
    case GoodsCategory::kCapital: return "capital";
    case GoodsCategory::kIntermediate: return "intermediate";
    case GoodsCategory::kConsumption: return "consumption";
  }
  return "?";
}

std::optional<GoodsCategory> GoodsCategoryFromString(std::string_view s) {
  if (s == "capital") return GoodsCategory::kCapital;
  if (s == "intermediate") return GoodsCategory::kIntermediate;
  if (s == "consumption") return GoodsCategory::kConsumption;
  return std::nullopt;
}

std::string_view ToString(AnalysisCategory c) {
  switch (c) {
    case AnalysisCategory::kSemiconductorIntermediate: return "semiconductor_intermediate";
    case AnalysisCategory::kSemiconductorCapital: return "semiconductor_capital";
    case AnalysisCategory::kOtherIntermediate: return "other_intermediate";
    case AnalysisCategory::kOtherCapital: return "other_capital";
    case AnalysisCategory::kConsumption: return "consumption";
  }
  return "?";
}

std::optional<AnalysisCategory> AnalysisCategoryFromString(std::string_view s) {
  for (AnalysisCategory c : {AnalysisCategory::kSemiconductorIntermediate, AnalysisCategory::kSemiconductorCapital,
                             AnalysisCategory::kOtherIntermediate, AnalysisCategory::kOtherCapital,
                             AnalysisCategory::kConsumption})
    if (ToString(c) == s) return c;
  return std::nullopt;
}

AnalysisCategory TechnologyGroup::analysis_category() const {
  switch (category) {
    case GoodsCategory::kCapital:
      return semiconductor ? AnalysisCategory::kSemiconductorCapital : AnalysisCategory::kOtherCapital;
    case GoodsCategory::kIntermediate:
      return semiconductor ? AnalysisCategory::kSemiconductorIntermediate : AnalysisCategory::kOtherIntermediate;
    case GoodsCategory::kConsumption:
      return AnalysisCategory::kConsumption;
  }
  return AnalysisCategory::kConsumption;
}

// ---- building --------------------------------------------------------------

namespace {
[[noreturn]] void Invalid(const std::string& message) { throw Error(ErrorKind::kInput, message); }
}  // namespace

void Catalog::AddGroup(TechnologyGroup g) {
  if (g.id <= 0) Invalid("catalog: group id must be a positive integer, got " + std::to_string(g.id));
  if (g.name.empty()) Invalid("catalog: group " + std::to_string(g.id) + " has an empty name");
  if (group_index_of_id_.count(g.id)) Invalid("catalog: duplicate group id " + std::to_string(g.id));
  if (g.short_name.empty()) g.short_name = g.name;
  group_index_of_id_.emplace(g.id, static_cast<int>(groups_.size()));
  groups_.push_back(std::move(g));
}

void Catalog::AddMember(CatalogMember m) {
  if (!m.code.valid()) Invalid("catalog: member with an invalid HS code");
  const int gi = GroupIndexOfId(m.group_id);
  if (gi < 0) Invalid("catalog: member " + m.code.ToString() + " names unknown group " + std::to_string(m.group_id));
  if (group_index_of_code_.count(m.code))
    Invalid("catalog: code " + m.code.ToString() + " is listed twice (a code belongs to one group only)");
  group_index_of_code_.emplace(m.code, gi);
  members_.push_back(std::move(m));
}

void Catalog::AddBatchEntry(BatchEntry b) {
  if (b.batch < 1 || b.batch > 3) Invalid("catalog: batch must be 1, 2 or 3, got " + std::to_string(b.batch));
  if (!b.code.valid()) Invalid("catalog: batch entry with an invalid HS code");
  if (b.group_id != 0 && GroupIndexOfId(b.group_id) < 0)
    Invalid("catalog: batch entry " + b.code.ToString() + " names unknown group " + std::to_string(b.group_id));
  for (const BatchEntry& e : batch_entries_)
    if (e.batch == b.batch && e.code == b.code)
      Invalid("catalog: code " + b.code.ToString() + " is listed twice in batch " + std::to_string(b.batch));
  batch_entries_.push_back(std::move(b));
}

void Catalog::AddConcordance(ConcordanceEntry c) {
  if (!c.old_code.valid() || !c.new_code.valid()) Invalid("catalog: concordance entry with an invalid HS code");
  if (c.old_code == c.new_code) Invalid("catalog: concordance maps " + c.old_code.ToString() + " to itself");
  if (!(std::isfinite(c.weight) && c.weight > 0.0 && c.weight <= 1.0))
    Invalid("catalog: concordance " + c.old_code.ToString() + "->" + c.new_code.ToString() +
            " weight must be in (0, 1], got " + std::to_string(c.weight));
  double total = c.weight;
  for (const ConcordanceEntry& e : concordance_) {
    if (e.old_code == c.old_code && e.new_code == c.new_code)
      Invalid("catalog: concordance " + c.old_code.ToString() + "->" + c.new_code.ToString() + " is listed twice");
    if (e.old_code == c.old_code && e.effective == c.effective) total += e.weight;
  }
  // An old line's value may be shared among its successors, never multiplied.
  if (total > 1.0 + 1e-9)
    Invalid("catalog: the weights of " + c.old_code.ToString() + "'s successors from " + c.effective.ToString() +
            " add up to " + std::to_string(total) + " > 1 (its value would be counted more than once)");
  concordance_.push_back(std::move(c));
}

// ---- queries ---------------------------------------------------------------

int Catalog::GroupIndexOfId(int group_id) const {
  auto it = group_index_of_id_.find(group_id);
  return it == group_index_of_id_.end() ? -1 : it->second;
}

int Catalog::GroupIndexOfCode(HsCode code) const {
  auto it = group_index_of_code_.find(code);
  return it == group_index_of_code_.end() ? -1 : it->second;
}

const TechnologyGroup& Catalog::GroupById(int group_id) const {
  const int gi = GroupIndexOfId(group_id);
  if (gi < 0) ThrowInternalError("catalog: no group with id " + std::to_string(group_id));
  return groups_[gi];
}

const CatalogMember* Catalog::MemberOf(HsCode code) const {
  for (const CatalogMember& m : members_)
    if (m.code == code) return &m;
  return nullptr;
}

std::vector<HsCode> Catalog::BatchCodes(int batch) const {
  std::vector<HsCode> out;
  for (const BatchEntry& e : batch_entries_)
    if (e.batch == batch) out.push_back(e.code);
  if (batch == 1 && out.empty())
    for (const CatalogMember& m : members_) out.push_back(m.code);
  return out;
}

std::vector<ConcordanceEntry> Catalog::PredecessorsOf(HsCode code) const {
  std::vector<ConcordanceEntry> out;
  for (const ConcordanceEntry& e : concordance_)
    if (e.new_code == code) out.push_back(e);
  return out;
}

std::vector<ConcordanceEntry> Catalog::SuccessorsOf(HsCode code) const {
  std::vector<ConcordanceEntry> out;
  for (const ConcordanceEntry& e : concordance_)
    if (e.old_code == code) out.push_back(e);
  return out;
}

// ---- loading ---------------------------------------------------------------

namespace {

HsCode RequireCode(const CsvTable& t, const CsvRecord& r, int col) {
  const std::string& text = t.Field(r, col).text;
  auto code = HsCode::Parse(text);
  if (!code) t.Fail(r, col, "invalid HS8 code '" + text + "' (expected 8 digits, e.g. 85423100)");
  return *code;
}

long long RequireInt(const CsvTable& t, const CsvRecord& r, int col, const char* what) {
  const std::string& text = t.Field(r, col).text;
  auto v = ParseInteger(text);
  if (!v) t.Fail(r, col, std::string("invalid ") + what + " '" + text + "' (expected an integer)");
  return *v;
}

// Runs `add` and relocates its error (which has no position) onto the record.
template <typename F>
void AddAt(const CsvTable& t, const CsvRecord& r, int col, F&& add) {
  try {
    add();
  } catch (const Error& e) {
    std::string msg = e.what();
    if (msg.rfind("catalog: ", 0) == 0) msg = msg.substr(9);
    t.Fail(r, col, msg);
  }
}

void LoadGroups(Catalog& cat, const std::filesystem::path& file) {
  const CsvTable t = CsvTable::ReadFile(file);
  const int c_id = t.RequireColumn("id"), c_name = t.RequireColumn("name");
  const int c_short = t.ColumnIndex("short_name");
  const int c_cat = t.RequireColumn("category"), c_semi = t.RequireColumn("semiconductor");
  for (const auto& r : t.records()) {
    TechnologyGroup g;
    g.id = static_cast<int>(RequireInt(t, r, c_id, "group id"));
    if (g.id <= 0) t.Fail(r, c_id, "group id must be a positive integer, got " + std::to_string(g.id));
    g.name = t.Field(r, c_name).text;
    if (g.name.empty()) t.Fail(r, c_name, "empty group name");
    g.short_name = t.OptionalText(r, c_short);
    const std::string& cat_text = t.Field(r, c_cat).text;
    auto category = GoodsCategoryFromString(cat_text);
    if (!category) t.Fail(r, c_cat, "unknown category '" + cat_text + "' (expected capital, intermediate or consumption)");
    g.category = *category;
    const std::string& semi_text = t.Field(r, c_semi).text;
    auto semi = ParseYesNo(semi_text);
    if (!semi) t.Fail(r, c_semi, "semiconductor must be yes or no, got '" + semi_text + "'");
    g.semiconductor = *semi;
    AddAt(t, r, c_id, [&] { cat.AddGroup(std::move(g)); });
  }
  if (cat.groups().empty()) t.FailAtLine(1, "no groups defined");
}

void LoadMembers(Catalog& cat, const std::filesystem::path& file) {
  const CsvTable t = CsvTable::ReadFile(file);
  const int c_code = t.RequireColumn("code"), c_group = t.RequireColumn("group_id");
  const int c_desc = t.ColumnIndex("description"), c_tech = t.ColumnIndex("technology");
  const int c_conf = t.ColumnIndex("confidence"), c_src = t.ColumnIndex("source");
  for (const auto& r : t.records()) {
    CatalogMember m;
    m.code = RequireCode(t, r, c_code);
    m.group_id = static_cast<int>(RequireInt(t, r, c_group, "group id"));
    if (cat.GroupIndexOfId(m.group_id) < 0)
      t.Fail(r, c_group, "unknown group id " + std::to_string(m.group_id) + " (not in groups.csv)");
    m.description = t.OptionalText(r, c_desc);
    m.technology = t.OptionalText(r, c_tech);
    m.confidence = t.OptionalText(r, c_conf);
    if (!m.confidence.empty() && m.confidence != "high" && m.confidence != "medium" && m.confidence != "low")
      t.Fail(r, c_conf, "confidence must be high, medium or low, got '" + m.confidence + "'");
    m.source = t.OptionalText(r, c_src);
    AddAt(t, r, c_code, [&] { cat.AddMember(std::move(m)); });
  }
}

void LoadBatches(Catalog& cat, const std::filesystem::path& file) {
  const CsvTable t = CsvTable::ReadFile(file);
  const int c_batch = t.RequireColumn("batch"), c_code = t.RequireColumn("code");
  const int c_label = t.ColumnIndex("label"), c_group = t.ColumnIndex("group_id");
  const int c_note = t.ColumnIndex("note");
  for (const auto& r : t.records()) {
    BatchEntry b;
    b.batch = static_cast<int>(RequireInt(t, r, c_batch, "batch"));
    if (b.batch < 1 || b.batch > 3) t.Fail(r, c_batch, "batch must be 1, 2 or 3, got " + std::to_string(b.batch));
    b.code = RequireCode(t, r, c_code);
    b.label = t.OptionalText(r, c_label);
    if (c_group >= 0 && !t.OptionalText(r, c_group).empty()) {
      b.group_id = static_cast<int>(RequireInt(t, r, c_group, "group id"));
      if (b.group_id != 0 && cat.GroupIndexOfId(b.group_id) < 0)
        t.Fail(r, c_group, "unknown group id " + std::to_string(b.group_id) + " (0 means no group)");
    } else if (const int gi = cat.GroupIndexOfCode(b.code); gi >= 0) {
      b.group_id = cat.groups()[gi].id;  // a member's group when the column is blank
    }
    b.note = t.OptionalText(r, c_note);
    AddAt(t, r, c_code, [&] { cat.AddBatchEntry(std::move(b)); });
  }
}

void LoadConcordance(Catalog& cat, const std::filesystem::path& file) {
  const CsvTable t = CsvTable::ReadFile(file);
  const int c_old = t.RequireColumn("old_code"), c_new = t.RequireColumn("new_code");
  const int c_eff = t.RequireColumn("effective"), c_w = t.ColumnIndex("weight");
  const int c_note = t.ColumnIndex("note");
  for (const auto& r : t.records()) {
    ConcordanceEntry c;
    c.old_code = RequireCode(t, r, c_old);
    c.new_code = RequireCode(t, r, c_new);
    const std::string& eff = t.Field(r, c_eff).text;
    auto month = YearMonth::Parse(eff);
    if (!month) t.Fail(r, c_eff, "invalid effective month '" + eff + "' (expected YYYY-MM)");
    c.effective = *month;
    if (const std::string w = t.OptionalText(r, c_w); !w.empty()) {
      auto v = ParseDouble(w);
      if (!v) t.Fail(r, c_w, "invalid weight '" + w + "' (expected a number in (0, 1])");
      c.weight = *v;
    }
    c.note = t.OptionalText(r, c_note);
    AddAt(t, r, c_w >= 0 ? c_w : c_old, [&] { cat.AddConcordance(std::move(c)); });
  }
}

}  // namespace

Catalog Catalog::LoadDirectory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir))
    ThrowInputError(dir.string(), 0, 0, "catalog directory not found (expected groups.csv and members.csv in it)");
  Catalog cat;
  LoadGroups(cat, dir / "groups.csv");
  LoadMembers(cat, dir / "members.csv");
  if (fs::exists(dir / "batches.csv")) LoadBatches(cat, dir / "batches.csv");
  if (fs::exists(dir / "concordance.csv")) LoadConcordance(cat, dir / "concordance.csv");
  cat.source = DataRelativePath(dir);
  return cat;
}

Catalog Catalog::LoadDefault() { return LoadDirectory(DataDirectory() / "catalog"); }

}  // namespace chokepoint
