// Outputs appear whole or not at all (docs/method.md §9.5): a full disk, a
// destination that is not a regular file, a stale temporary from a killed
// run, and SIGINT/SIGTERM, each from the command line.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_test_util.h"

namespace chokepoint {
namespace {

using testing::RunChokepoint;
using testing::TempDir;

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every entry of the directory but the named files: temporaries left behind.
std::vector<std::string> Leftovers(const std::filesystem::path& dir, std::initializer_list<std::string> expected) {
  std::vector<std::string> extra;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) extra.push_back(name);
  }
  return extra;
}

// A file size limit stands in for a full disk: every write past it fails
// with EFBIG, as it would with ENOSPC (SIGXFSZ ignored so the write returns).
constexpr const char* kSmallDisk = "ulimit -f 100; trap '' XFSZ; exec";

TEST(DurableOutput, FullDiskKeepsThePreviousRunFileAndLeavesNoTemporary) {
  const auto dir = TempDir("full_disk_run");
  const auto out = dir / "run.h5";
  ASSERT_EQ(RunChokepoint("run --replicates 50 --out " + out.string()).exit_code, 0);
  const std::string before = Slurp(out);
  ASSERT_GT(before.size(), 200000u) << "the run file must exceed the limit for the test to mean anything";
  const auto r = RunChokepoint("run --replicates 50 --seed 9 --out " + out.string(), kSmallDisk);
  EXPECT_EQ(r.exit_code, 2) << r.err;  // not 139: no crash in HDF5's exit handler
  EXPECT_NE(r.err.find(out.string() + ": HDF5 could not write the file out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(out), before) << "the previous output must be untouched";
  EXPECT_TRUE(Leftovers(dir, {"run.h5"}).empty());
}

TEST(DurableOutput, FullDiskOnTextAndIngestOutputs) {
  const auto dir = TempDir("full_disk_text");
  // A new panel from ingest: nothing appears.
  auto r = RunChokepoint("ingest " + std::string(CHOKEPOINT_TEST_DATA_DIR) + "/ingest/canonical_basic.csv -o " +
                             (dir / "p.h5").string(),
                         "ulimit -f 2; trap '' XFSZ; exec");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "p.h5"));
  // A CSV panel over an existing one: the old one stays.
  { std::ofstream(dir / "s.csv") << "old\n"; }
  r = RunChokepoint("simulate --out " + (dir / "s.csv").string(), kSmallDisk);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("s.csv: cannot write the output: File too large"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(dir / "s.csv"), "old\n");
  EXPECT_TRUE(Leftovers(dir, {"s.csv"}).empty());
}

TEST(DurableOutput, RefusesDestinationsThatAreNotRegularFiles) {
  const auto dir = TempDir("not_regular");
  ASSERT_EQ(::mkfifo((dir / "fifo.h5").c_str(), 0600), 0);
  std::filesystem::create_directory(dir / "d.h5");
  std::filesystem::create_symlink("/dev/null", dir / "null.h5");
  const std::pair<std::string, std::string> cases[] = {
      {"/dev/null", "is a character device"},
      {(dir / "fifo.h5").string(), "is a FIFO"},
      {(dir / "d.h5").string(), "is a directory"},
      {(dir / "null.h5").string(), "is a character device"},  // a symlink to a device
  };
  for (const auto& [path, what] : cases) {
    const auto r = RunChokepoint("run --replicates 20 --out " + path);
    EXPECT_EQ(r.exit_code, 2) << path;
    EXPECT_NE(r.err.find(path + ": the output exists and " + what), std::string::npos) << r.err;
  }
  struct stat st;
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null must still be a device";
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "null.h5"));
  // The same check for text outputs.
  const auto r = RunChokepoint("simulate --out " + (dir / "fifo.h5").string());
  EXPECT_EQ(r.exit_code, 2);
}

