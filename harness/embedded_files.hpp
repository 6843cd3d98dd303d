// Project files compiled into the harness, by their path in the repository
// (the apps suite's starter scenarios and docs/scenario.schema.json, for
// `harness init`). harness/CMakeLists.txt chooses them and generates the
// definition from embedded_files.cpp.in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace harness {

struct EmbeddedFile {
  std::string_view path;  // from the repository's root, e.g. "scenarios/apps/sign-in.yaml"
  std::string_view text;
};

// In the order harness/CMakeLists.txt lists them.
const std::vector<EmbeddedFile>& embedded_files();

}  // namespace harness
