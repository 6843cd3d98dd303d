// A run's certificates: the made server certificate verifies against the
// made CA for exactly the names it was made for; files given by a user are
// read and checked; the Java truststore holds the CA.
#include "support/tls_identity.hpp"

#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/errors.hpp"

namespace {

X509* read_certificate(const std::string& pem) {
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* certificate = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  REQUIRE(certificate);
  return certificate;
}

// X509_verify_cert's answer for `leaf` against `ca` alone (0: it verifies),
// with the host name or IP address check a client makes.
int verify(const support::TlsIdentity& identity, const std::string& host_or_ip, const std::string& ca_pem = "") {
  X509* ca = read_certificate(ca_pem.empty() ? identity.ca_pem : ca_pem);
  X509* leaf = read_certificate(identity.cert_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, leaf, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host_or_ip.c_str()) != 1) X509_VERIFY_PARAM_set1_host(param, host_or_ip.c_str(), 0);
  int result = X509_verify_cert(context) == 1 ? 0 : X509_STORE_CTX_get_error(context);
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  X509_free(leaf);
  X509_free(ca);
  return result;
}

std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-tls-" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("tls identity: the server certificate verifies against the run's CA for its names only") {
  auto identity = support::make_tls_identity({"localhost", "127.0.0.1", "::1", "discord.com", "*.discord.com"});
  CHECK(verify(identity, "localhost") == 0);
  CHECK(verify(identity, "127.0.0.1") == 0);
  CHECK(verify(identity, "::1") == 0);
  CHECK(verify(identity, "discord.com") == 0);
  CHECK(verify(identity, "cdn.discord.com") == 0);
  CHECK(verify(identity, "example.com") == X509_V_ERR_HOSTNAME_MISMATCH);
  CHECK(verify(identity, "127.0.0.2") == X509_V_ERR_IP_ADDRESS_MISMATCH);
  CHECK(support::certificate_names(identity.cert_pem) ==
        std::vector<std::string>{"localhost", "127.0.0.1", "::1", "discord.com", "*.discord.com"});
}

TEST_CASE("tls identity: each run's CA is its own: another run's CA does not verify this certificate") {
  auto first = support::make_tls_identity({"localhost"});
  auto second = support::make_tls_identity({"localhost"});
  CHECK(first.ca_pem != second.ca_pem);
  CHECK(verify(first, "localhost", second.ca_pem) != 0);
}

TEST_CASE("tls identity: a CA made here signs more certificates, one read from files does not") {
  auto first = support::make_tls_identity({"localhost"});
  auto second = support::make_tls_identity({"discord.com"}, &first);
  CHECK(second.ca_pem == first.ca_pem);
  CHECK(second.cert_pem != first.cert_pem);
  CHECK(verify(second, "discord.com", first.ca_pem) == 0);
  CHECK(verify(second, "localhost", first.ca_pem) == X509_V_ERR_HOSTNAME_MISMATCH);
  support::TlsIdentity from_files = first;
  from_files.ca_key_pem.clear();
  CHECK_THROWS_WITH(support::make_tls_identity({"localhost"}, &from_files),
                    "a CA read from files cannot sign new certificates here");
}

TEST_CASE("tls identity: the CA is a CA and the server certificate is not") {
  auto identity = support::make_tls_identity({"localhost"});
  X509* ca = read_certificate(identity.ca_pem);
  X509* leaf = read_certificate(identity.cert_pem);
  CHECK(X509_check_ca(ca) != 0);
  CHECK(X509_check_ca(leaf) == 0);
  CHECK(X509_check_purpose(leaf, X509_PURPOSE_SSL_SERVER, 0) == 1);
  CHECK(X509_cmp_current_time(X509_get0_notBefore(leaf)) < 0);
  CHECK(X509_cmp_current_time(X509_get0_notAfter(leaf)) > 0);
  X509_free(leaf);
  X509_free(ca);
}

TEST_CASE("tls identity: names that are neither host names nor addresses are refused") {
  CHECK_THROWS_AS(support::make_tls_identity({}), support::InputError);
  CHECK_THROWS_WITH(support::make_tls_identity({"bad name"}), Catch::Contains("'bad name' is neither a host name"));
  CHECK_THROWS_AS(support::make_tls_identity({"a,DNS:evil.test"}), support::InputError);
  CHECK_THROWS_AS(support::make_tls_identity({"*.*.example.com"}), support::InputError);
}

TEST_CASE("tls identity: files given are read and checked against each other") {
  auto identity = support::make_tls_identity({"localhost"});
  auto other = support::make_tls_identity({"localhost"});
  std::string cert = temp_file("cert.pem", identity.cert_pem);
  std::string key = temp_file("key.pem", identity.key_pem);
  std::string ca = temp_file("ca.pem", identity.ca_pem);
  std::string other_key = temp_file("other-key.pem", other.key_pem);
  std::string other_ca = temp_file("other-ca.pem", other.ca_pem);
  std::string garbage = temp_file("garbage.pem", "not a certificate\n");
  std::string huge = temp_file("huge.pem", std::string((1 << 20) + 1, 'x'));

  auto loaded = support::load_tls_identity(cert, key, ca);
  CHECK(loaded.cert_pem == identity.cert_pem);
  CHECK(loaded.ca_pem == identity.ca_pem);
  CHECK_THROWS_WITH(support::load_tls_identity(cert, other_key, ca),
                    other_key + ": this key does not belong to the certificate in " + cert);
  CHECK_THROWS_WITH(support::load_tls_identity(cert, key, other_ca),
                    Catch::StartsWith(cert + ": the certificate does not verify against the CA in " + other_ca));
  CHECK_THROWS_WITH(support::load_tls_identity(garbage, key, ca), Catch::StartsWith(garbage + ": no PEM certificate"));
  CHECK_THROWS_WITH(support::load_tls_identity(cert, garbage, ca), Catch::StartsWith(garbage + ": no unencrypted PEM private key"));
  CHECK_THROWS_WITH(support::load_tls_identity(huge, key, ca), huge + ": the certificate file is larger than 1048576 bytes");
  CHECK_THROWS_WITH(support::load_tls_identity("/nonexistent/cert.pem", key, ca),
                    "/nonexistent/cert.pem: cannot read the certificate file");
  for (const auto& path : {cert, key, ca, other_key, other_ca, garbage, huge}) std::filesystem::remove(path);
}

TEST_CASE("tls identity: the Java truststore is a JKS store holding the CA's certificate") {
  auto identity = support::make_tls_identity({"localhost"});
  std::string store = support::java_truststore(identity.ca_pem);
  REQUIRE(store.size() > 40);
  CHECK(store.compare(0, 4, "\xFE\xED\xFE\xED") == 0);
  // The CA's DER is in it, whole.
  X509* ca = read_certificate(identity.ca_pem);
  unsigned char* der = nullptr;
  int length = i2d_X509(ca, &der);
  CHECK(store.find(std::string(reinterpret_cast<char*>(der), static_cast<std::size_t>(length))) != std::string::npos);
  OPENSSL_free(der);
  X509_free(ca);
}
