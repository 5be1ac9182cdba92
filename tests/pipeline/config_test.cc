// The pipeline's configuration: one precedence rule, one validation path,
// messages that name what the user typed, and the sweep's inheritance of the
// run's sections.
#include "chokepoint/pipeline/config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"

namespace chokepoint::pipeline {
namespace {

// A TOML file unique to this process, removed at the end of the test.
class TempToml {
 public:
  explicit TempToml(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("chokepoint_pipeline_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".toml");
    std::ofstream(path_) << text;
  }
  ~TempToml() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::string MessageOf(const ConfigOverrides& o, ConfigPurpose purpose = ConfigPurpose::kRun) {
  try {
    ResolveConfig(o, purpose);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    return e.what();
  }
  return "(no error)";
}

TEST(PipelineConfig, PrecedenceDefaultsFileSetFlags) {
  // Each layer sets a different key, and two layers disagree on replicates.
  const TempToml file("[run]\nseed = 11\n[bootstrap]\nreplicates = 300\nlevel = 0.8\n[thresholds]\ngrowth = 0.6\n");
  ConfigOverrides o;
  o.config_file = file.path();
  EXPECT_EQ(ResolveConfig(o).bootstrap.replicates, 300);  // file over default (1000)
  o.set_assignments = {"bootstrap.replicates=400"};
  EXPECT_EQ(ResolveConfig(o).bootstrap.replicates, 400);  // --set over file
  o.replicates = 500;
  const PipelineConfig c = ResolveConfig(o);
  EXPECT_EQ(c.bootstrap.replicates, 500);  // flag over --set
  EXPECT_DOUBLE_EQ(c.bootstrap.level, 0.8);  // untouched file value stays
  EXPECT_EQ(c.run.seed, 11u);
  EXPECT_DOUBLE_EQ(c.thresholds.growth, 0.6);
  EXPECT_DOUBLE_EQ(c.thresholds.volatility_high, 0.3);  // default
  // [bootstrap] has no seed of its own: it takes the run's.
  EXPECT_EQ(c.bootstrap.seed, 11u);
  // The models' regimes use the run's thresholds.
  EXPECT_DOUBLE_EQ(c.models.thresholds.growth, 0.6);
}

TEST(PipelineConfig, ErrorsNameTheFlagTheSetOrTheLine) {
  ConfigOverrides o;
  o.replicates = 1;
  EXPECT_EQ(MessageOf(o), "--replicates (bootstrap.replicates): must be >= 2, got 1");
  ConfigOverrides l;
  l.level = 1.5;
  EXPECT_NE(MessageOf(l).find("--level (bootstrap.level)"), std::string::npos) << MessageOf(l);
  ConfigOverrides t;
  t.volatility_low = 0.4;  // above v_hi = 0.3
  EXPECT_NE(MessageOf(t).find("--volatility-low"), std::string::npos) << MessageOf(t);

  // The same bad value from the file is located at its line.
  const TempToml file("[run]\nseed = 3\n\n[bootstrap]\nlevel = 1.5\n");
  ConfigOverrides f;
  f.config_file = file.path();
  const std::string m = MessageOf(f);
  EXPECT_EQ(m.rfind(file.path() + ":5:", 0), 0u) << m;
  EXPECT_NE(m.find("bootstrap.level"), std::string::npos) << m;

  // A cross-field error of a section is located at the first key it names,
  // not at the section header: v_lo on line 6, not [thresholds] on line 4;
  // half_life on line 3 of [index] (not index.half, a prefix of no key here).
  const TempToml cross("[run]\nseed = 3\n\n[thresholds]\nvolatility_high = 0.2\nvolatility_low = 0.3\n");
  ConfigOverrides x;
  x.config_file = cross.path();
  EXPECT_EQ(MessageOf(x).rfind(cross.path() + ":6:", 0), 0u) << MessageOf(x);
  const TempToml index("[index]\nweighting = \"exponential\"\nhalf_life = -2\n");
  x.config_file = index.path();
  EXPECT_EQ(MessageOf(x).rfind(index.path() + ":3:", 0), 0u) << MessageOf(x);

  ConfigOverrides s;
  s.set_assignments = {"nosuchsection.key=1"};
  EXPECT_NE(MessageOf(s).find("unknown section 'nosuchsection'"), std::string::npos);
  s.set_assignments = {"replicates=3"};
  EXPECT_NE(MessageOf(s).find("a key inside a section"), std::string::npos) << MessageOf(s);
  s.set_assignments = {"bootstrap.nosuchkey=3"};
  EXPECT_NE(MessageOf(s).find("nosuchkey"), std::string::npos) << MessageOf(s);
}

TEST(PipelineConfig, SweepInheritsTheRunsSections) {
  const TempToml file(
      "[run]\nseed = 7\nthreads = 2\n[index]\nbase = \"first12\"\nweighting = \"quadratic\"\n"
      "[thresholds]\ngrowth = 0.6\nvolatility_high = 0.35\n[bootstrap]\nreplicates = 250\nscheme = \"growth\"\n");
  ConfigOverrides o;
  o.config_file = file.path();
  const PipelineConfig c = ResolveConfig(o, ConfigPurpose::kSweep);
  EXPECT_DOUBLE_EQ(c.sweep.default_thresholds.growth, 0.6);
  EXPECT_DOUBLE_EQ(c.sweep.default_thresholds.volatility_high, 0.35);
  EXPECT_EQ(c.sweep.default_index.base, BaseRule::kFirstYearMean);
  EXPECT_EQ(c.sweep.default_index.weighting, Weighting::kQuadratic);
  EXPECT_EQ(c.sweep.seed, 7u);
  EXPECT_EQ(c.sweep.threads, 2);
  EXPECT_EQ(c.sweep.replicates, 250);
  EXPECT_EQ(c.sweep.resampler.scheme, bootstrap::Scheme::kGrowth);

  // [sweep] settings of its own win over the inherited ones.
  const TempToml own(
      "[run]\nseed = 7\n[thresholds]\ngrowth = 0.6\n[sweep]\nseed = 99\nreplicates = 0\n"
      "[sweep.default]\ngrowth = 0.7\n");
  ConfigOverrides p;
  p.config_file = own.path();
  const PipelineConfig d = ResolveConfig(p, ConfigPurpose::kSweep);
  EXPECT_EQ(d.sweep.seed, 99u);
  EXPECT_EQ(d.sweep.replicates, 0);
  EXPECT_DOUBLE_EQ(d.sweep.default_thresholds.growth, 0.7);
  EXPECT_DOUBLE_EQ(d.thresholds.growth, 0.6);
}

TEST(PipelineConfig, OnlyTheSectionsAPurposeNeedsAreValidated) {
  // --replicates 0 means "point estimates only" to a sweep, but is no
  // bootstrap: a run with the bootstrap stage (and `config`, which shows
  // every section) refuses it, a run without that stage does not.
  ConfigOverrides o;
  o.replicates = 0;
  EXPECT_EQ(ResolveConfig(o, ConfigPurpose::kSweep).sweep.replicates, 0);
  EXPECT_THROW(ResolveConfig(o, ConfigPurpose::kRun), Error);
  EXPECT_THROW(ResolveConfig(o, ConfigPurpose::kAll), Error);
  EXPECT_THROW(ResolveConfig(o, ConfigPurpose::kBootstrap), Error);
  o.stage_bootstrap = false;
  EXPECT_NO_THROW(ResolveConfig(o, ConfigPurpose::kRun));
  // A bad value written in the file is an error whatever the purpose: the
  // file is one configuration.
  ConfigOverrides f;
  f.set_assignments = {"bootstrap.level=2.0"};
  EXPECT_THROW(ResolveConfig(f, ConfigPurpose::kSweep), Error);
}

TEST(PipelineConfig, ResolvedTableRoundTrips) {
  ConfigOverrides o;
  o.seed = 5;
  o.growth_threshold = 0.55;
  o.scheme = bootstrap::Scheme::kSieve;
  const PipelineConfig c = ResolveConfig(o, ConfigPurpose::kAll);
  const TempToml file(TomlToString(c.ResolvedTable()));
  ConfigOverrides again;
  again.config_file = file.path();
  const PipelineConfig d = ResolveConfig(again, ConfigPurpose::kAll);
  EXPECT_EQ(TomlToString(d.ResolvedTable()), TomlToString(c.ResolvedTable()));
  EXPECT_EQ(d.bootstrap.resampler.scheme, bootstrap::Scheme::kSieve);
  EXPECT_DOUBLE_EQ(d.sweep.default_thresholds.growth, 0.55);
}

// The configuration a run records replays it exactly: a float that six
// significant digits would round (a half-life of 7.3333333333333) is written
// in full, while the defaults stay short.
TEST(ConfigTest, RecordedFloatsReadBackExactly) {
  toml::table t{{"index", toml::table{{"half_life", 7.3333333333333}, {"weight", 0.9}}}};
  const std::string text = TomlToString(t);
  const toml::table back = toml::parse(text);
  EXPECT_EQ(back["index"]["half_life"].value<double>(), 7.3333333333333) << text;
  EXPECT_EQ(back["index"]["weight"].value<double>(), 0.9) << text;
  toml::table plain{{"index", toml::table{{"half_life", 12.0}, {"weight", 0.9}}}};
  const std::string short_text = TomlToString(plain);
  EXPECT_NE(short_text.find("weight = 0.9"), std::string::npos) << short_text;
  EXPECT_EQ(short_text.find("0.9000"), std::string::npos) << short_text;  // not 0.90000000000000002
  // The specification's description, recorded as index_spec, as well.
  IndexSpec spec;
  spec.weighting = Weighting::kExponential;
  spec.half_life = 7.3333333333333;
  EXPECT_EQ(spec.Describe(), "exponential(half_life=7.3333333333333)/first/monthly");
  spec.half_life = 12.0;
  EXPECT_EQ(spec.Describe(), "exponential(half_life=12)/first/monthly");
}

}  // namespace
}  // namespace chokepoint::pipeline
