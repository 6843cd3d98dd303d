// OpenSSL for the harness's https client (see tls_client.hpp). The socket
// is reached through a BIO of our own that writes with MSG_NOSIGNAL: a
// server that resets mid-answer is a result, and the library's socket BIO
// would raise SIGPIPE in a program that has not ignored it (tests, embedders).
#include "harness/tls_client.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include "support/errors.hpp"
#include "support/tls_identity.hpp"

namespace harness {
namespace {

int socket_of(BIO* bio) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio))); }

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(socket_of(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && would_block(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::recv(socket_of(bio), data, static_cast<std::size_t>(size), 0);
  if (n < 0 && would_block(errno)) BIO_set_retry_read(bio);
  return static_cast<int>(n);
}

long bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "harness socket");
    if (made) {
      BIO_meth_set_write(made, bio_write);
      BIO_meth_set_read(made, bio_read);
      BIO_meth_set_ctrl(made, bio_ctrl);
      BIO_meth_set_create(made, bio_create);
    }
    return made;
  }();
  return method;
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::string openssl_error() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "";
}

}  // namespace

TlsTrust::TlsTrust(const std::string& ca_pem) {
  const std::vector<support::X509Certificate> authorities = support::pem_certificates(ca_pem);
  context_ = SSL_CTX_new(TLS_client_method());
  if (!context_) throw support::SystemError("https: cannot create a TLS context");
  SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
  SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  // A server that closes without close_notify ends the answer as a plain
  // connection's FIN would: the parser then says whether it was whole
  // (ERR_EMPTY_RESPONSE, ERR_CONTENT_LENGTH_MISMATCH), as a browser does.
  // (Some OpenSSL 3 releases report that end as a protocol error without it.)
  SSL_CTX_set_options(context_, SSL_OP_IGNORE_UNEXPECTED_EOF);
  X509_STORE* store = SSL_CTX_get_cert_store(context_);
  int added = 0;
  for (const auto& authority : authorities) added += X509_STORE_add_cert(store, authority.get()) == 1;
  ERR_clear_error();
  if (added == 0) {
    SSL_CTX_free(context_);
    throw support::InputError("https: the CA to trust holds no PEM certificate");
  }
}

TlsTrust::~TlsTrust() { SSL_CTX_free(context_); }

TlsConnection::TlsConnection(const TlsTrust& trust, int fd, const std::string& host) : host_(host) {
  ssl_ = SSL_new(trust.context());
  BIO* bio = socket_method() ? BIO_new(socket_method()) : nullptr;
  if (!ssl_ || !bio) {
    BIO_free(bio);
    SSL_free(ssl_);
    throw support::SystemError("https: cannot create a TLS connection");
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
  SSL_set_bio(ssl_, bio, bio);
  SSL_set_connect_state(ssl_);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  if (is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_set_alpn_protos(ssl_, http11, sizeof http11);
}

TlsConnection::~TlsConnection() { SSL_free(ssl_); }

TlsConnection::Io TlsConnection::handshake() {
  int done = SSL_do_handshake(ssl_);
  if (done == 1) return Io::done;
  Io io = outcome(done, "the TLS handshake");
  if (io == Io::closed) {
    error_code_ = "ERR_CONNECTION_CLOSED";
    error_ = "the connection was closed during the TLS handshake";
    return Io::failed;
  }
  return io;
}

TlsConnection::Io TlsConnection::read(char* data, std::size_t size, std::size_t& count) {
  count = 0;
  int n = SSL_read(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
  if (n > 0) count = static_cast<std::size_t>(n);
  return n > 0 ? Io::done : outcome(n, "reading the answer");
}

TlsConnection::Io TlsConnection::write(const char* data, std::size_t size, std::size_t& count) {
  count = 0;
  int n = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
  if (n > 0) count = static_cast<std::size_t>(n);
  return n > 0 ? Io::done : outcome(n, "sending the request");
}

bool TlsConnection::has_buffered() const { return SSL_pending(ssl_) > 0; }

TlsConnection::Io TlsConnection::outcome(int result, const char* during) {
  const int saved_errno = errno;
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ) return Io::want_read;
  if (error == SSL_ERROR_WANT_WRITE) return Io::want_write;
  if (error == SSL_ERROR_ZERO_RETURN) return Io::closed;  // close_notify: the end of the answer
  const long verified = SSL_get_verify_result(ssl_);
  const std::string reason = openssl_error();
  if (verified != X509_V_OK) {
    const std::string why = X509_verify_cert_error_string(verified);
    if (verified == X509_V_ERR_HOSTNAME_MISMATCH || verified == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      error_code_ = "ERR_CERT_COMMON_NAME_INVALID";
      error_ = "the server's certificate is not for " + host_ + " (" + why + ")";
    } else if (verified == X509_V_ERR_CERT_HAS_EXPIRED || verified == X509_V_ERR_CERT_NOT_YET_VALID) {
      error_code_ = "ERR_CERT_DATE_INVALID";
      error_ = "the server's certificate is not valid now (" + why + ")";
    } else {
      error_code_ = "ERR_CERT_AUTHORITY_INVALID";
      error_ = "the server's certificate is not signed by the run's CA (" + why + ")";
    }
    return Io::failed;
  }
  if (error == SSL_ERROR_SYSCALL && reason.empty()) {
    // The peer went away: end of file, or a reset.
    if (result < 0 && saved_errno == ECONNRESET) {
      error_code_ = "ERR_CONNECTION_RESET";
      error_ = "the connection was reset during " + std::string(during);
      return Io::failed;
    }
    if (std::strcmp(during, "the TLS handshake") == 0) {
      error_code_ = "ERR_CONNECTION_CLOSED";
      error_ = "the connection was closed during the TLS handshake";
      return Io::failed;
    }
    return Io::closed;
  }
  error_code_ = "ERR_SSL_PROTOCOL_ERROR";
  error_ = "sent an invalid response during " + std::string(during) + (reason.empty() ? "" : " (" + reason + ")");
  return Io::failed;
}

}  // namespace harness
