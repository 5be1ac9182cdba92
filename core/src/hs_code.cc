#include "chokepoint/core/hs_code.h"

#include <cstdio>

namespace chokepoint {

namespace {
// Keeps digits, drops one optional '.' group separator; rejects anything else.
std::optional<std::string> Digits(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '"')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '"')) text.remove_suffix(1);
  std::string out;
  int dots = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
    else if (c == '.' && ++dots <= 2) continue;
    else return std::nullopt;
  }
  return out;
}
}  // namespace

std::optional<HsCode> HsCode::Parse(std::string_view text) {
  auto d = Digits(text);
  if (!d || d->size() != 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : *d) v = v * 10 + static_cast<uint32_t>(c - '0');
  if (v / 1000000 == 0) return std::nullopt;  // chapter 00 does not exist
  return FromInt(v);
}

std::optional<HsCode> HsCode::ParseAnyLevel(std::string_view text, bool* was_hs10) {
  if (was_hs10) *was_hs10 = false;
  auto d = Digits(text);
  if (!d) return std::nullopt;
  const size_t n = d->size();
  if (n != 2 && n != 4 && n != 6 && n != 8 && n != 10) return std::nullopt;
  if ((*d)[0] == '0' && (*d)[1] == '0') return std::nullopt;  // chapter 00 does not exist
  const size_t keep = n == 10 ? 8 : n;
  uint32_t v = 0;
  for (size_t i = 0; i < keep; ++i) v = v * 10 + static_cast<uint32_t>((*d)[i] - '0');
  if (n == 10 && was_hs10) *was_hs10 = true;
  return FromDigits(v, static_cast<int>(keep));
}

std::optional<HsCode> HsCode::FromHs6(std::string_view text) {
  auto d = Digits(text);
  if (!d || d->size() != 6) return std::nullopt;
  uint32_t v = 0;
  for (char c : *d) v = v * 10 + static_cast<uint32_t>(c - '0');
  if (v / 10000 == 0) return std::nullopt;
  return FromInt(v * 100);
}

std::string HsCode::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*u", static_cast<int>(digits_), value_);
  return buf;
}

std::string HsCode::Hs6String() const {
  if (digits_ < 6) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06u", Hs6());
  return buf;
}

}  // namespace chokepoint
