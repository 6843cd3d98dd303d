// The client side of https for the harness's own requests (the scripted
// browser and raw `request:` steps): OpenSSL over the exchange's
// non-blocking socket, verifying the server's certificate against one CA
// (the run's) and the URL's host name, as a browser does. It never turns
// verification off: a certificate that does not verify is a result with
// Chrome's name for it (ERR_CERT_AUTHORITY_INVALID,
// ERR_CERT_COMMON_NAME_INVALID, ERR_CERT_DATE_INVALID), and anything that
// is not TLS is ERR_SSL_PROTOCOL_ERROR.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

struct ssl_ctx_st;
struct ssl_st;

namespace harness {

// What the client trusts: the CA certificates of a PEM text.
class TlsTrust {
 public:
  // Throws support::SystemError when OpenSSL fails, support::InputError
  // when the text holds no certificate.
  explicit TlsTrust(const std::string& ca_pem);
  ~TlsTrust();
  TlsTrust(const TlsTrust&) = delete;
  TlsTrust& operator=(const TlsTrust&) = delete;

  ssl_ctx_st* context() const { return context_; }

 private:
  ssl_ctx_st* context_ = nullptr;
};

// One TLS connection on a connected socket that the caller polls: every
// call does what it can without blocking and says what it waits for.
class TlsConnection {
 public:
  enum class Io { done, want_read, want_write, closed, failed };

  // `host`: the URL's host (a name, or an IP literal without brackets),
  // sent as SNI when it is a name and checked against the certificate.
  TlsConnection(const TlsTrust& trust, int fd, const std::string& host);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  Io handshake();
  // done: `count` bytes were read or written (at least one).
  Io read(char* data, std::size_t size, std::size_t& count);
  Io write(const char* data, std::size_t size, std::size_t& count);
  // Decrypted bytes ready to read without touching the socket.
  bool has_buffered() const;

  // After Io::failed: Chrome's name for the failure and a sentence; after
  // Io::closed on a reset: ERR_CONNECTION_RESET.
  const std::string& error_code() const { return error_code_; }
  const std::string& error() const { return error_; }

 private:
  Io outcome(int result, const char* during);

  ssl_st* ssl_ = nullptr;
  std::string host_;
  std::string error_code_;
  std::string error_;
};

}  // namespace harness
