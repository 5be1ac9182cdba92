// Text-level ingest helpers: mapping, encodings, CSV fields, numbers, periods.
#include <fcntl.h>
#include <iconv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fast_float/fast_float.h>

#include "chokepoint/core/error.h"
#include "ingest_internal.h"

namespace chokepoint::ingest_detail {

MappedFile::MappedFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowInputError(name, 0, 0, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    ThrowInputError(name, 0, 0, "not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    // MAP_POPULATE: fault the whole file in at once (far cheaper than one
    // page fault per 4 KiB during the scan).
    map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map_ == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      map_ = nullptr;
      ThrowInputError(name, 0, 0, std::string("cannot map: ") + std::strerror(err));
    }
    // One sequential pass: let the kernel read ahead aggressively.
    ::madvise(map_, size_, MADV_SEQUENTIAL | MADV_WILLNEED);
    data_ = static_cast<const char*>(map_);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (map_) ::munmap(map_, size_);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

size_t FirstInvalidUtf8(std::string_view s, size_t* good_multibyte, size_t* bad) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0, first_bad = std::string_view::npos, good = 0, nbad = 0;
  const bool count_all = good_multibyte != nullptr || bad != nullptr;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    bool ok = len > 0 && i + len <= n;
    for (int k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong 3/4-byte forms, surrogates, beyond U+10FFFF.
    if (ok && len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (ok && len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ok = false;
    if (ok) {
      ++good;
      i += len;
    } else {
      if (first_bad == std::string_view::npos) first_bad = i;
      ++nbad;
      if (!count_all) break;
      ++i;
    }
  }
  if (good_multibyte) *good_multibyte = good;
  if (bad) *bad = nbad;
  return first_bad;
}

namespace {

// 1-based line and byte column of `offset`, counting from a known line start.
void Locate(std::string_view raw, size_t offset, long* line, long* column) {
  long l = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i)
    if (raw[i] == '\n') { ++l; line_start = i + 1; }
  *line = l;
  *column = static_cast<long>(offset - line_start) + 1;
}

std::string HexBytes(std::string_view raw, size_t offset, size_t count) {
  std::string out;
  char buf[8];
  for (size_t k = 0; k < count && offset + k < raw.size() && raw[offset + k] != '\n'; ++k) {
    std::snprintf(buf, sizeof buf, "%s0x%02X", k ? " " : "", static_cast<unsigned char>(raw[offset + k]));
    out += buf;
  }
  return out;
}

// UTF-8 text with a few invalid bytes: report each bad line, blank it; or,
// with `damaged`, replace each invalid byte by U+FFFD and record the line.
DecodedText RepairUtf8(std::string_view raw, std::string encoding, const BadLineCallback& on_bad_line,
                       std::map<long, DamagedLine>* damaged) {
  DecodedText out;
  out.encoding = std::move(encoding);
  out.storage.reserve(raw.size());
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t nl = raw.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? raw.size() : nl;
    std::string_view line = raw.substr(pos, end - pos);
    size_t bad = FirstInvalidUtf8(line);
    if (bad == std::string_view::npos) {
      out.storage.append(line);
    } else {
      long l, c;
      Locate(raw, pos + bad, &l, &c);
      const std::string message = "invalid UTF-8 byte " + HexBytes(raw, pos + bad, 1) + " (the file is otherwise UTF-8)";
      if (!damaged) {
        on_bad_line(l, c, message);
      } else {
        (*damaged)[l] = DamagedLine{c, message};
        while (bad != std::string_view::npos) {  // each invalid byte becomes U+FFFD
          out.storage.append(line.substr(0, bad));
          out.storage.append(kReplacementCharacter);
          line.remove_prefix(bad + 1);
          bad = FirstInvalidUtf8(line);
        }
        out.storage.append(line);
      }
    }
    if (nl == std::string_view::npos) break;
    out.storage.push_back('\n');
    pos = nl + 1;
  }
  out.text = out.storage;
  return out;
}

DecodedText ConvertGb18030(std::string_view raw, const BadLineCallback& on_bad_line,
                           std::map<long, DamagedLine>* damaged) {
  DecodedText out;
  out.encoding = "gb18030";
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) ThrowInternalError("iconv_open(UTF-8, GB18030) failed: glibc gconv modules missing?");
  out.storage.resize(raw.size() * 3 + 16);  // GB18030 -> UTF-8 grows at most 1.5x; a U+FFFD for one bad byte 3x
  char* in = const_cast<char*>(raw.data());
  size_t in_left = raw.size();
  char* out_ptr = out.storage.data();
  size_t out_left = out.storage.size();
  try {
    while (in_left > 0) {
      const size_t r = iconv(cd, &in, &in_left, &out_ptr, &out_left);
      if (r != static_cast<size_t>(-1)) break;
      if (errno == E2BIG) ThrowInternalError("GB18030 conversion: output buffer too small");
      // EILSEQ (invalid sequence) or EINVAL (truncated at end of input).
      const size_t offset = static_cast<size_t>(in - raw.data());
      long l, c;
      Locate(raw, offset, &l, &c);
      const std::string message =
          "invalid byte sequence " + HexBytes(raw, offset, 2) + ": the file is neither valid UTF-8 nor valid GB18030";
      if (damaged) {
        // The byte becomes U+FFFD; the rest of the line converts on.
        damaged->try_emplace(l, DamagedLine{c, message});
        if (out_left < kReplacementCharacter.size()) ThrowInternalError("GB18030 conversion: output buffer too small");
        std::memcpy(out_ptr, kReplacementCharacter.data(), kReplacementCharacter.size());
        out_ptr += kReplacementCharacter.size();
        out_left -= kReplacementCharacter.size();
        ++in;
        --in_left;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        continue;
      }
      on_bad_line(l, c, message);
      // Lenient: drop the converted part of this line and skip to its end.
      const size_t written = static_cast<size_t>(out_ptr - out.storage.data());
      const void* last_nl = written ? memrchr(out.storage.data(), '\n', written) : nullptr;
      const size_t keep = last_nl ? static_cast<size_t>(static_cast<const char*>(last_nl) - out.storage.data()) + 1 : 0;
      out_ptr = out.storage.data() + keep;
      out_left = out.storage.size() - keep;
      const void* next_nl = std::memchr(in, '\n', in_left);
      const size_t skip = next_nl ? static_cast<size_t>(static_cast<const char*>(next_nl) - in) : in_left;
      in += skip;
      in_left -= skip;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
    }
  } catch (...) {
    iconv_close(cd);
    throw;
  }
  iconv_close(cd);
  out.storage.resize(static_cast<size_t>(out_ptr - out.storage.data()));
  out.text = out.storage;
  return out;
}

}  // namespace

