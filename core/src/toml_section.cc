#include "chokepoint/core/toml_section.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "chokepoint/core/error.h"

namespace chokepoint {

TomlSection::TomlSection(const toml::table* table, std::string prefix, std::string file)
    : table_(table), prefix_(std::move(prefix)), file_(std::move(file)) {}

std::string TomlSection::FullKey(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

const toml::node* TomlSection::Node(std::string_view key) const {
  if (!table_) return nullptr;
  return table_->get(key);
}

bool TomlSection::Has(std::string_view key) const { return Node(key) != nullptr; }

void TomlSection::Fail(std::string_view key, std::string_view message) const {
  long line = 0, col = 0;
  const toml::node* n = key.empty() ? table_ : Node(key);
  if (key.empty() && table_) {
    // A section-level (cross-field) error points at the first of this
    // section's keys its message names, not at the section header.
    size_t first = std::string_view::npos;
    for (const auto& [k, node] : *table_) {
      const std::string full = FullKey(k.str());
      size_t at = message.find(full);
      // Whole keys only: "index.half" is not named by "index.half_life".
      while (at != std::string_view::npos && at + full.size() < message.size() &&
             (std::isalnum(static_cast<unsigned char>(message[at + full.size()])) || message[at + full.size()] == '_'))
        at = message.find(full, at + 1);
      if (at != std::string_view::npos && (first == std::string_view::npos || at < first)) {
        first = at;
        n = &node;
      }
    }
  }
  if (!n) n = table_;
  if (n) {
    line = static_cast<long>(n->source().begin.line);
    col = static_cast<long>(n->source().begin.column);
  }
  const std::string what = key.empty() ? "[" + prefix_ + "]" : "'" + FullKey(key) + "'";
  throw Error(ErrorKind::kUsage, FormatLocation(file_, line, col, what + " " + std::string(message)));
}

std::optional<double> TomlSection::GetDouble(std::string_view key) const {
  const toml::node* n = Node(key);
  if (!n) return std::nullopt;
  if (auto v = n->value<double>()) return *v;
  Fail(key, "must be a number");
}

std::optional<long long> TomlSection::GetInt(std::string_view key) const {
  const toml::node* n = Node(key);
  if (!n) return std::nullopt;
  if (n->is_integer()) return n->as_integer()->get();
  Fail(key, "must be an integer");
}

std::optional<bool> TomlSection::GetBool(std::string_view key) const {
  const toml::node* n = Node(key);
  if (!n) return std::nullopt;
  if (n->is_boolean()) return n->as_boolean()->get();
  Fail(key, "must be true or false");
}

std::optional<std::string> TomlSection::GetString(std::string_view key) const {
  const toml::node* n = Node(key);
  if (!n) return std::nullopt;
  if (n->is_string()) return n->as_string()->get();
  Fail(key, "must be a string");
}

std::optional<YearMonth> TomlSection::GetMonth(std::string_view key) const {
  auto s = GetString(key);
  if (!s) return std::nullopt;
  auto m = YearMonth::Parse(*s);
  if (!m) Fail(key, "must be a month \"YYYY-MM\", got \"" + *s + "\"");
  return m;
}

std::optional<std::vector<double>> TomlSection::GetDoubleArray(std::string_view key) const {
  const toml::node* n = Node(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) Fail(key, "must be an array of numbers");
  std::vector<double> out;
  for (const auto& e : *a) {
    auto v = e.value<double>();
    if (!v) Fail(key, "must be an array of numbers");
    out.push_back(*v);
  }
  return out;
}

std::optional<std::vector<std::string>> TomlSection::GetStringArray(std::string_view key) const {
  const toml::node* n = Node(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) Fail(key, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& e : *a) {
    if (!e.is_string()) Fail(key, "must be an array of strings");
    out.push_back(e.as_string()->get());
  }
  return out;
}

TomlSection TomlSection::Sub(std::string_view key) const {
  const toml::node* n = Node(key);
  if (n && !n->is_table()) Fail(key, "must be a table");
  return TomlSection(n ? n->as_table() : nullptr, FullKey(key), file_);
}

void TomlSection::RejectUnknownKeys(std::initializer_list<std::string_view> known) const {
  if (!table_) return;
  for (const auto& [k, v] : *table_) {
    bool ok = false;
    for (auto kk : known) ok = ok || (k.str() == kk);
    if (!ok) {
      std::string list;
      for (auto kk : known) list += (list.empty() ? "" : ", ") + std::string(kk);
      Fail(k.str(), "is not a known option (known: " + list + ")");
    }
  }
}

toml::table ParseTomlText(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::kUsage,
                FormatLocation(file, static_cast<long>(e.source().begin.line),
                               static_cast<long>(e.source().begin.column), e.description()));
  }
}

toml::table ParseTomlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kUsage, FormatLocation(path, 0, 0, "cannot open configuration file"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseTomlText(ss.str(), path);
}

}  // namespace chokepoint
