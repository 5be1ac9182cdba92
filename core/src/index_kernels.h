// The index kernels of ComputeIndices and ComputeIndicesBatch, written once
// over a "lanes" type L that holds the four accumulators s0..s3 of the scalar
// LaneSum/LaneDot/LaneSquaredDeviations (indices.cc) as one vector value:
// element k is s_k, updated by the same IEEE operations in the same order, so
// every instantiation gives bit-identical results. indices.cc instantiates
// them for baseline x86-64 (two SSE2 registers) and, where the CPU has it,
// AVX2 (one register), chosen at start-up. Private to core.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <span>

#include "chokepoint/core/indices.h"

#define CHOKEPOINT_KERNEL_INLINE inline __attribute__((always_inline))

namespace chokepoint::index_kernels {

// Baseline: two 2-wide vectors (a 256-bit generic vector lowers badly to SSE2).
struct PairLanes {
  typedef double Pair __attribute__((vector_size(2 * sizeof(double))));
  Pair lo{}, hi{};  // s0 s1 | s2 s3
  static CHOKEPOINT_KERNEL_INLINE PairLanes Load(const double* p) {
    PairLanes v;
    std::memcpy(&v.lo, p, sizeof v.lo);
    std::memcpy(&v.hi, p + 2, sizeof v.hi);
    return v;
  }
  static CHOKEPOINT_KERNEL_INLINE PairLanes Splat(double a) { return PairLanes{Pair{a, a}, Pair{a, a}}; }
  CHOKEPOINT_KERNEL_INLINE double Reduce() const { return (lo[0] + lo[1]) + (hi[0] + hi[1]); }
  CHOKEPOINT_KERNEL_INLINE void AddToFirst(double a) { lo[0] += a; }
  CHOKEPOINT_KERNEL_INLINE double operator[](size_t k) const { return k < 2 ? lo[k] : hi[k - 2]; }
  CHOKEPOINT_KERNEL_INLINE PairLanes& operator+=(const PairLanes& o) {
    lo += o.lo;
    hi += o.hi;
    return *this;
  }
  friend CHOKEPOINT_KERNEL_INLINE PairLanes operator+(PairLanes a, const PairLanes& b) { return a += b; }
  friend CHOKEPOINT_KERNEL_INLINE PairLanes operator-(const PairLanes& a, const PairLanes& b) {
    return PairLanes{a.lo - b.lo, a.hi - b.hi};
  }
  friend CHOKEPOINT_KERNEL_INLINE PairLanes operator*(const PairLanes& a, const PairLanes& b) {
    return PairLanes{a.lo * b.lo, a.hi * b.hi};
  }
  friend CHOKEPOINT_KERNEL_INLINE PairLanes operator/(const PairLanes& a, const PairLanes& b) {
    return PairLanes{a.lo / b.lo, a.hi / b.hi};
  }
};

// One 4-wide vector: only ever inlined into functions compiled for AVX2.
struct QuadLanes {
  typedef double Quad __attribute__((vector_size(4 * sizeof(double))));
  Quad v{};
  static CHOKEPOINT_KERNEL_INLINE QuadLanes Load(const double* p) {
    QuadLanes q;
    std::memcpy(&q.v, p, sizeof q.v);
    return q;
  }
  static CHOKEPOINT_KERNEL_INLINE QuadLanes Splat(double a) { return QuadLanes{Quad{a, a, a, a}}; }
  CHOKEPOINT_KERNEL_INLINE double Reduce() const { return (v[0] + v[1]) + (v[2] + v[3]); }
  CHOKEPOINT_KERNEL_INLINE void AddToFirst(double a) { v[0] += a; }
  CHOKEPOINT_KERNEL_INLINE double operator[](size_t k) const { return v[k]; }
  CHOKEPOINT_KERNEL_INLINE QuadLanes& operator+=(const QuadLanes& o) {
    v += o.v;
    return *this;
  }
  friend CHOKEPOINT_KERNEL_INLINE QuadLanes operator+(QuadLanes a, const QuadLanes& b) { return a += b; }
  friend CHOKEPOINT_KERNEL_INLINE QuadLanes operator-(const QuadLanes& a, const QuadLanes& b) {
    return QuadLanes{a.v - b.v};
  }
  friend CHOKEPOINT_KERNEL_INLINE QuadLanes operator*(const QuadLanes& a, const QuadLanes& b) {
    return QuadLanes{a.v * b.v};
  }
  friend CHOKEPOINT_KERNEL_INLINE QuadLanes operator/(const QuadLanes& a, const QuadLanes& b) {
    return QuadLanes{a.v / b.v};
  }
};

CHOKEPOINT_KERNEL_INLINE double BaseMean(const double* x, int base_periods) {
  double base = 0.0;
  for (int i = 0; i < base_periods; ++i) base += x[i];
  return base / base_periods;
}

// LaneSum and LaneDot of R series (x[r], n values each) in one pass; the R
// series interleaved hide the add latency the four lanes alone cannot.
template <class L, int R>
CHOKEPOINT_KERNEL_INLINE void SumAndDot(const double* const* x, const double* w, size_t n, double* sum,
                                        double* dot) {
  L s[R], d[R];
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const L wv = L::Load(w + i);
    for (int r = 0; r < R; ++r) {
      const L xv = L::Load(x[r] + i);
      s[r] += xv;
      d[r] += wv * xv;
    }
  }
  for (; i < n; ++i) {
    for (int r = 0; r < R; ++r) {
      s[r].AddToFirst(x[r][i]);
      d[r].AddToFirst(w[i] * x[r][i]);
    }
  }
  for (int r = 0; r < R; ++r) {
    sum[r] = s[r].Reduce();
    dot[r] = d[r].Reduce();
  }
}

