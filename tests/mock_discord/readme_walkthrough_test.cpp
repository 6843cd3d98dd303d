// The README's curl walkthrough must run verbatim: this test takes the shell
// block after the walkthrough marker and runs it with bash in a scratch
// folder laid out like the repository (build/bin and examples linked in).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support/diagnostic.hpp"

namespace {

std::string read_file(const std::string& path) { return support::SourceText::read_file(path)->text(); }

std::string walkthrough_block() {
  const std::string readme = read_file(PROJECT_ROOT "/README.md");
  std::size_t marker = readme.find("<!-- walkthrough");
  REQUIRE(marker != std::string::npos);
  std::size_t begin = readme.find("```sh\n", marker);
  REQUIRE(begin != std::string::npos);
  begin += 6;
  std::size_t end = readme.find("```", begin);
  REQUIRE(end != std::string::npos);
  return readme.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("the README's curl walkthrough runs verbatim") {
  // scripts/setup installs curl; without it the walkthrough cannot run.
  REQUIRE(std::system("command -v curl >/dev/null 2>&1") == 0);
  namespace fs = std::filesystem;
  const fs::path scratch = fs::temp_directory_path() / ("walkthrough-" + std::to_string(::getpid()));
  fs::remove_all(scratch);
  fs::create_directories(scratch / "build");
  fs::create_directory_symlink(BIN_DIR, scratch / "build" / "bin");
  fs::create_directory_symlink(fs::path(PROJECT_ROOT) / "examples", scratch / "examples");
  std::ofstream(scratch / "walkthrough.sh") << "set -e\n" << walkthrough_block();

  const std::string command = "cd '" + scratch.string() + "' && timeout 60 bash walkthrough.sh 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  fs::remove_all(scratch);

  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("/callback?code=") != std::string::npos);
  CHECK(output.find("\"token_type\": \"Bearer\"") != std::string::npos);
  CHECK(output.find("\"username\": \"nelly\"") != std::string::npos);
  CHECK(output.find("{\"error\": \"invalid_grant\", \"error_description\": \"Invalid \\\"code\\\" in request.\"}") !=
        std::string::npos);
}
