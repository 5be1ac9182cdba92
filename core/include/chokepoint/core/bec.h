// HS -> BEC Rev.4 -> SNA class (capital / intermediate / consumption), read
// from tables in the UN correspondence layout ("HS 2022,BEC 4,Relationship").
// Each HS6 gets exactly one class: an override table first, then the tables
// in priority order (HS2022 before HS2017), and for n:n codes (several BEC
// codes) a documented rule. See data/bec/ORIGIN.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chokepoint/core/catalog.h"
#include "chokepoint/core/hs_code.h"

namespace chokepoint {

// SNA class of a BEC Rev.4 code: capital = 41, 521; intermediate = 111, 121,
// 21, 22, 31, 322, 42, 53; everything else (incl. the unassigned 321, 51, 7
// and the mixed "32") consumption. Leading/trailing blanks are ignored; the R
// package's right-padded form ("410", "420") is accepted.
GoodsCategory GoodsCategoryOfBec(std::string_view bec);

// How an HS6 with several BEC codes gets its one class.
enum class BecNnRule {
  kMajority,     // the class most of its BEC codes fall in (BEC 7 not counted);
                 // ties: intermediate > capital > consumption
  kFirstListed,  // the class of the first BEC code listed in the table
};
std::string_view ToString(BecNnRule r);  // "majority", "first"
std::optional<BecNnRule> BecNnRuleFromString(std::string_view s);

// One correspondence table: HS6 -> its BEC codes, in file order.
struct BecTable {
  std::string label;    // file path or a name
  std::string vintage;  // "HS2022", "HS2017", ... from the header, if it says
  std::unordered_map<uint32_t, std::vector<std::string>> bec_of_hs6;
  size_t num_rows = 0;
  size_t num_nn_codes() const;
};
// Reads the UN layout: a header whose first column names the HS code ("HS 2017",
// "HS 2022", "hs6") and a column containing "BEC"; a "Relationship" column is
// optional. Blank ",," rows are skipped; bad codes stop with file:line:column.
BecTable ReadBecTable(const std::filesystem::path& path);

struct BecOverride {
  uint32_t hs6 = 0;
  std::string bec;
  std::string note;
};
// hs6,bec,note (note optional).
std::vector<BecOverride> ReadBecOverrides(const std::filesystem::path& path);

// The category of one code and how it was decided.
struct BecAssignment {
  bool mapped = false;
  GoodsCategory category = GoodsCategory::kConsumption;
  std::string bec;     // the BEC code that decided (for n:n: the first of the winning class)
  std::string table;   // table vintage/label, "override", or "" when unmapped
  std::string how;     // "n:1", "override", "n:n majority of 21/22/41/...", "via successor 84561100", ...
  bool nn = false;     // several BEC codes
};

class BecMapper {
 public:
  BecMapper() = default;
  // Tables in priority order (the first that lists an HS6 decides).
  BecMapper(std::vector<BecTable> tables, std::vector<BecOverride> overrides, BecNnRule rule);
  // data/bec: HS2022 table, HS2017 table, overrides.csv; majority rule.
  static BecMapper LoadDefault(BecNnRule rule = BecNnRule::kMajority);

  // Category of one HS6 (no concordance fallback).
  BecAssignment MapHs6(uint32_t hs6) const;
  // Category of a code; if its HS6 is in no table, tries its catalog
  // concordance successors (old lines renumbered since), else unmapped.
  BecAssignment Map(HsCode code, const Catalog* catalog = nullptr) const;

  const std::vector<BecTable>& tables() const { return tables_; }
  const std::vector<BecOverride>& overrides() const { return overrides_; }
  BecNnRule rule() const { return rule_; }
  // "hs2022_bec_correspondence.csv (HS2022), ... + overrides (4), rule majority"
  std::string Describe() const;

 private:
  std::vector<BecTable> tables_;
  std::vector<BecOverride> overrides_;
  std::unordered_map<uint32_t, size_t> override_index_;
  BecNnRule rule_ = BecNnRule::kMajority;
};

}  // namespace chokepoint
