// Ingest: raw import files -> Panel (HS code x month, US$).
//
// Codes are kept at the level the source publishes (HS2, HS4, HS6, HS8;
// 10-digit national lines are summed onto their HS8 prefix). Four input
// layouts (see core/README.md, section "ingest", for the header synonym
// table and every rule):
//  - canonical long CSV  hs8,period,value_usd[,extra dimension columns...]
//    (the code column may also be named code, hs or hs_code);
//  - China Customs online query platform export (Chinese or English headers,
//    UTF-8 with/without BOM or GB18030), summed over partner / trade mode /
//    registration place; quantity and unit kept; RMB values only with a rate
//    table;
//  - UN Comtrade monthly CSV (HS6 codes, imports only);
//  - `columns`: any tidy CSV whose columns the user names (mirror statistics,
//    other offices), with a period format, a scale and row filters; presets
//    for the common sources live in data/ingest_presets/.
// Bad input stops with "file:line:column: what is wrong" (column = 1-based
// field number; for encoding errors the 1-based byte column of the raw line)
// unless `lenient`, which skips bad rows and counts them by class.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/panel.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint {

enum class IngestFormat { kAuto, kCanonical, kCustoms, kComtrade, kColumns };
std::string_view ToString(IngestFormat f);  // "auto", "canonical", "customs", "comtrade", "columns"
std::optional<IngestFormat> IngestFormatFromString(std::string_view s);

// What to do with January-February published as one combined period.
enum class JanFebPolicy {
  kReject,      // no policy chosen: combined data is an error naming --jan-feb
  kKeepMerged,  // the combined value goes to February, January stays missing
  kSplit,       // January and February each get half of the combined value
};
std::string_view ToString(JanFebPolicy p);  // "reject", "keep-merged", "split"
std::optional<JanFebPolicy> JanFebPolicyFromString(std::string_view s);

// Classes of bad rows (the lenient counters and the strict error messages).
enum class IngestProblem {
  kMalformedNumber,
  kInvalidCode,
  kInvalidPeriod,
  kNegativeValue,
  kConflictingDuplicate,
  kBadEncoding,
  kWrongFieldCount,
  kMissingRate,
  kJanFebConflict,
};
inline constexpr int kNumIngestProblems = 9;
std::string_view ToString(IngestProblem p);  // "malformed_number", ...

struct IngestOptions {
  // auto: each file's header decides (Comtrade, then canonical, then Customs).
  IngestFormat format = IngestFormat::kAuto;
  // reject: never guess how to treat combined Jan-Feb data; the user chooses.
  JanFebPolicy jan_feb = JanFebPolicy::kReject;
  // CSV "period,cny_per_usd"; empty: RMB-only Customs files are an error,
  // because a silently assumed exchange rate would bias every value.
  std::string rates_file;
  // Strict by default: one bad row may mean the whole file is misread.
  bool lenient = false;
  // Examples of bad rows kept in the metadata: enough to see the pattern,
  // small enough to keep the output file small.
  int max_examples = 20;
  // Layout `columns`: ROLE=COLUMN pairs, comma separated, naming header cells
  // (matched ignoring case, blanks, '_' and '-'). Roles: code, period (or
  // year + month), value (required); flow, quantity, unit (optional). Other
  // columns are dimensions summed over. With another format, a pair
  // overrides the detected column of that role.
  std::string columns;
  // How periods are written: "auto" (YYYY-MM, YYYYMM, YYYY年M月, ... as in
  // ParsePeriod) or a pattern of YYYY, MM, M, DD, D and literal separators,
  // e.g. "YYYY/M", "M/YYYY", "YYYY-MM-DD".
  std::string period_format = "auto";
  // Values are multiplied by this to give US$ (1000 for "thousands of US$").
  double scale = 1.0;
  // COLUMN=VALUE row filters: a row is used only when, for every filtered
  // column, its value is one of those given (repeat a column for "or").
  std::vector<std::string> where;
  // The flow column's value that marks imports (e.g. "Export" for a partner's
  // exports to China read as China's imports); empty: the usual import words.
  std::string flow;
  // Free text naming the source, carried into the panel and the report
  // (e.g. "Japan exports to China, Japan Customs").
  std::string source;
  // The preset these options started from ("" none): a name in
  // data/ingest_presets or a TOML file; recorded, already applied.
  std::string preset;

  bool IsValid(std::string* error) const;
  // Section [ingest]: format, jan_feb, rates, lenient, max_examples, columns,
  // period_format, scale, where, flow, source, preset (a preset named in the
  // section is applied first, the section's own keys override it).
  static IngestOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

// The options of a preset: a name in data/ingest_presets ("china-customs",
// "comtrade", "partner-exports") or a TOML file with an [ingest] table.
// Throws a usage error naming the shipped presets when neither exists.
IngestOptions LoadIngestPreset(std::string_view name_or_path);

struct IngestFileSummary {
  std::string path;
  IngestFormat format = IngestFormat::kAuto;  // the format actually used
  std::string encoding;                       // "utf-8", "utf-8 (BOM)", "gb18030"
  std::string currency;                       // "usd" or "rmb"
  long long bytes = 0;
  long long rows_read = 0;     // data rows (not header, comments, blank lines)
  long long rows_used = 0;     // rows that contributed a value
  long long rows_ignored = 0;  // not errors: other flows, aggregate/total rows
  long long rows_filtered = 0; // not errors: rows left out by `where`
  std::vector<std::string> dimension_columns;  // summed over
  std::string mapping;         // "code=商品编码, period=数据年月, value=美元, ..."
  std::string quantity_column; // "" when the file has none
};

struct IngestReport {
  IngestOptions options;  // as given
  std::vector<IngestFileSummary> files;
  long long bytes = 0;
  long long rows_read = 0;
  long long rows_used = 0;
  long long rows_ignored = 0;
  long long rows_skipped = 0;         // bad rows skipped (lenient only), undecodable lines included
  long long rows_filtered = 0;        // rows left out by `where`
  long long identical_duplicates = 0; // same key, same value: counted once
  long long hs10_rows = 0;            // rows with 10-digit codes, summed onto HS8
  long long rows_with_undecodable_text = 0;  // undecodable bytes only in unused columns: used
  std::vector<int> hs_levels;         // code levels in the panel: 2, 4, 6, 8
  std::array<long long, kNumIngestProblems> problem_counts{};
  std::vector<std::string> examples;  // "file:line:column: message", up to max_examples
  // Years whose January-February arrived combined, e.g. "2020-01~02 (explicit)"
  // or "2020-01~02 (inferred: February without January)", and how treated.
  std::vector<std::string> jan_feb_combined;
  std::string jan_feb_treatment;  // "" when none seen; else the policy applied
  int num_codes = 0;
  int num_months = 0;
  std::string first_month, last_month;

  std::string FullReport() const;
};

struct IngestResult {
  Panel panel;
  IngestReport report;
};

// Reads every input, sums rows onto (HS8, month) cells and builds the panel
// (codes ascending, consecutive months spanning all values; cells with no
// row are missing). Throws chokepoint::Error (kind kInput / kUsage).
IngestResult IngestFiles(const std::vector<std::filesystem::path>& inputs, const IngestOptions& options);

// Period -> CNY per USD; throws located input errors.
std::map<YearMonth, double> ReadRateTable(const std::filesystem::path& path);

// The panel (WritePanelH5: temporary name + rename) with /panel/ingest.
void WriteIngestedPanelH5(const IngestResult& result, const std::filesystem::path& path);

}  // namespace chokepoint