DecodedText DecodeToUtf8(std::string_view raw, const BadLineCallback& on_bad_line,
                         std::map<long, DamagedLine>* damaged) {
  const bool bom = raw.size() >= 3 && static_cast<unsigned char>(raw[0]) == 0xEF &&
                   static_cast<unsigned char>(raw[1]) == 0xBB && static_cast<unsigned char>(raw[2]) == 0xBF;
  if (bom) raw.remove_prefix(3);
  // Fast path: the file is valid UTF-8 (ASCII included); no copy.
  if (FirstInvalidUtf8(raw) == std::string_view::npos) {
    DecodedText out;
    out.text = raw;
    out.encoding = bom ? "utf-8 (BOM)" : "utf-8";
    return out;
  }
  if (bom) return RepairUtf8(raw, "utf-8 (BOM)", on_bad_line, damaged);
  // Mostly valid multi-byte UTF-8 with a few bad bytes is a damaged UTF-8
  // file; GB18030 Chinese text is mostly invalid as UTF-8.
  size_t good = 0, bad = 0;
  FirstInvalidUtf8(raw, &good, &bad);
  if (good > 0 && good >= 4 * bad) return RepairUtf8(raw, "utf-8", on_bad_line, damaged);
  return ConvertGb18030(raw, on_bad_line, damaged);
}

bool SplitCsvLine(std::string_view line, std::vector<Field>* fields, std::string* scratch) {
  fields->clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const char* p = line.data();
  const char* end = p + line.size();
  if (!std::memchr(p, '"', line.size())) {
    while (true) {
      const char* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<size_t>(end - p)));
      if (!comma) {
        fields->push_back({std::string_view(p, static_cast<size_t>(end - p))});
        return true;
      }
      fields->push_back({std::string_view(p, static_cast<size_t>(comma - p))});
      p = comma + 1;
    }
  }
  // Quoted fields: unescape into scratch; reserve so views stay valid.
  scratch->clear();
  scratch->reserve(line.size());
  std::vector<std::pair<size_t, size_t>> spans;  // into scratch
  while (true) {
    while (p < end && *p == ' ') ++p;
    const size_t start = scratch->size();
    if (p < end && *p == '"') {
      ++p;
      bool closed = false;
      while (p < end) {
        const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (!q) break;
        scratch->append(p, static_cast<size_t>(q - p));
        p = q;
        if (p + 1 < end && p[1] == '"') { scratch->push_back('"'); p += 2; continue; }
        ++p;
        closed = true;
        break;
      }
      if (!closed) return false;
      while (p < end && *p != ',') {  // text after the closing quote (blanks, tabs)
        if (*p != ' ' && *p != '\t') scratch->push_back(*p);
        ++p;
      }
    } else {
      const char* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<size_t>(end - p)));
      const char* stop = comma ? comma : end;
      scratch->append(p, static_cast<size_t>(stop - p));
      p = stop;
    }
    spans.emplace_back(start, scratch->size() - start);
    if (p >= end) break;
    ++p;  // comma
  }
  for (const auto& [s, n] : spans) fields->push_back({std::string_view(scratch->data() + s, n)});
  return true;
}

