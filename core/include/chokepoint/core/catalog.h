// The technology catalog: groups (name, goods category, semiconductor flag),
// their member HS8 codes (description, technology served, source), the
// validation batches, and an HS concordance that joins a code's series across
// tariff vintages. Loaded from human-editable CSV files under data/catalog/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chokepoint/core/hs_code.h"
#include "chokepoint/core/period.h"

namespace chokepoint {

// Goods category of a technology group (the talk's Table 1 column).
enum class GoodsCategory { kCapital, kIntermediate, kConsumption };
std::string_view ToString(GoodsCategory c);  // "capital", "intermediate", "consumption"
std::optional<GoodsCategory> GoodsCategoryFromString(std::string_view s);

// The four analysis categories of the talk, plus "other" for Medicaments.
enum class AnalysisCategory {
  kSemiconductorIntermediate,
  kSemiconductorCapital,
  kOtherIntermediate,
  kOtherCapital,
  kConsumption,
};
std::string_view ToString(AnalysisCategory c);  // "semiconductor_intermediate", ..., "consumption"
std::optional<AnalysisCategory> AnalysisCategoryFromString(std::string_view s);

struct TechnologyGroup {
  int id = 0;                 // 1..17 in the default catalog
  std::string name;           // "Integrated Circuits"
  std::string short_name;     // "ICs": used in tight report cells
  GoodsCategory category = GoodsCategory::kCapital;
  bool semiconductor = false;
  AnalysisCategory analysis_category() const;
};

// Batch membership bits.
inline constexpr uint8_t kBatch1 = 1;  // 2018 Science and Technology Daily list
inline constexpr uint8_t kBatch2 = 2;  // 2023 Advanced Manufacturing Greenbook
inline constexpr uint8_t kBatch3 = 4;  // 2025 customs tariff-exemption list

struct CatalogMember {
  HsCode code;
  int group_id = 0;
  std::string description;   // official tariff wording
  std::string technology;    // the chokepoint technology (talk's numbering) it serves
  std::string confidence;    // high / medium / low (reference/catalog.md)
  std::string source;        // source keys and notes
};

// A code listed in a validation batch (not necessarily a group member).
struct BatchEntry {
  int batch = 0;             // 1, 2 or 3
  HsCode code;
  std::string label;
  int group_id = 0;          // 0 when the code belongs to no group
  std::string note;          // provenance / revision note (optional column)
};

// old_code's series continues as new_code from `effective` on; `weight` is the
// share of old_code's value attributed to new_code (1 for a rename or merge,
// < 1 when one old line was split into several new ones).
struct ConcordanceEntry {
  HsCode old_code;
  HsCode new_code;
  YearMonth effective;
  double weight = 1.0;
  std::string note;
};

class Catalog {
 public:
  // Reads groups.csv, members.csv, batches.csv and concordance.csv from a
  // directory (batches and concordance are optional). Errors name file:line.
  static Catalog LoadDirectory(const std::filesystem::path& dir);
  // The catalog shipped in data/catalog.
  static Catalog LoadDefault();

  const std::vector<TechnologyGroup>& groups() const { return groups_; }
  const std::vector<CatalogMember>& members() const { return members_; }
  const std::vector<BatchEntry>& batch_entries() const { return batch_entries_; }
  const std::vector<ConcordanceEntry>& concordance() const { return concordance_; }
  int num_groups() const { return static_cast<int>(groups_.size()); }

  // Index into groups() of a group id, or -1.
  int GroupIndexOfId(int group_id) const;
  // Index into groups() of the group a (current-vintage) code belongs to, or -1.
  int GroupIndexOfCode(HsCode code) const;
  // Codes of one batch (1, 2 or 3). Batch 1 is every group member unless
  // batches.csv lists batch 1 explicitly.
  std::vector<HsCode> BatchCodes(int batch) const;
  // Concordance entries whose new_code is `code` (its predecessors).
  std::vector<ConcordanceEntry> PredecessorsOf(HsCode code) const;
  // Concordance entries whose old_code is `code` (its successors).
  std::vector<ConcordanceEntry> SuccessorsOf(HsCode code) const;
  // The member record of a code, or nullptr.
  const CatalogMember* MemberOf(HsCode code) const;
  // The group with this id (must exist).
  const TechnologyGroup& GroupById(int group_id) const;
  // Where this catalog was read from.
  std::string source;

  // Building a catalog in code (tests, user programs). Validates ids.
  void AddGroup(TechnologyGroup g);
  void AddMember(CatalogMember m);
  void AddBatchEntry(BatchEntry b);
  void AddConcordance(ConcordanceEntry c);

 private:
  std::vector<TechnologyGroup> groups_;
  std::vector<CatalogMember> members_;
  std::vector<BatchEntry> batch_entries_;
  std::vector<ConcordanceEntry> concordance_;
  std::unordered_map<int, int> group_index_of_id_;
  std::unordered_map<HsCode, int> group_index_of_code_;
};

}  // namespace chokepoint
