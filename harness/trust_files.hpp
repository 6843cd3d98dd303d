// The run's CA as the files an app's runtime reads, in a folder of the
// world's own, and the environment variables that point each ecosystem at
// them (the app contract, docs/scenario-format.md). The app is never asked
// to turn verification off: it is handed the CA that signed the mock's
// certificate.
#pragma once

#include <map>
#include <string>

namespace harness {

class TrustFiles {
 public:
  // Writes ca.pem and truststore.jks into a new folder under $TMPDIR (or
  // /tmp). Throws support::SystemError.
  explicit TrustFiles(const std::string& ca_pem);
  ~TrustFiles();  // removes the folder
  TrustFiles(const TrustFiles&) = delete;
  TrustFiles& operator=(const TrustFiles&) = delete;

  const std::string& ca_file() const { return ca_file_; }
  const std::string& java_truststore() const { return truststore_; }

  // SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS,
  // DENO_CERT, GIT_SSL_CAINFO: ca.pem; JAVA_TOOL_OPTIONS: the truststore,
  // after `inherited_java_options` (the JAVA_TOOL_OPTIONS the app would
  // otherwise get).
  std::map<std::string, std::string> app_environment(const std::string& inherited_java_options = "") const;

 private:
  std::string folder_;
  std::string ca_file_;
  std::string truststore_;
};

}  // namespace harness