AmountStatus ParseAmount(std::string_view text, double* value) {
  text = Trim(text);
  if (text.empty()) return AmountStatus::kMalformed;
  const char* first = text.data();
  const char* last = first + text.size();
  if (*first == '+') ++first;
  char buf[64];
  if (std::memchr(first, ',', static_cast<size_t>(last - first))) {
    // Thousands separators: 1-3 leading digits, then groups of exactly 3.
    size_t n = 0;
    const char* p = first;
    if (p < last && *p == '-') buf[n++] = *p++;
    int group = 0;
    bool seen_comma = false;
    while (p < last && *p != '.') {
      if (*p == ',') {
        if (group == 0 || (seen_comma ? group != 3 : group > 3)) return AmountStatus::kMalformed;
        seen_comma = true;
        group = 0;
      } else if (*p >= '0' && *p <= '9') {
        ++group;
        if (n + 1 >= sizeof buf) return AmountStatus::kMalformed;
        buf[n++] = *p;
      } else {
        return AmountStatus::kMalformed;
      }
      ++p;
    }
    if (group != 3) return AmountStatus::kMalformed;
    while (p < last) {
      if (*p == ',' || n + 1 >= sizeof buf) return AmountStatus::kMalformed;
      buf[n++] = *p++;
    }
    first = buf;
    last = buf + n;
  }
  double v = 0;
  const auto res = fast_float::from_chars(first, last, v);
  if (res.ec != std::errc() || res.ptr != last || !std::isfinite(v)) return AmountStatus::kMalformed;
  if (v < 0) return AmountStatus::kNegative;
  *value = v == 0 ? 0.0 : v;  // no "-0"
  return AmountStatus::kOk;
}

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

constexpr std::string_view kYearChar = "\xE5\xB9\xB4";   // 年
constexpr std::string_view kMonthChar = "\xE6\x9C\x88";  // 月
constexpr std::string_view kFullTilde = "\xEF\xBD\x9E";  // ～

std::optional<ParsedPeriod> Combined(int year, std::string_view from, std::string_view to) {
  // `from`, `to`: month numbers, or `to` a full year-month of the same year.
  if (!AllDigits(from) || from.size() > 2) return std::nullopt;
  int to_month;
  if (AllDigits(to) && to.size() <= 2) {
    to_month = ToInt(to);
  } else {
    auto ym = YearMonth::Parse(to);
    if (!ym || ym->year != year) return std::nullopt;
    to_month = ym->month;
  }
  if (ToInt(from) != 1 || to_month != 2 || year < 1900 || year > 2200) return std::nullopt;
  return ParsedPeriod{YearMonth{year, 2}, true};
}

}  // namespace

