// Suites (harness/suite.hpp): discovery, loading with every error reported,
// unique names, selection by tag, name and shard, and `check` / `list`.
#include "harness/suite.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/errors.hpp"

namespace fs = std::filesystem;
using harness::Scenario;

namespace {

// A scratch folder of scenario files, removed afterwards.
class ScratchSuite {
 public:
  explicit ScratchSuite(const std::string& name) : root_(fs::temp_directory_path() / ("harness_suite_test_" + name)) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~ScratchSuite() { fs::remove_all(root_); }

  std::string write(const std::string& relative, const std::string& text) const {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  std::string scenario(const std::string& relative, const std::string& name, const std::string& tags = "[]") const {
    return write(relative, "name: " + name + "\ntags: " + tags + "\nsteps:\n  - open: ${app}/\n");
  }
  std::string path(const std::string& relative = "") const { return (root_ / relative).string(); }

 private:
  fs::path root_;
};

std::vector<std::string> names_of(const std::vector<const Scenario*>& scenarios) {
  std::vector<std::string> names;
  for (const auto* scenario : scenarios) names.push_back(scenario->name);
  return names;
}

std::vector<std::string> names_of(const std::vector<Scenario>& scenarios) {
  std::vector<std::string> names;
  for (const auto& scenario : scenarios) names.push_back(scenario.name);
  return names;
}

}  // namespace

TEST_CASE("folders are searched recursively for .yaml and .yml files, in path order") {
  ScratchSuite suite("discover");
  suite.scenario("b/two.yml", "two");
  suite.scenario("a/one.yaml", "one");
  suite.scenario("c.yaml", "three");
  suite.write("notes.txt", "not a scenario");
  suite.scenario(".hidden/four.yaml", "four");
  auto files = harness::discover_scenarios({suite.path()});
  REQUIRE(files.size() == 3);
  CHECK(files[0] == suite.path("a/one.yaml"));
  CHECK(files[1] == suite.path("b/two.yml"));
  CHECK(files[2] == suite.path("c.yaml"));
}

TEST_CASE("paths keep the order given, and a file reached twice runs once") {
  ScratchSuite suite("order");
  suite.scenario("a.yaml", "a");
  suite.scenario("z.yaml", "z");
  auto files = harness::discover_scenarios({suite.path("z.yaml"), suite.path()});
  REQUIRE(files.size() == 2);
  CHECK(files[0] == suite.path("z.yaml"));
  CHECK(files[1] == suite.path("a.yaml"));
}

TEST_CASE("a missing path or an empty folder is an input error naming it") {
  ScratchSuite suite("missing");
  fs::create_directories(suite.path("empty"));
  CHECK_THROWS_WITH(harness::discover_scenarios({suite.path("nope")}), suite.path("nope") + ": no such file or folder");
  CHECK_THROWS_WITH(harness::discover_scenarios({suite.path("empty")}),
                    suite.path("empty") + ": no scenario files (*.yaml, *.yml) in this folder");
}

TEST_CASE("loading a suite reports every broken file, not only the first") {
  ScratchSuite suite("errors");
  suite.scenario("1-good.yaml", "good");
  suite.write("2-typo.yaml", "name: typo\nstesp: []\n");
  suite.write("3-empty-steps.yaml", "name: empty\nsteps: []\n");
  auto loaded = harness::load_suite({suite.path(), suite.path("does-not-exist")});
  CHECK(loaded.files == 3);
  CHECK(names_of(loaded.scenarios) == std::vector<std::string>{"good"});
  REQUIRE(loaded.errors.size() == 3);
  CHECK(loaded.errors[0] == suite.path("does-not-exist") + ": no such file or folder");
  CHECK(loaded.errors[1].rfind(suite.path("2-typo.yaml") + ":2:1: unknown key 'stesp' in the scenario (did you mean 'steps'?)", 0) == 0);
  CHECK(loaded.errors[2].rfind(suite.path("3-empty-steps.yaml") + ":2:8: 'steps' lists no step", 0) == 0);
}

TEST_CASE("two files with one name are an error naming both") {
  ScratchSuite suite("names");
  suite.scenario("a.yaml", "same name");
  suite.write("b.yaml", "# another\nname: same name\nsteps:\n  - open: ${app}/\n");
  auto loaded = harness::load_suite({suite.path()});
  CHECK(loaded.scenarios.size() == 1);
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0] == suite.path("b.yaml") + ":2:7: the scenario name 'same name' is also used by " +
                                suite.path("a.yaml") + ":1; names must be unique in a suite\n"
                                "   2 | name: same name\n"
                                "     |       ^");
}