// LaneSquaredDeviations of R series about their means.
template <class L, int R>
CHOKEPOINT_KERNEL_INLINE void SquaredDeviations(const double* const* x, size_t n, const double* mean,
                                                double* out) {
  L q[R], m[R];
  for (int r = 0; r < R; ++r) m[r] = L::Splat(mean[r]);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int r = 0; r < R; ++r) {
      const L e = L::Load(x[r] + i) - m[r];
      q[r] += e * e;
    }
  }
  for (; i < n; ++i) {
    for (int r = 0; r < R; ++r) {
      const double e = x[r][i] - mean[r];
      q[r].AddToFirst(e * e);
    }
  }
  for (int r = 0; r < R; ++r) out[r] = q[r].Reduce();
}

// ComputeIndices' status checks, in its order, and G, once the sums are known.
CHOKEPOINT_KERNEL_INLINE IndexValues FinishGrowth(double sum, double dot, double base, size_t n, double* mean) {
  IndexValues out;
  *mean = sum / static_cast<double>(n);
  if (!(*mean > 0.0)) {
    out.status = IndexStatus::kMeanNotPositive;
  } else if (!(base > 0.0)) {
    out.status = IndexStatus::kBaseNotPositive;
  } else {
    out.G = dot / base - 1.0;
  }
  return out;
}
CHOKEPOINT_KERNEL_INLINE void FinishVolatility(IndexValues& out, double squared_deviations, size_t n,
                                               double mean) {
  if (out.ok()) out.V = std::sqrt(squared_deviations / static_cast<double>(n - 1)) / mean;
}

// ComputeIndices after its length check.
template <class L>
CHOKEPOINT_KERNEL_INLINE IndexValues Indices(const double* x, const double* w, size_t n, int base_periods) {
  const double* row[1] = {x};
  double sum, dot, mean, squared_deviations;
  SumAndDot<L, 1>(row, w, n, &sum, &dot);
  IndexValues out = FinishGrowth(sum, dot, BaseMean(x, base_periods), n, &mean);
  if (!out.ok()) return out;
  SquaredDeviations<L, 1>(row, n, &mean, &squared_deviations);
  FinishVolatility(out, squared_deviations, n, mean);
  return out;
}

// A series the fast paths leave (a NaN in the window): computed by the
// checked path, as ComputeSeriesIndices would.
IndexValues BatchRow(const IndexMatrix& m, size_t r, const ResolvedWindow& w, std::span<const double> weights,
                     int base_periods, std::span<double> periods);

// Monthly series stored month-contiguous: four at a time, interleaved.
template <class L>
CHOKEPOINT_KERNEL_INLINE void BatchRowMajor(const IndexMatrix& m, const ResolvedWindow& w,
                                            std::span<const double> weights, int base_periods,
                                            std::span<double> periods, std::span<IndexValues> out) {
  constexpr int kRows = 4;
  const size_t n = static_cast<size_t>(w.num_periods);
  size_t r = 0;
  for (; r + kRows <= m.num_series; r += kRows) {
    const double* x[kRows];
    for (int q = 0; q < kRows; ++q)
      x[q] = m.data + static_cast<std::ptrdiff_t>(r + q) * m.series_stride + w.first_column;
    double sum[kRows], dot[kRows], mean[kRows], squared_deviations[kRows];
    SumAndDot<L, kRows>(x, weights.data(), n, sum, dot);
    for (int q = 0; q < kRows; ++q) out[r + q] = FinishGrowth(sum[q], dot[q], BaseMean(x[q], base_periods), n, &mean[q]);
    SquaredDeviations<L, kRows>(x, n, mean, squared_deviations);
    for (int q = 0; q < kRows; ++q) {
      // A NaN anywhere in the window makes the sum NaN: such a row (and, to
      // be safe, one with an infinite value) takes the checked path.
      if (!std::isfinite(sum[q])) {
        out[r + q] = BatchRow(m, r + q, w, weights, base_periods, periods);
      } else {
        FinishVolatility(out[r + q], squared_deviations[q], n, mean[q]);
      }
    }
  }
  for (; r < m.num_series; ++r) out[r] = BatchRow(m, r, w, weights, base_periods, periods);
}

