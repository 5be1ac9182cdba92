// Typed, located access to one table of a TOML configuration. Every error
// names the file, line, column and the full key ("bootstrap.replicates"), and
// unknown keys are rejected so a typo never silently falls back to a default.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/period.h"

namespace chokepoint {

class TomlSection {
 public:
  // `table` may be null (an absent section: every Get returns nullopt).
  TomlSection(const toml::table* table, std::string prefix, std::string file);

  bool present() const { return table_ != nullptr; }
  bool Has(std::string_view key) const;
  std::optional<double> GetDouble(std::string_view key) const;   // accepts integers too
  std::optional<long long> GetInt(std::string_view key) const;
  std::optional<bool> GetBool(std::string_view key) const;
  std::optional<std::string> GetString(std::string_view key) const;
  std::optional<YearMonth> GetMonth(std::string_view key) const;  // "YYYY-MM"
  std::optional<std::vector<double>> GetDoubleArray(std::string_view key) const;
  std::optional<std::vector<std::string>> GetStringArray(std::string_view key) const;
  TomlSection Sub(std::string_view key) const;

  // Throws a usage error for any key not in `known`.
  void RejectUnknownKeys(std::initializer_list<std::string_view> known) const;
  // Throws a usage error located at `key` (or at the table when key is absent).
  [[noreturn]] void Fail(std::string_view key, std::string_view message) const;
  std::string FullKey(std::string_view key) const;
  const std::string& file() const { return file_; }

 private:
  const toml::node* Node(std::string_view key) const;

  const toml::table* table_;
  std::string prefix_;
  std::string file_;
};

// Parses TOML text; syntax errors become usage errors with file:line:column.
toml::table ParseTomlText(std::string_view text, const std::string& file);
toml::table ParseTomlFile(const std::string& path);

}  // namespace chokepoint