TEST(DurableOutput, StaleTemporariesOfDeadProcessesAreRemovedLiveOnesKept) {
  const auto dir = TempDir("stale_temporaries");
  // A run killed with SIGKILL leaves ".<name>.chokepoint-tmp-<pid>-XXXXXX";
  // pid 2^22 + 1 exceeds Linux's pid_max, so no process has it.
  const auto stale = dir / ".run.h5.chokepoint-tmp-4194305-AbCdEf";
  const auto other_name = dir / ".other.h5.chokepoint-tmp-4194305-AbCdEf";
  const auto live = dir / (".run.h5.chokepoint-tmp-" + std::to_string(::getpid()) + "-XyZ123");
  for (const auto& p : {stale, other_name, live}) std::ofstream(p) << "partial";
  ASSERT_EQ(RunChokepoint("run --replicates 20 --out " + (dir / "run.h5").string()).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(other_name)) << "another destination's temporary is not ours to remove";
  EXPECT_TRUE(std::filesystem::exists(live)) << "a running process's temporary is kept";
  // The committed output has a new file's permissions, not mkstemp's 0600.
  struct stat st;
  ASSERT_EQ(::stat((dir / "run.h5").c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
}

// Runs a long command in the foreground and sends it the signal after
// `delay` seconds (coreutils timeout; --preserve-status returns the
// command's own status). --foreground: without it timeout signals the
// command and then its whole process group, so on a loaded machine the
// command can receive the signal twice, and a second signal stops chokepoint
// at once (by design), without its message and leaving its temporary.
testing::CommandResult Interrupt(const std::string& args, const std::string& signal, double delay) {
  std::ostringstream prefix;
  prefix << "timeout --foreground --preserve-status -s " << signal << " " << delay;
  return RunChokepoint(args, prefix.str());
}

TEST(DurableOutput, SigintAndSigtermStopCleanlyKeepingThePreviousOutput) {
  const auto dir = TempDir("interrupt");
  const auto out = dir / "run.h5";
  ASSERT_EQ(RunChokepoint("run --replicates 20 --out " + out.string()).exit_code, 0);
  const std::string before = Slurp(out);
  // A bootstrap of 17 groups x 300,000 replicates takes seconds beyond the
  // delay: the signal lands in the models or the bootstrap stage.
  for (const auto& [signal, code] : {std::pair<std::string, int>{"INT", 130}, {"TERM", 143}}) {
    const auto r = Interrupt("run --replicates 300000 --out " + out.string(), signal, 1.5);
    EXPECT_EQ(r.exit_code, code) << signal << ": " << r.err;
    EXPECT_NE(r.err.find("chokepoint: interrupted by SIG" + signal + "; stopped, nothing was written"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(Slurp(out), before);
    EXPECT_TRUE(Leftovers(dir, {"run.h5"}).empty());
  }
}

TEST(BoundedMemory, ImpossibleReplicateCountsAreRefusedBeforeAnyWork) {
  const auto dir = TempDir("memory_limit");
  const auto out = dir / "run.h5";
  // 17 groups x 2^31 - 1 replicates: terabytes of replicate arrays; was
  // std::bad_alloc after the models stage.
  auto r = RunChokepoint("run --replicates 2147483647 --no-models --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("bootstrap replicate arrays (17 groups x 2147483647 replicates"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" TB; the limit is "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  // The limit is configurable: 1 MB refuses what the default allows.
  r = RunChokepoint("run --replicates 2000 --no-models --out " + out.string(), "CHOKEPOINT_MEMORY_LIMIT=1M");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("the limit is 1.0 MB (CHOKEPOINT_MEMORY_LIMIT)"), std::string::npos) << r.err;
  r = RunChokepoint("run --replicates 20 --no-models --out " + out.string(), "CHOKEPOINT_MEMORY_LIMIT=lots");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("CHOKEPOINT_MEMORY_LIMIT must be a size such as 8G"), std::string::npos) << r.err;
  EXPECT_EQ(RunChokepoint("run --replicates 20 --no-models --out " + out.string(), "CHOKEPOINT_MEMORY_LIMIT=512M")
                .exit_code,
            0);
}

TEST(RunInputs, AnIndexWindowOutsideTheDataIsAUsageErrorNotAnEmptyRun) {
  const auto dir = TempDir("window_outside");
  const auto out = dir / "run.h5";
  for (const std::string flags : {"--window-start 2030-01", "--window-end 2010-12", "--window-start 2014-06"}) {
    const auto r = RunChokepoint("run " + flags + " --no-models --no-bootstrap --out " + out.string());
    EXPECT_EQ(r.exit_code, 2) << flags << ": " << r.err;
    EXPECT_NE(r.err.find("lies outside the data (2015-01..2024-12)"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  // A window inside the data runs.
  EXPECT_EQ(RunChokepoint("run --window-start 2016-01 --no-models --no-bootstrap --out " + out.string()).exit_code, 0);
}

}  // namespace
}  // namespace chokepoint
