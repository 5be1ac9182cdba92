// `chokepoint config` and examples/run.toml: the example must document every
// key a run reads, at its default, so the two cannot drift apart.
#include <filesystem>
#include <fstream>
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

// The memory limit from a flag, a key and the variable: work whose estimate
// exceeds it is refused before it starts, naming where the limit came from;
// a malformed size names the flag or the key's line; nothing is written.
TEST(ConfigCli, MemoryLimitFromFlagKeyAndVariable) {
  const auto dir = testing::TempDir("memory_limit");
  const std::string out = (dir.path() / "run.h5").string();
  const auto flag = RunChokepoint("run --quiet --memory-limit 1K --out " + out);
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("need 796.9 KB; the limit is 1.0 KB (--memory-limit)"), std::string::npos) << flag.err;
  {
    std::ofstream(dir.path() / "small.toml") << "[run]\nmemory_limit = \"2K\"\n";
    std::ofstream(dir.path() / "bad.toml") << "# bad size\n[run]\nmemory_limit = \"lots\"\n";
  }
  const auto key = RunChokepoint("run --quiet --config " + (dir.path() / "small.toml").string() + " --out " + out);
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find("the limit is 2.0 KB (run.memory_limit)"), std::string::npos) << key.err;
  const auto bad = RunChokepoint("run --quiet --config " + (dir.path() / "bad.toml").string() + " --out " + out);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.toml:3:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("got \"lots\""), std::string::npos) << bad.err;
  const auto bad_flag = RunChokepoint("run --quiet --memory-limit 12Q --out " + out);
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("--memory-limit must be a size"), std::string::npos) << bad_flag.err;
  // The flag wins over the variable; the variable alone still applies.
  const auto env = RunChokepoint("run --quiet --out " + out, "CHOKEPOINT_MEMORY_LIMIT=3K ");
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("the limit is 3.0 KB (CHOKEPOINT_MEMORY_LIMIT)"), std::string::npos) << env.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  // A limit the run fits in lets it run.
  const auto ok = RunChokepoint("run --quiet --replicates 200 --no-models --no-batches --memory-limit 1G --out " + out,
                                "CHOKEPOINT_MEMORY_LIMIT=3K ");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(out));
}

// One validation path: the same block length gets the same verdict and the
// same words from `bootstrap`, `run` and `sweep` (flag and key), naming the
// section the value belongs to; the sweep's memory estimate is checked
// before any work.
TEST(ConfigCli, BlockLengthHasOneVerdictEverywhere) {
  const std::string series = std::string(CHOKEPOINT_TEST_DATA_DIR) + "/surge/surge_series.csv";
  const auto dir = testing::TempDir("one_verdict");
  const std::string out = (dir.path() / "x.h5").string();
  for (const char* value : {"-1", "0.5", "nan"}) {
    const auto single = RunChokepoint(std::string("bootstrap --quiet --input ") + series + " --block-length " + value);
    const auto run = RunChokepoint(std::string("run --quiet --block-length ") + value + " --out " + out);
    const auto sweep = RunChokepoint(std::string("sweep --quiet --block-length ") + value + " --out " + out);
    const auto sweep_key = RunChokepoint(std::string("sweep --quiet --set sweep.block_length=") +
                                         (std::string(value) == "nan" ? "nan" : value) + " --out " + out);
    for (const auto* r : {&single, &run, &sweep, &sweep_key}) {
      EXPECT_EQ(r->exit_code, 2) << value << ": " << r->err;
      EXPECT_NE(r->err.find("must be 0 (automatic) or a length >= 1 month, got " + std::string(value)), std::string::npos)
          << value << ": " << r->err;
    }
    EXPECT_NE(run.err.find("bootstrap.block_length"), std::string::npos) << run.err;
    EXPECT_NE(sweep.err.find("sweep.block_length"), std::string::npos) << sweep.err;
  }
  const auto memory = RunChokepoint("sweep --quiet --keep-clouds --memory-limit 64M --out " + out);
  EXPECT_EQ(memory.exit_code, 2);
  EXPECT_NE(memory.err.find("the sweep (17 series x 1260 index specifications x 1000 replicates, clouds kept) need"),
            std::string::npos)
      << memory.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace chokepoint
