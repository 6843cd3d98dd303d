// Located YAML errors: unknown keys with suggestions, duplicates, types.
#include "support/yaml_reader.hpp"

#include <catch2/catch.hpp>

#include "support/errors.hpp"

using support::InputError;
using support::YamlReader;

namespace {
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("unknown key names file, line, column and the closest key") {
  auto reader = YamlReader::from_string("s.yaml", "name: x\nsteps:\n  - open: /\n    expct: {status: 200}\n");
  auto step = reader.root()["steps"][0];
  std::string message = error_of([&] { reader.check_map(step, {"open", "name", "expect"}, "step 1"); });
  CHECK(message ==
        "s.yaml:4:5: unknown key 'expct' in step 1 (did you mean 'expect'?)\n"
        "   4 |     expct: {status: 200}\n"
        "     |     ^");
}

TEST_CASE("an unknown key far from every valid one lists the valid keys") {
  auto reader = YamlReader::from_string("s.yaml", "foo: 1\n");
  std::string message = error_of([&] { reader.check_map(reader.root(), {"name", "steps"}, "the scenario"); });
  CHECK(message.rfind("s.yaml:1:1: unknown key 'foo' in the scenario (valid keys: name, steps)", 0) == 0);
}

TEST_CASE("duplicate keys are errors") {
  std::string message = error_of([] { YamlReader::from_string("d.yaml", "a: 1\nb: 2\na: 3\n"); });
  CHECK(message.rfind("d.yaml:3:1: duplicate key 'a'", 0) == 0);
}

TEST_CASE("syntax errors are located") {
  std::string message = error_of([] { YamlReader::from_string("e.yaml", "a: [1, 2\nb: 3\n"); });
  CHECK(message.rfind("e.yaml:", 0) == 0);
  CHECK(message.find("invalid YAML") != std::string::npos);
}

TEST_CASE("typed scalars reject the wrong type") {
  auto reader = YamlReader::from_string("t.yaml", "n: abc\nb: yes\nd: 10x\nok: 42\n");
  CHECK(error_of([&] { reader.integer(reader.root()["n"], "'n'", 0, 10); })
            .rfind("t.yaml:1:4: expected a whole number for 'n', found 'abc'", 0) == 0);
  CHECK(error_of([&] { reader.boolean(reader.root()["b"], "'b'"); }).find("expected true or false") !=
        std::string::npos);
  CHECK(error_of([&] { reader.duration(reader.root()["d"], "'d'"); }).find("t.yaml:3:4") != std::string::npos);
  CHECK(error_of([&] { reader.integer(reader.root()["ok"], "'ok'", 0, 10); }).find("between 0 and 10") !=
        std::string::npos);
  CHECK(reader.integer(reader.root()["ok"], "'ok'", 0, 100) == 42);
}

TEST_CASE("a missing key is reported at its parent") {
  auto reader = YamlReader::from_string("m.yaml", "steps:\n  - open: /\n");
  CHECK(error_of([&] { reader.require(reader.root(), "name", "scenario"); })
            .rfind("m.yaml:1:1: missing key 'name' in scenario", 0) == 0);
}

TEST_CASE("a second YAML document is refused where it starts, even when what follows is invalid") {
  std::string message = error_of([] { YamlReader::from_string("s.yaml", "name: a\nsteps: []\n---\nname: b\n"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:3:1: a second YAML document"));
  message = error_of([] { YamlReader::from_string("s.yaml", "name: a\n---\nname: b: c\n  - [unclosed\n"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:2:1: a second YAML document"));
  message = error_of([] { YamlReader::from_string("s.yaml", "name: a\n# a comment\n--- {name: b}\n"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:3:1: a second YAML document"));
  message = error_of([] { YamlReader::from_string("s.yaml", "name: a\n...\nname: b\n"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:2:1: a second YAML document"));
  // A leading '---' starts the first and only document; a trailing one adds nothing.
  CHECK(error_of([] { YamlReader::from_string("s.yaml", "# about\n---\nname: a\n"); }) == "(no error)");
  CHECK(error_of([] { YamlReader::from_string("s.yaml", "name: a\n---\n# nothing\n"); }) == "(no error)");
  // Inside a block scalar, '---' indented is text.
  CHECK(error_of([] { YamlReader::from_string("s.yaml", "about: |\n  ---\n  text\nname: a\n"); }) == "(no error)");
}

TEST_CASE("YAML syntax errors are explained in plain words; a tab is named") {
  std::string tab = error_of([] { YamlReader::from_string("s.yaml", "name: a\nsteps:\n\t- open: /\n"); });
  CHECK_THAT(tab, Catch::StartsWith("s.yaml:3:1: a tab character in the indentation"));
  std::string indent = error_of([] { YamlReader::from_string("s.yaml", "name: a\n  steps: x\n"); });
  CHECK_THAT(indent, Catch::StartsWith("s.yaml:2:") && Catch::Contains("indentation") &&
                         !Catch::Contains("illegal map value"));
}

TEST_CASE("a binary or non-UTF-8 file names the byte and its line and column") {
  std::string message = error_of([] { YamlReader::from_string("s.yaml", "name: a\nx: caf\xE9\n"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:2:7: not UTF-8 text: byte 0xE9"));
  message = error_of([] { YamlReader::from_string("s.yaml", std::string("name: \"a\\q\0\x01\"\n", 14)); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:1:11: control character 0x00"));
  // An escape that decodes to a lone surrogate is located too.
  message = error_of([] { YamlReader::from_string("s.yaml", "body: \"\\udc00\"\n"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:1:"));
}

TEST_CASE("content after the first document's end is an error, not ignored (and not a hang)") {
  // Found by fuzz_mock_config: yaml-cpp's LoadAll() looped forever on it,
  // and its Load() returned {path: /apateway} as if the rest were not there.
  std::string message = error_of([] { YamlReader::from_string("s.yaml", "{path: /apateway}, headers"); });
  CHECK_THAT(message, Catch::StartsWith("s.yaml:1:") && Catch::Contains("unexpected content after the end of the document"));
  CHECK_THAT(error_of([] { YamlReader::from_string("s.yaml", "[1, 2] [3]\n"); }), Catch::Contains("unexpected content"));
}

TEST_CASE("merge keys are resolved: the map's own keys win, then the merged maps in order") {
  auto reader = YamlReader::from_string("m.yaml",
                                        "base: &base {a: 1, b: 2}\nother: &other {b: 3, c: 4}\n"
                                        "one: {<<: *base, a: 9}\nmany: {<<: [*base, *other], d: 5}\n");
  const YAML::Node& root = reader.root();
  CHECK(root["one"]["a"].Scalar() == "9");
  CHECK(root["one"]["b"].Scalar() == "2");
  CHECK_FALSE(root["one"]["<<"].IsDefined());
  CHECK(root["many"]["b"].Scalar() == "2");
  CHECK(root["many"]["c"].Scalar() == "4");
  CHECK(root["many"].size() == 4);
  // merged values keep their place in the file, for located errors
  CHECK(root["one"]["b"].Mark().line == 0);
  CHECK_NOTHROW(reader.check_map(root["many"], {"a", "b", "c", "d"}, "many"));
  CHECK(error_of([&] { reader.check_map(root["one"], {"a"}, "one"); }).rfind("m.yaml:1:", 0) == 0);
}

TEST_CASE("a merge key that merges no map is a located error") {
  CHECK(error_of([] { YamlReader::from_string("m.yaml", "a:\n  <<: 3\n"); }).rfind(
            "m.yaml:2:7: '<<' merges a map or a list of maps (an alias like *defaults), found '3'", 0) == 0);
  CHECK(error_of([] { YamlReader::from_string("m.yaml", "x: &x [1]\na:\n  <<: [*x]\n"); })
            .rfind("m.yaml:1:4: '<<' merges maps: each item of its list is a map", 0) == 0);
}

TEST_CASE("x- keys are the user's own: check_map ignores them") {
  auto reader = YamlReader::from_string("x.yaml", "x-anchors: {a: 1}\nname: n\n");
  CHECK_NOTHROW(reader.check_map(reader.root(), {"name"}, "the scenario"));
  CHECK(support::is_extension_key("x-steps"));
  CHECK_FALSE(support::is_extension_key("X-Steps"));
}

TEST_CASE("aliases that expand a small file into a huge tree are refused") {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 7; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
    text += "]\n";
  }
  CHECK(error_of([&] { YamlReader::from_string("l.yaml", text); }).find("aliases expand this file past 1000000 values") !=
        std::string::npos);
}
