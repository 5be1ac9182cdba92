// `chokepoint config` and examples/run.toml: the example must document every
// key a run reads, at its default, so the two cannot drift apart.
#include <string>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "cli_test_util.h"

namespace chokepoint {
namespace {

using testing::RunChokepoint;

const std::string kExample = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/../../examples/run.toml";

std::string WithoutFirstLine(const std::string& s) { return s.substr(s.find('\n') + 1); }

// Dotted keys of every leaf value in a table.
void CollectKeys(const toml::table& t, const std::string& prefix, std::vector<std::string>* out) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table()) CollectKeys(*sub, key, out);
    else out->push_back(key);
  }
}

TEST(ConfigCli, ExampleConfigurationIsTheDefaults) {
  const auto defaults = RunChokepoint("config");
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  const auto example = RunChokepoint("config --config " + kExample);
  ASSERT_EQ(example.exit_code, 0) << example.err;
  EXPECT_EQ(WithoutFirstLine(defaults.out), WithoutFirstLine(example.out));
}

TEST(ConfigCli, ExampleDocumentsEveryKey) {
  const auto defaults = RunChokepoint("config");
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  const toml::table resolved = toml::parse(WithoutFirstLine(defaults.out));
  // Commented-out keys ("# seed = 1") count as documented.
  std::ifstream in(kExample);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> keys;
  CollectKeys(resolved, "", &keys);
  ASSERT_GT(keys.size(), 60u);
  for (const std::string& key : keys) {
    const std::string leaf = key.substr(key.rfind('.') + 1);
    EXPECT_NE(text.str().find(leaf + " ="), std::string::npos) << key << " is not in examples/run.toml";
  }
}

TEST(ConfigCli, SetOverridesAndValidation) {
  const auto r = RunChokepoint("config --set bootstrap.replicates=2000 --set models.surge.loss=cauchy");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replicates = 2000"), std::string::npos);
  EXPECT_NE(r.out.find("loss = 'cauchy'"), std::string::npos) << r.out;
  const auto bad = RunChokepoint("config --set batches.event_window_months=-3");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("batches.event_window_months"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace chokepoint
