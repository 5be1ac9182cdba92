// Configuration and scenario TOML: the parser and every section reader
// (unknown keys, wrong types and bad values must be usage errors naming the
// key, never a crash or a silently odd value).
#include "chokepoint/core/run_config.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/toml_section.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chokepoint;
  const std::string_view text = fuzz::Text(data, size);
  toml::table root;
  try {
    root = ParseTomlText(text, "fuzz.toml");
  } catch (const Error&) {
    return 0;
  }
  auto section = [&](const char* name) { return TomlSection(root[name].as_table(), name, "fuzz.toml"); };
  fuzz::Expecting([&] { RunOptions::FromToml(section("run")); });
  fuzz::Expecting([&] { DataOptions::FromToml(section("data")); });
  fuzz::Expecting([&] { IndexSpecFromToml(section("index")); });
  fuzz::Expecting([&] { ThresholdsFromToml(section("thresholds")); });
  fuzz::Expecting([&] { Scenario::FromToml(root, "fuzz.toml"); });
  return 0;
}
