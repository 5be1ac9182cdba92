#include "chokepoint/core/panel.h"

#include <algorithm>

#include "chokepoint/core/error.h"

namespace chokepoint {

Panel::Panel(std::vector<HsCode> codes, YearMonth first_month, int num_months)
    : codes_(std::move(codes)), first_month_(first_month), num_months_(num_months) {
  if (num_months < 0) ThrowInternalError("Panel: negative number of months");
  for (int i = 0; i < static_cast<int>(codes_.size()); ++i) {
    if (!row_of_.emplace(codes_[i], i).second)
      ThrowInternalError("Panel: duplicate code " + codes_[i].ToString());
  }
  values_.assign(codes_.size() * static_cast<size_t>(num_months_), 0.0);
  present_.assign(values_.size(), 0);
}

int Panel::RowOf(HsCode code) const {
  auto it = row_of_.find(code);
  return it == row_of_.end() ? -1 : it->second;
}

int Panel::ColumnOf(YearMonth m) const {
  const int t = MonthsBetween(first_month_, m);
  return (t < 0 || t >= num_months_) ? -1 : t;
}

size_t Panel::num_present() const {
  size_t n = 0;
  for (unsigned char p : present_) n += p;
  return n;
}

std::vector<int> Panel::hs_levels() const {
  std::vector<int> levels;
  for (const HsCode& c : codes_)
    if (std::find(levels.begin(), levels.end(), c.digits()) == levels.end()) levels.push_back(c.digits());
  std::sort(levels.begin(), levels.end());
  return levels;
}

}  // namespace chokepoint
