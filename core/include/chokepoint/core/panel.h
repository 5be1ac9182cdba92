// A Panel: HS8 codes x consecutive months of import values in US$, with
// explicit missing cells (a present-mask, never a NaN standing for "missing").
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "chokepoint/core/hs_code.h"
#include "chokepoint/core/period.h"

namespace chokepoint {

// Where a panel came from, carried into every output.
struct PanelProvenance {
  bool synthetic = false;
  std::string label;        // e.g. "synthetic: scenario paper2025, seed 1"
  std::string scenario;     // simulation scenario name, if synthetic
  unsigned long long seed = 0;
  std::vector<std::string> source_files;  // ingested files, if real
  // How the values were read (real data): source label, layout and column
  // mapping, filters, scale; one line each, printed in reports.
  std::vector<std::string> details;
};

class Panel {
 public:
  Panel() = default;
  Panel(std::vector<HsCode> codes, YearMonth first_month, int num_months);

  int num_codes() const { return static_cast<int>(codes_.size()); }
  int num_months() const { return num_months_; }
  YearMonth first_month() const { return first_month_; }
  YearMonth last_month() const { return first_month_.Plus(num_months_ - 1); }
  YearMonth month(int t) const { return first_month_.Plus(t); }
  const std::vector<HsCode>& codes() const { return codes_; }

  // Row index of a code, or -1.
  int RowOf(HsCode code) const;
  // Column index of a month, or -1 if outside the panel.
  int ColumnOf(YearMonth m) const;

  bool present(int row, int t) const { return present_[Index(row, t)] != 0; }
  double value(int row, int t) const { return values_[Index(row, t)]; }
  void Set(int row, int t, double usd) { values_[Index(row, t)] = usd; present_[Index(row, t)] = 1; }
  void Clear(int row, int t) { values_[Index(row, t)] = 0.0; present_[Index(row, t)] = 0; }

  // Row-major storage, codes x months; values of missing cells are 0.
  std::span<const double> values() const { return values_; }
  std::span<const unsigned char> present_mask() const { return present_; }
  std::span<const double> row_values(int row) const {
    return std::span<const double>(values_).subspan(static_cast<size_t>(row) * num_months_, num_months_);
  }
  size_t num_present() const;
  // The code levels present (2, 4, 6, 8), ascending.
  std::vector<int> hs_levels() const;

  // Physical quantities beside the values, when the source gives them
  // (Customs' first quantity): codes x months, NaN where not given, and each
  // code's unit ("" unknown). Empty when the panel has none.
  std::vector<double> quantities;
  std::vector<std::string> quantity_units;
  bool has_quantities() const { return !quantities.empty(); }

  PanelProvenance provenance;

 private:
  size_t Index(int row, int t) const { return static_cast<size_t>(row) * num_months_ + t; }

  std::vector<HsCode> codes_;
  std::unordered_map<HsCode, int> row_of_;
  YearMonth first_month_;
  int num_months_ = 0;
  std::vector<double> values_;
  std::vector<unsigned char> present_;
};

}  // namespace chokepoint