std::optional<ParsedPeriod> ParsePeriod(std::string_view text, bool allow_day) {
  text = Trim(text);
  // Hot path: "YYYY-MM" and "YYYYMM".
  if (text.size() == 6 || text.size() == 7) {
    if (auto m = YearMonth::Parse(text)) return ParsedPeriod{*m, false};
  }
  if (allow_day && text.size() == 8 && AllDigits(text)) {
    auto m = YearMonth::Parse(text.substr(0, 6));
    const int day = ToInt(text.substr(6));
    if (m && day >= 1 && day <= 31) return ParsedPeriod{*m, false};
    return std::nullopt;
  }
  // "2020年1月", "2020年01月", "2020年1-2月", "2020年1~2月".
  if (const size_t y = text.find(kYearChar); y != std::string_view::npos) {
    const std::string_view ys = Trim(text.substr(0, y));
    std::string_view rest = Trim(text.substr(y + kYearChar.size()));
    if (!AllDigits(ys) || ys.size() != 4) return std::nullopt;
    if (rest.size() < kMonthChar.size() || rest.substr(rest.size() - kMonthChar.size()) != kMonthChar)
      return std::nullopt;
    rest = Trim(rest.substr(0, rest.size() - kMonthChar.size()));
    for (std::string_view sep : {std::string_view("-"), std::string_view("~"), kFullTilde}) {
      if (const size_t s = rest.find(sep); s != std::string_view::npos)
        return Combined(ToInt(ys), Trim(rest.substr(0, s)), Trim(rest.substr(s + sep.size())));
    }
    if (!AllDigits(rest) || rest.size() > 2) return std::nullopt;
    auto m = YearMonth::Parse(std::string(ys) + "-" + std::string(rest));
    if (!m) return std::nullopt;
    return ParsedPeriod{*m, false};
  }
  // "2020-01~02", "2020-01~2020-02", "202001~02", "202001-02".
  for (std::string_view sep : {std::string_view("~"), kFullTilde}) {
    if (const size_t s = text.find(sep); s != std::string_view::npos) {
      auto from = YearMonth::Parse(Trim(text.substr(0, s)));
      if (!from) return std::nullopt;
      char mm[3];
      std::snprintf(mm, sizeof mm, "%02d", from->month);
      return Combined(from->year, mm, Trim(text.substr(s + sep.size())));
    }
  }
  if (text.size() == 9 && AllDigits(text.substr(0, 6)) && text[6] == '-' && AllDigits(text.substr(7))) {
    return Combined(ToInt(text.substr(0, 4)), text.substr(4, 2), text.substr(7));
  }
  if (auto m = YearMonth::Parse(text)) return ParsedPeriod{*m, false};
  return std::nullopt;
}

bool ValidPeriodPattern(std::string_view pattern, std::string* why) {
  int years = 0, months = 0;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.substr(i, 4) == "YYYY") { ++years; i += 4; }
    else if (pattern.substr(i, 2) == "MM" || pattern.substr(i, 2) == "DD") { months += pattern[i] == 'M'; i += 2; }
    else if (pattern[i] == 'M' || pattern[i] == 'D') { months += pattern[i] == 'M'; ++i; }
    else if (pattern[i] >= '0' && pattern[i] <= '9') {
      if (why) *why = "a digit is not a separator";
      return false;
    } else ++i;
  }
  if (years != 1 || months != 1) {
    if (why) *why = "needs exactly one YYYY and one M or MM (e.g. YYYY/M, YYYYMM, M/YYYY, YYYY-MM-DD)";
    return false;
  }
  return true;
}

std::optional<YearMonth> ParsePeriodPattern(std::string_view text, std::string_view pattern) {
  text = Trim(text);
  int year = -1, month = -1, day = 1;
  size_t t = 0;
  // Reads `min`..`max` digits; a variable-width field stops at a non-digit.
  auto digits = [&](size_t min, size_t max, int* out) {
    size_t n = 0;
    int v = 0;
    while (n < max && t < text.size() && text[t] >= '0' && text[t] <= '9') {
      v = v * 10 + (text[t] - '0');
      ++t;
      ++n;
    }
    if (n < min) return false;
    *out = v;
    return true;
  };
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.substr(i, 4) == "YYYY") {
      if (!digits(4, 4, &year)) return std::nullopt;
      i += 4;
    } else if (pattern.substr(i, 2) == "MM") {
      if (!digits(2, 2, &month)) return std::nullopt;
      i += 2;
    } else if (pattern.substr(i, 2) == "DD") {
      if (!digits(2, 2, &day)) return std::nullopt;
      i += 2;
    } else if (pattern[i] == 'M') {
      if (!digits(1, 2, &month)) return std::nullopt;
      ++i;
    } else if (pattern[i] == 'D') {
      if (!digits(1, 2, &day)) return std::nullopt;
      ++i;
    } else {
      if (t >= text.size() || text[t] != pattern[i]) return std::nullopt;
      ++t;
      ++i;
    }
  }
  if (t != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2200)
    return std::nullopt;
  return YearMonth{year, month};
}

std::string NormalizeHeader(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '_' || c == '-' || c == '.' || c == '"' || c == '(' || c == ')') continue;
    // Full-width parentheses （ ） are EF BC 88 / EF BC 89.
    if (i + 2 < text.size() && text.substr(i, 2) == "\xEF\xBC" &&
        (text[i + 2] == '\x88' || text[i + 2] == '\x89')) {
      i += 2;
      continue;
    }
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace chokepoint::ingest_detail
