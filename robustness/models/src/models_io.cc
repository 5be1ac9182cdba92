// HDF5 sections and Markdown reports of the HAC and break results.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/models/breaks.h"
#include "chokepoint/robustness/models/hac.h"
#include "chokepoint/robustness/models/models_io.h"

namespace chokepoint::robustness {

namespace {

std::vector<double> ToVector(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

std::string Num(double v, const char* fmt = "%.6g") {
  if (!std::isfinite(v)) return "n/a";
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

void WriteHacResult(hid_t group, const HacResult& r) {
  h5::WriteAttribute(group, "estimator", r.estimator);
  h5::WriteAttribute(group, "kernel", ToString(r.options.kernel));
  h5::WriteAttribute(group, "bandwidth_rule", ToString(r.options.bandwidth_rule));
  h5::WriteAttribute(group, "prewhite", static_cast<int64_t>(r.options.prewhite));
  h5::WriteAttribute(group, "adjust", static_cast<int64_t>(r.options.adjust));
  h5::WriteAttribute(group, "bandwidth", r.bandwidth);
  h5::WriteAttribute(group, "bandwidth_automatic", r.bandwidth_automatic);
  h5::WriteAttribute(group, "n", static_cast<int64_t>(r.n));
  h5::WriteAttribute(group, "k", static_cast<int64_t>(r.k));
  h5::WriteStrings(group, "names", r.names);
  h5::WriteDoubles(group, "coefficients", ToVector(r.coefficients));
  h5::WriteDoubles(group, "standard_errors", ToVector(r.standard_errors));
  h5::WriteDoubles(group, "t", ToVector(r.t));
  h5::WriteDoubles(group, "p", ToVector(r.p));
  std::vector<double> vcov(static_cast<size_t>(r.k) * r.k);
  for (int i = 0; i < r.k; ++i) {
    for (int j = 0; j < r.k; ++j) vcov[static_cast<size_t>(i) * r.k + j] = r.vcov(i, j);
  }
  h5::WriteDoubles(group, "vcov", vcov, {static_cast<hsize_t>(r.k), static_cast<hsize_t>(r.k)});
}

std::string FormatHacMarkdown(const HacResult& r, std::string_view title) {
  std::ostringstream out;
  out << "### " << title << "\n\n" << r.estimator << " (n = " << r.n << ", p-values from Student t with " << r.n - r.k
      << " df)\n\n| term | estimate | HAC s.e. | t | p |\n|---|---:|---:|---:|---:|\n";
  for (int j = 0; j < r.k; ++j) {
    out << "| " << r.names[j] << " | " << Num(r.coefficients[j]) << " | " << Num(r.standard_errors[j]) << " | "
        << Num(r.t[j], "%.3f") << " | " << Num(r.p[j], "%.3g") << " |\n";
  }
  return out.str();
}

void WriteBreakResult(hid_t group, const BreakResult& r) {
  h5::WriteAttribute(group, "options", r.options.Describe());
  h5::WriteAttribute(group, "regressors", ToString(r.options.regressors));
  h5::WriteAttribute(group, "n", static_cast<int64_t>(r.n));
  h5::WriteAttribute(group, "q", static_cast<int64_t>(r.q));
  h5::WriteAttribute(group, "p", static_cast<int64_t>(r.p));
  h5::WriteAttribute(group, "trim", r.options.trim);
  h5::WriteAttribute(group, "trim_obs", static_cast<int64_t>(r.trim_obs));
  h5::WriteAttribute(group, "max_breaks", static_cast<int64_t>(r.max_breaks));
  h5::WriteAttribute(group, "selected_bic", static_cast<int64_t>(r.selected_bic));
  h5::WriteAttribute(group, "selected_lwz", static_cast<int64_t>(r.selected_lwz));
  h5::WriteAttribute(group, "selected_sequential", static_cast<int64_t>(r.selected_sequential));
  h5::WriteAttribute(group, "ud_max", r.ud_max);
  h5::WriteAttribute(group, "ud_max_p", r.ud_max_p);
  h5::WriteAttribute(group, "wd_max", r.wd_max);
  h5::WriteAttribute(group, "wd_max_p", r.wd_max_p);
  h5::WriteAttribute(group, "pvalue_source", r.pvalue_source);
  h5::WriteAttribute(group, "null_errors", ToString(r.options.null_errors));
  h5::WriteAttribute(group, "null_rho", r.null_rho);
  h5::WriteAttribute(group, "breakpoint_convention", "1-based index of the last observation of each regime");
  if (r.start) h5::WriteAttribute(group, "start", r.start->ToString());
  h5::WriteDoubles(group, "rss", r.rss);
  h5::WriteDoubles(group, "bic", r.bic);
  h5::WriteDoubles(group, "lwz", r.lwz);
  std::vector<int32_t> bps(r.breakpoints.begin(), r.breakpoints.end());
  h5::WriteInt32s(group, "breakpoints", bps);
  const int M = r.max_breaks;
  std::vector<int32_t> by_m(static_cast<size_t>(M) * M, 0);
  for (int m = 1; m <= M; ++m) {
    for (int j = 0; j < m; ++j) by_m[static_cast<size_t>(m - 1) * M + j] = r.breakpoints_by_m[m - 1][j];
  }
  h5::WriteInt32s(group, "breakpoints_by_m", by_m, {static_cast<hsize_t>(M), static_cast<hsize_t>(M)});
  std::vector<int32_t> ci;
  for (const BreakInterval& c : r.confidence_intervals) {
    ci.push_back(c.computed ? c.lower : -1);
    ci.push_back(c.breakpoint);
    ci.push_back(c.computed ? c.upper : -1);
  }
  h5::WriteInt32s(group, "confidence_intervals", ci, {static_cast<hsize_t>(r.confidence_intervals.size()), 3});
  h5::WriteDoubles(group, "sup_f", r.sup_f);
  h5::WriteDoubles(group, "sup_f_p", r.sup_f_p);
  h5::WriteDoubles(group, "sup_f_critical_5", r.sup_f_critical_5);
  h5::WriteDoubles(group, "seq_f", r.seq_f);
  h5::WriteDoubles(group, "seq_f_p", r.seq_f_p);
  h5::WriteStrings(group, "warnings", r.warnings);
  if (r.start) {
    std::vector<std::string> dates;
    for (int b : r.breakpoints) dates.push_back(r.DateOf(b)->ToString());
    h5::WriteStrings(group, "breakdates", dates);
  }
}

std::string FormatBreaksMarkdown(const BreakResult& r, std::string_view title) {
  std::ostringstream out;
  auto label = [&r](int bp) {
    std::string s = std::to_string(bp);
    if (auto d = r.DateOf(bp)) s += " (" + d->ToString() + ")";
    return s;
  };
  out << "### " << title << "\n\n" << r.options.Describe() << "; n = " << r.n << ", h = " << r.trim_obs
      << ". Breakpoints are the last observation of each regime.\n\n"
      << "| m | RSS | BIC | LWZ | breakpoints |\n|---:|---:|---:|---:|---|\n";
  for (int m = 0; m <= r.max_breaks; ++m) {
    std::string bps;
    if (m > 0) {
      for (int b : r.breakpoints_by_m[m - 1]) bps += (bps.empty() ? "" : ", ") + label(b);
    }
    out << "| " << m << " | " << Num(r.rss[m], "%.8g") << " | " << Num(r.bic[m], "%.3f") << " | "
        << Num(r.lwz[m], "%.4f") << " | " << bps << " |\n";
  }
  out << "\nChosen number of breaks: BIC " << r.selected_bic << ", LWZ " << r.selected_lwz << ", sequential "
      << (r.selected_sequential >= 0 ? std::to_string(r.selected_sequential) : std::string("n/a")) << ".\n\n";
  if (r.tests_computed) {
    out << "| k | supF(k) | p | F(k\\|k-1) | p |\n|---:|---:|---:|---:|---:|\n";
    for (int k = 0; k < r.max_breaks; ++k) {
      out << "| " << k + 1 << " | " << Num(r.sup_f[k], "%.3f") << " | " << Num(r.sup_f_p[k], "%.3f") << " | "
          << Num(r.seq_f[k], "%.3f") << " | " << Num(r.seq_f_p[k], "%.3f") << " |\n";
    }
    out << "\nUDmax " << Num(r.ud_max, "%.3f") << " (p " << Num(r.ud_max_p, "%.3f") << "), WDmax "
        << Num(r.wd_max, "%.3f") << " (p " << Num(r.wd_max_p, "%.3f") << "). p-values: " << r.pvalue_source << ".\n\n";
  } else {
    out << "Tests: " << r.pvalue_source << ".\n\n";
  }
  for (const BreakInterval& c : r.confidence_intervals) {
    if (c.computed) {
      out << "- break " << label(c.breakpoint) << ": " << r.options.ci_level * 100 << "% interval [" << label(c.lower)
          << ", " << label(c.upper) << "]\n";
    } else {
      out << "- break " << label(c.breakpoint) << ": interval not computable\n";
    }
  }
  for (const std::string& w : r.warnings) out << "- warning: " << w << "\n";
  return out.str();
}

}  // namespace chokepoint::robustness