TEST_CASE("selection: --tag keeps scenarios with any of the tags, --name matches a glob") {
  ScratchSuite suite("select");
  suite.scenario("1.yaml", "happy path", "[flow, smoke]");
  suite.scenario("2.yaml", "expired code", "[flow, code]");
  suite.scenario("3.yaml", "token errors", "[discord]");
  auto loaded = harness::load_suite({suite.path()});
  REQUIRE(loaded.ok());
  harness::Selection selection;
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)).size() == 3);
  selection.tags = {"smoke", "discord"};
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)) ==
        std::vector<std::string>{"happy path", "token errors"});
  selection.tags = {"flow"};
  selection.name_glob = "*code*";
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)) == std::vector<std::string>{"expired code"});
  selection.tags = {};
  selection.name_glob = "token errors";
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)) == std::vector<std::string>{"token errors"});
  selection.name_glob = "nothing*";
  CHECK(harness::select_scenarios(loaded.scenarios, selection).empty());
}

TEST_CASE("selection: --tag '!T' and --skip-tag T leave out scenarios with T") {
  ScratchSuite suite("exclude");
  suite.scenario("1.yaml", "happy path", "[flow, smoke]");
  suite.scenario("2.yaml", "slow hang", "[flow, slow]");
  suite.scenario("3.yaml", "token errors", "[discord]");
  auto loaded = harness::load_suite({suite.path()});
  REQUIRE(loaded.ok());
  harness::Selection selection;
  selection.tags = {"!slow"};
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)) ==
        std::vector<std::string>{"happy path", "token errors"});
  selection.tags = {"flow", "!slow"};
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)) == std::vector<std::string>{"happy path"});
  selection.tags = {};
  selection.skip_tags = {"slow", "discord"};
  CHECK(names_of(harness::select_scenarios(loaded.scenarios, selection)) == std::vector<std::string>{"happy path"});
}

TEST_CASE("shards split what the filters kept, by position, without overlap or loss") {
  ScratchSuite suite("shards");
  for (int i = 0; i < 7; ++i) suite.scenario(std::to_string(i) + ".yaml", "s" + std::to_string(i));
  auto loaded = harness::load_suite({suite.path()});
  REQUIRE(loaded.scenarios.size() == 7);
  std::vector<std::string> all;
  for (int index = 1; index <= 3; ++index) {
    harness::Selection selection;
    selection.shard = harness::Shard{index, 3};
    auto names = names_of(harness::select_scenarios(loaded.scenarios, selection));
    all.insert(all.end(), names.begin(), names.end());
    if (index == 1) CHECK(names == std::vector<std::string>{"s0", "s3", "s6"});
    if (index == 2) CHECK(names == std::vector<std::string>{"s1", "s4"});
  }
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<std::string>{"s0", "s1", "s2", "s3", "s4", "s5", "s6"});
}

TEST_CASE("selection: --shard parses I/N and rejects anything else") {
  auto shard = harness::parse_shard("2/4");
  CHECK(shard.index == 2);
  CHECK(shard.count == 4);
  for (const char* bad : {"0/4", "5/4", "2", "a/b", "2/0", "/", "-1/2", "1/4x"})
    CHECK_THROWS_AS(harness::parse_shard(bad), support::UsageError);
}

TEST_CASE("check prints every error and exits 2, or a summary and exits 0") {
  ScratchSuite suite("check");
  suite.scenario("ok.yaml", "ok");
  std::ostringstream out, err;
  CHECK(harness::check_command({suite.path()}, out, err) == 0);
  CHECK(out.str() == "1 scenario OK (1 step)\n");
  CHECK(err.str().empty());

  suite.write("bad.yaml", "name: bad\nsteps:\n  - opne: x\n");
  std::ostringstream out2, err2;
  CHECK(harness::check_command({suite.path()}, out2, err2) == 2);
  CHECK(err2.str().find(suite.path("bad.yaml") + ":3:5: unknown key 'opne' in step 1 (did you mean 'open'?)") !=
        std::string::npos);
  CHECK(err2.str().find("1 error in 2 scenario files\n") != std::string::npos);
}

TEST_CASE("list shows the selected scenarios with tags, file and skip reason") {
  ScratchSuite suite("list");
  suite.scenario("a.yaml", "alpha", "[x, y]");
  suite.write("b.yaml", "name: beta\nskip: not ready\nsteps:\n  - open: ${app}/\n");
  std::ostringstream out, err;
  CHECK(harness::list_command({suite.path()}, {}, out, err) == 0);
  CHECK(out.str() == "alpha  [x, y]  " + suite.path("a.yaml") + "\nbeta  " + suite.path("b.yaml") +
                         "  (skipped: not ready)\n");
  harness::Selection only_x;
  only_x.tags = {"x"};
  std::ostringstream out2;
  CHECK(harness::list_command({suite.path()}, only_x, out2, err) == 0);
  CHECK(out2.str() == "alpha  [x, y]  " + suite.path("a.yaml") + "\n");
}

TEST_CASE("the broken examples all fail together in one check") {
  std::ostringstream out, err;
  CHECK(harness::check_command({PROJECT_ROOT "/tests/harness/broken"}, out, err) == 2);
  auto loaded = harness::load_suite({PROJECT_ROOT "/tests/harness/broken"});
  CHECK(loaded.scenarios.empty());
  CHECK(loaded.errors.size() == loaded.files);
}
