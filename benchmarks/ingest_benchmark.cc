// Ingest throughput (MB/s) on a generated ~200 MB canonical long CSV.
//
// The file is created once at $CHOKEPOINT_INGEST_BENCH_CSV, or else at
// <temp dir>/chokepoint_ingest_bench/canonical_200mb.csv, if absent (it is
// never committed). scripts/bench_ingest_vs_pandas.py times pandas.read_csv
// on the same file and prints the ratio; see benchmarks/README.md "ingest".
#include <iconv.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "chokepoint/core/ingest.h"

namespace {

std::filesystem::path BenchCsvPath() {
  if (const char* env = std::getenv("CHOKEPOINT_INGEST_BENCH_CSV"); env && *env) return env;
  return std::filesystem::temp_directory_path() / "chokepoint_ingest_bench" / "canonical_200mb.csv";
}

// hs8,period,value_usd sorted by code then month, like WritePanelCsv output:
// 300 months (1999-01 .. 2023-12) per code, codes added until >= 200e6 bytes.
// Values are deterministic (a 64-bit LCG), two decimals, 1 .. 1e9 US$.
void GenerateBenchCsv(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path tmp = path.string() + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create " + tmp.string());
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  long long bytes = std::fprintf(f, "hs8,period,value_usd\n");
  unsigned long long state = 42;
  for (unsigned code = 10000000; bytes < 200000000LL; code += 1703) {
    for (int t = 0; t < 300; ++t) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const double value = 1.0 + static_cast<double>(state >> 34) / 17.0;  // up to ~1e9
      bytes += std::fprintf(f, "%08u,%04d-%02d,%.2f\n", code, 1999 + t / 12, t % 12 + 1, value);
    }
  }
  std::fclose(f);
  std::filesystem::rename(tmp, path);
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void BM_IngestCanonical200MB(benchmark::State& state) {
  const std::filesystem::path path = BenchCsvPath();
  if (!std::filesystem::exists(path)) GenerateBenchCsv(path);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  chokepoint::IngestOptions options;
  options.format = chokepoint::IngestFormat::kCanonical;
  int codes = 0;
  // The machine is shared: also report throughput per CPU second of this
  // process, which contention for cores does not dilute.
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    const chokepoint::IngestResult r = chokepoint::IngestFiles({path}, options);
    codes = r.panel.num_codes();
    benchmark::DoNotOptimize(r.panel.values().data());
  }
  const double cpu = ProcessCpuSeconds() - cpu0;
  state.SetBytesProcessed(size * static_cast<int64_t>(state.iterations()));
  state.counters["MB_per_cpu_s"] = static_cast<double>(size) * static_cast<double>(state.iterations()) / 1e6 / cpu;
  state.counters["file_MB"] = static_cast<double>(size) / 1e6;
  state.counters["codes"] = codes;
}
BENCHMARK(BM_IngestCanonical200MB)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// The general path: a ~20 MB China Customs export in GB18030 with Chinese
// headers, quoted thousands separators and rows by partner x trade mode x
// registration place (summed), as the query platform produces it.
std::filesystem::path CustomsCsvPath() {
  return BenchCsvPath().parent_path() / "customs_gb18030_20mb.csv";
}

void GenerateCustomsCsv(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  std::string utf8 = "数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,贸易方式编码,贸易方式名称,注册地编码,注册地名称,美元\n";
  const char* partners[] = {"日本", "德国", "韩国", "中国台湾", "美国"};
  const char* modes[] = {"一般贸易", "进料加工贸易"};
  const char* places[] = {"上海市", "江苏省", "广东省"};
  unsigned long long state = 7;
  char line[512];
  for (unsigned code = 84000000; utf8.size() < 20000000; code += 1301) {
    for (int t = 0; t < 120; ++t)
      for (int p = 0; p < 5; ++p)
        for (int m = 0; m < 2; ++m)
          for (int r = 0; r < 3; ++r) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            const unsigned long long v = state >> 40;  // up to ~16.7 million US$
            std::snprintf(line, sizeof line, "%04d%02d,%08u,机器,%d,%s,%d,%s,%d,%s,\"%llu,%03llu,%03llu\"\n",
                          2015 + t / 12, t % 12 + 1, code, 100 + p, partners[p], 10 + m, modes[m], 31 + r,
                          places[r], v / 1000000 % 1000 + 1, v / 1000 % 1000, v % 1000);
            utf8 += line;
          }
  }
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2, '\0');
  char* in = utf8.data();
  size_t in_left = utf8.size();
  char* o = out.data();
  size_t out_left = out.size();
  iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  out.resize(out.size() - out_left);
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(out.data(), 1, out.size(), f);
  std::fclose(f);
}

void BM_IngestCustomsGb18030(benchmark::State& state) {
  const std::filesystem::path path = CustomsCsvPath();
  if (!std::filesystem::exists(path)) GenerateCustomsCsv(path);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  chokepoint::IngestOptions options;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    const chokepoint::IngestResult r = chokepoint::IngestFiles({path}, options);
    benchmark::DoNotOptimize(r.panel.values().data());
  }
  const double cpu = ProcessCpuSeconds() - cpu0;
  state.SetBytesProcessed(size * static_cast<int64_t>(state.iterations()));
  state.counters["MB_per_cpu_s"] = static_cast<double>(size) * static_cast<double>(state.iterations()) / 1e6 / cpu;
  state.counters["file_MB"] = static_cast<double>(size) / 1e6;
}
BENCHMARK(BM_IngestCustomsGb18030)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