// Monthly series stored series-contiguous (the transpose of a months x
// series block): four series side by side in one L, accumulated down the
// months. LaneSum's four lanes become four accumulators per series,
// accumulator k taking months t = k mod 4 and the tail taking accumulator 0,
// in LaneSum's order. A block's months are a column of cache lines a matrix
// row apart, which the hardware prefetcher does not follow, so the lines of
// a block a few ahead are prefetched explicitly (measured: 0.96 -> 0.73 ms
// for 10,000 x 120 on one core).
template <class L>
CHOKEPOINT_KERNEL_INLINE void BatchColumnMajor(const IndexMatrix& m, const ResolvedWindow& w,
                                               std::span<const double> weights, int base_periods,
                                               std::span<double> periods, std::span<IndexValues> out) {
  constexpr size_t kBlock = 4;
  constexpr std::ptrdiff_t kPrefetchAhead = 32;  // series: eight blocks, four cache lines
  const size_t n = static_cast<size_t>(w.num_periods), n4 = n - n % 4;
  const std::ptrdiff_t step = m.month_stride;
  const double* wt = weights.data();
  size_t r = 0;
  for (; r + kBlock <= m.num_series; r += kBlock) {
    const double* first = m.data + static_cast<std::ptrdiff_t>(r) + w.first_column * step;
    // Only addresses inside the matrix are formed (the last blocks have
    // nothing ahead to fetch).
    const bool prefetch = r + kBlock + kPrefetchAhead <= m.num_series;
    L s0, s1, s2, s3, d0, d1, d2, d3;
    size_t t = 0;
    for (; t < n4; t += 4) {
      const double* x = first + static_cast<std::ptrdiff_t>(t) * step;
      if (prefetch) {
        __builtin_prefetch(x + kPrefetchAhead);
        __builtin_prefetch(x + step + kPrefetchAhead);
        __builtin_prefetch(x + 2 * step + kPrefetchAhead);
        __builtin_prefetch(x + 3 * step + kPrefetchAhead);
      }
      const L x0 = L::Load(x), x1 = L::Load(x + step), x2 = L::Load(x + 2 * step), x3 = L::Load(x + 3 * step);
      s0 += x0;
      s1 += x1;
      s2 += x2;
      s3 += x3;
      d0 += L::Splat(wt[t]) * x0;
      d1 += L::Splat(wt[t + 1]) * x1;
      d2 += L::Splat(wt[t + 2]) * x2;
      d3 += L::Splat(wt[t + 3]) * x3;
    }
    for (; t < n; ++t) {
      const double* x = first + static_cast<std::ptrdiff_t>(t) * step;
      const L xv = L::Load(x);
      s0 += xv;
      d0 += L::Splat(wt[t]) * xv;
    }
    L base;
    for (int i = 0; i < base_periods; ++i) base += L::Load(first + i * step);
    base = base / L::Splat(static_cast<double>(base_periods));
    const L sum = (s0 + s1) + (s2 + s3), dot = (d0 + d1) + (d2 + d3);
    const L mean = sum / L::Splat(static_cast<double>(n));
    L q0, q1, q2, q3;
    for (t = 0; t < n4; t += 4) {
      const double* x = first + static_cast<std::ptrdiff_t>(t) * step;
      const L e0 = L::Load(x) - mean, e1 = L::Load(x + step) - mean, e2 = L::Load(x + 2 * step) - mean,
              e3 = L::Load(x + 3 * step) - mean;
      q0 += e0 * e0;
      q1 += e1 * e1;
      q2 += e2 * e2;
      q3 += e3 * e3;
    }
    for (; t < n; ++t) {
      const L e = L::Load(first + static_cast<std::ptrdiff_t>(t) * step) - mean;
      q0 += e * e;
    }
    const L squared_deviations = (q0 + q1) + (q2 + q3);
    for (size_t j = 0; j < kBlock; ++j) {
      if (!std::isfinite(sum[j])) {  // a NaN in the window: the checked path
        out[r + j] = BatchRow(m, r + j, w, weights, base_periods, periods);
        continue;
      }
      double unused_mean;
      out[r + j] = FinishGrowth(sum[j], dot[j], base[j], n, &unused_mean);
      FinishVolatility(out[r + j], squared_deviations[j], n, mean[j]);
    }
  }
  for (; r < m.num_series; ++r) out[r] = BatchRow(m, r, w, weights, base_periods, periods);
}

}  // namespace chokepoint::index_kernels
