// "No heap allocation per replicate": counts operator new calls around the
// hot loop of every scheme and block method. (The replacement operators
// below apply to the whole bootstrap_tests binary; they only count.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/indices.h"
#include "test_util.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace chokepoint::bootstrap {
namespace {

TEST(AllocationTest, GenerateAndIndicesAllocateNothing) {
  {  // The counter sees allocations.
    const long before = g_allocations.load();
    auto* probe = new std::vector<double>(10);
    delete probe;
    ASSERT_GE(g_allocations.load(), before + 2);
  }
  RandomStream rs(31, 0, 0);
  const auto x = testing::SimulateSeries(rs, 120, 18.0, 0.006, 0.5, 0.12);
  const auto w = MakeWeights(IndexSpec{}, 120);
  for (Scheme s : {Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve, Scheme::kLevels}) {
    for (BlockMethod b : {BlockMethod::kStationary, BlockMethod::kCircular, BlockMethod::kMoving}) {
      ResamplerOptions o;
      o.scheme = s;
      o.blocks = b;
      const SeriesResampler r(x, YearMonth{2015, 1}, o);
      Workspace ws(120);
      std::vector<double> out(120), fitted(120);
      double sink = 0;
      const long before = g_allocations.load();
      for (uint32_t rep = 0; rep < 500; ++rep) {
        r.Generate(7, 1, rep, out, ws);
        const IndexValues iv = ComputeIndices(out, w, 1);
        sink += iv.G;
        if (r.has_trend_fit()) r.FittedPath(out, fitted, ws);
      }
      EXPECT_EQ(g_allocations.load(), before) << ToString(s) << "/" << ToString(b);
      EXPECT_TRUE(std::isfinite(sink));
    }
  }
}

}  // namespace
}  // namespace chokepoint::bootstrap
