// A world's trust files: the CA and the Java truststore written to a folder
// of their own, every ecosystem's variable pointing at them, the folder
// gone with the world.
#include "harness/trust_files.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/tls_identity.hpp"

using harness::TrustFiles;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("trust files: the CA and the truststore, and the variables that name them") {
  const std::string ca = support::make_tls_identity({"127.0.0.1"}).ca_pem;
  std::string folder;
  {
    TrustFiles files(ca);
    folder = std::filesystem::path(files.ca_file()).parent_path().string();
    CHECK(read(files.ca_file()) == ca);
    CHECK(read(files.java_truststore()) .compare(0, 4, "\xFE\xED\xFE\xED") == 0);
    auto environment = files.app_environment();
    for (const char* name : {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "DENO_CERT",
                             "GIT_SSL_CAINFO"}) {
      INFO(name);
      CHECK(environment[name] == files.ca_file());
    }
    CHECK(environment["JAVA_TOOL_OPTIONS"] == "-Djavax.net.ssl.trustStore=" + files.java_truststore() +
                                                  " -Djavax.net.ssl.trustStoreType=JKS -Djavax.net.ssl.trustStorePassword=changeit");
    CHECK(environment.count("OAUTHLIB_INSECURE_TRANSPORT") == 0);  // trust is handed over, never switched off
    // The app's own Java options stay, first.
    CHECK(files.app_environment("-Xmx64m")["JAVA_TOOL_OPTIONS"].rfind("-Xmx64m -Djavax.net.ssl.trustStore=", 0) == 0);
    TrustFiles other(ca);
    CHECK(other.ca_file() != files.ca_file());  // each world its own folder
  }
  CHECK_FALSE(std::filesystem::exists(folder));
}
