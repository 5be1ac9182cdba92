// Ingest throughput (MB/s) on a generated ~200 MB canonical long CSV.
//
// The file is created once at $CHOKEPOINT_INGEST_BENCH_CSV, or else at
// <temp dir>/chokepoint_ingest_bench/canonical_200mb.csv, if absent (it is
// never committed). scripts/bench_ingest_vs_pandas.py times pandas.read_csv
// on the same file and prints the ratio; see benchmarks/README.md "ingest".
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

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

}  // namespace
