// The certificates a run's https needs: a CA made for the run and a server
// certificate it signs for the mock's host names, or the same three read
// from PEM files a user gives. Clients trust the CA (ca_pem); the server
// presents cert_pem with key_pem. Nothing here touches the system's trust
// store: a run's CA is trusted only by whoever is handed it.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <vector>

namespace support {

struct TlsIdentity {
  std::string ca_pem;    // what clients trust
  std::string cert_pem;  // the server's certificate (and any intermediates after it)
  std::string key_pem;   // the server's private key
  std::string ca_key_pem;  // the CA's private key when the CA was made here ("" when read from files)
};

// A fresh ECDSA P-256 CA (CA:TRUE, keyCertSign) and a server certificate
// signed by it for `names`: host names ("*.example.com" allowed) and IPv4
// or IPv6 literals, each a subjectAltName; serverAuth; valid from an hour
// ago for 30 days. Throws support::SystemError when OpenSSL fails and
// support::InputError for an empty list or a name that is neither. With
// `signer` (an identity made here), its CA signs instead of a new one.
TlsIdentity make_tls_identity(const std::vector<std::string>& names, const TlsIdentity* signer = nullptr);
// The names every certificate made for a local mock carries, first the one
// it is issued to: 127.0.0.1, localhost, ::1.
std::vector<std::string> loopback_names();

// Reads a certificate (chain), its private key and the CA that signed it
// from PEM files, and checks that they belong together. Throws
// support::InputError naming the file that is missing, unreadable or wrong.
TlsIdentity load_tls_identity(const std::string& cert_path, const std::string& key_path, const std::string& ca_path);

// The subjectAltNames of a PEM certificate (DNS names and IP addresses as
// text), for messages and tests.
std::vector<std::string> certificate_names(const std::string& cert_pem);

// A Java truststore (JKS, password "changeit") holding the CA as a trusted
// certificate entry: what -Djavax.net.ssl.trustStore reads on every JDK.
std::string java_truststore(const std::string& ca_pem, const std::string& alias = "run-ca");

// PEM text as OpenSSL objects, for the code that hands them to OpenSSL (the
// mock's server context, the harness's trust store): one reader for all.
struct OpenSslFree {
  void operator()(X509* certificate) const;
  void operator()(EVP_PKEY* key) const;
};
using X509Certificate = std::unique_ptr<X509, OpenSslFree>;
using PrivateKey = std::unique_ptr<EVP_PKEY, OpenSslFree>;
// Every certificate in a PEM text, in order; none when it holds none.
std::vector<X509Certificate> pem_certificates(const std::string& pem);
// The unencrypted private key in a PEM text; null when it holds none.
PrivateKey pem_private_key(const std::string& pem);

// OpenSSL's last error on this thread as text ("" when there is none);
// clears the thread's error queue, so the next failure starts clean.
std::string take_openssl_error();

// Writes `text` to `path` (created or replaced, mode 0644). Throws support::SystemError.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace support
