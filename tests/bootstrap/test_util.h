// Small helpers shared by the bootstrap tests: golden CSV reading and a
// simulated monthly series with known truth.
#pragma once

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "chokepoint/core/random.h"

namespace chokepoint::bootstrap::testing {

inline std::string DataPath(const std::string& name) {
  return std::string(CHOKEPOINT_TEST_DATA_DIR) + "/bootstrap/" + name;
}

// Rows of a comma-separated file with a header, as column name -> text.
inline std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(item);
    return out;
  };
  if (!std::getline(in, line)) return rows;
  header = split(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto fields = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// log x_t = log_level + slope t + season[month] + u_t, u AR(1) with
// coefficient phi and innovation SD sigma (started from its stationary law).
// `noise_free` receives exp(log_level + slope t + season).
inline std::vector<double> SimulateSeries(RandomStream& rs, int n, double log_level, double slope, double phi,
                                          double sigma, std::vector<double>* noise_free = nullptr) {
  static const double season[12] = {-0.10, -0.25, 0.05, 0.02, 0.04, 0.06, 0.03, -0.02, 0.05, 0.04, 0.03, 0.05};
  std::vector<double> x(static_cast<size_t>(n));
  if (noise_free) noise_free->resize(static_cast<size_t>(n));
  double u = rs.NextNormal() * sigma / std::sqrt(1.0 - phi * phi);
  for (int t = 0; t < n; ++t) {
    if (t > 0) u = phi * u + sigma * rs.NextNormal();
    const double mean = log_level + slope * (t + 1) + season[t % 12];
    x[t] = std::exp(mean + u);
    if (noise_free) (*noise_free)[t] = std::exp(mean);
  }
  return x;
}

}  // namespace chokepoint::bootstrap::testing
