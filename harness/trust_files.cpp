// Writing a world's trust files (see trust_files.hpp).
#include "harness/trust_files.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "support/errors.hpp"
#include "support/tls_identity.hpp"

namespace harness {

TrustFiles::TrustFiles(const std::string& ca_pem) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/harness-trust-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!::mkdtemp(name.data()))
    throw support::SystemError("cannot make a folder for the run's CA in " + pattern + ": " + std::strerror(errno));
  folder_ = name.data();
  try {
    ca_file_ = folder_ + "/ca.pem";
    support::write_text_file(ca_file_, ca_pem);
    truststore_ = folder_ + "/truststore.jks";
    support::write_text_file(truststore_, support::java_truststore(ca_pem));
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
    throw;
  }
}

TrustFiles::~TrustFiles() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::map<std::string, std::string> TrustFiles::app_environment(const std::string& inherited_java_options) const {
  std::map<std::string, std::string> variables;
  // OpenSSL (Python's ssl, Ruby, PHP, curl), Go on Linux: SSL_CERT_FILE
  // replaces the system bundle, which is fine: nothing may leave the machine.
  for (const char* name : {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "DENO_CERT",
                           "GIT_SSL_CAINFO"})
    variables[name] = ca_file_;
  const std::string java = "-Djavax.net.ssl.trustStore=" + truststore_ +
                           " -Djavax.net.ssl.trustStoreType=JKS -Djavax.net.ssl.trustStorePassword=changeit";
  variables["JAVA_TOOL_OPTIONS"] = inherited_java_options.empty() ? java : inherited_java_options + " " + java;
  return variables;
}

}  // namespace harness
