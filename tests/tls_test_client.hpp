// An https client for tests: cpp-httplib's SSLClient that trusts exactly
// one CA, given as PEM (a run's CA), and checks the host name as usual.
#pragma once

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>

namespace test_tls {

// A store holding the certificates of `ca_pem`; the caller owns it.
inline X509_STORE* store_of(const std::string& ca_pem) {
  X509_STORE* store = X509_STORE_new();
  BIO* in = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
  while (X509* certificate = PEM_read_bio_X509(in, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, certificate);
    X509_free(certificate);
  }
  BIO_free(in);
  return store;
}

inline std::unique_ptr<httplib::SSLClient> client_trusting(const std::string& ca_pem, int port,
                                                           const std::string& host = "127.0.0.1") {
  // cpp-httplib's SSLClient writes its close_notify with write(): on a
  // connection the mock reset (a fault under test) that is a SIGPIPE, which
  // would end the test program instead of failing a request.
  std::signal(SIGPIPE, SIG_IGN);
  auto client = std::make_unique<httplib::SSLClient>(host, port);
  client->set_ca_cert_store(store_of(ca_pem));  // the client owns the store from here
  client->enable_server_certificate_verification(true);
  client->set_tcp_nodelay(true);
  client->set_read_timeout(std::chrono::seconds(20));
  return client;
}

}  // namespace test_tls
