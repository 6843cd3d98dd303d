// Making, reading and writing a run's certificates with OpenSSL 3's EVP and
// X509 APIs (see tls_identity.hpp).
#include "support/tls_identity.hpp"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <cctype>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "support/errors.hpp"
#include "support/random.hpp"

namespace support {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Key = PrivateKey;
using Certificate = X509Certificate;
using Bio = Owned<BIO, BIO_free_all>;
using Extension = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using Store = Owned<X509_STORE, X509_STORE_free>;
using StoreContext = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using Number = Owned<BIGNUM, BN_free>;
void free_certificates(STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }
using Certificates = Owned<STACK_OF(X509), free_certificates>;
void free_general_names(GENERAL_NAMES* names) { GENERAL_NAMES_free(names); }

constexpr long kValidBefore = 60 * 60;            // an hour of clock skew
constexpr long kValidFor = 30L * 24 * 60 * 60;    // 30 days
constexpr std::size_t kMaxPemFileBytes = 1 << 20;  // a certificate chain is a few kilobytes

[[noreturn]] void fail(const std::string& what) {
  std::string reason = take_openssl_error();
  throw SystemError("cannot make the run's certificate: " + what + ": " + (reason.empty() ? "unknown OpenSSL error" : reason));
}

bool is_ip_literal(const std::string& name) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, name.c_str(), address) == 1 || ::inet_pton(AF_INET6, name.c_str(), address) == 1;
}

// A DNS name the certificate may carry: labels of letters, digits and
// hyphens, optionally under one leading "*." wildcard.
bool is_host_name(const std::string& name) {
  std::string rest = name.rfind("*.", 0) == 0 ? name.substr(2) : name;
  if (rest.empty() || rest.size() > 253 || rest.front() == '.' || rest.back() == '.') return false;
  std::size_t label = 0;
  for (char c : rest) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return true;
}

Key make_key() {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("an ECDSA P-256 key");
  return key;
}

void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) fail(std::string("the extension ") + OBJ_nid2sn(nid));
}

// A certificate for `key`, named `common_name`, before its extensions and signature.
Certificate new_certificate(EVP_PKEY* key, const std::string& common_name, const X509_NAME* issuer) {
  Certificate certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), 2) != 1) fail("a certificate");
  Number serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
    fail("a serial number");
  if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kValidBefore) ||
      !X509_gmtime_adj(X509_getm_notAfter(certificate.get()), kValidFor))
    fail("the validity");
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  const std::string name = common_name.substr(0, 64);
  if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("discord-oauth-mock"), -1,
                                 -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1,
                                 0) != 1)
    fail("the subject");
  if (X509_set_issuer_name(certificate.get(), issuer ? issuer : subject) != 1) fail("the issuer");
  if (X509_set_pubkey(certificate.get(), key) != 1) fail("the public key");
  return certificate;
}

void sign(X509* certificate, EVP_PKEY* key) {
  if (X509_sign(certificate, key, EVP_sha256()) <= 0) fail("the signature");
}

std::string to_pem(X509* certificate) {
  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), certificate) != 1) fail("PEM of a certificate");
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string to_pem(EVP_PKEY* key) {
  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) fail("PEM of a key");
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string read_pem_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read the " + what + " file");
  std::string text(kMaxPemFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPemFileBytes)
    throw InputError(path + ": the " + what + " file is larger than " + std::to_string(kMaxPemFileBytes) + " bytes");
  return text;
}

Bio memory_bio(const std::string& text) {
  Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) fail("a memory buffer");
  return bio;
}

// A chain as X509_STORE_CTX_init takes it.
Certificates certificate_stack(std::vector<Certificate> certificates) {
  Certificates stack(sk_X509_new_null());
  if (!stack) fail("a certificate list");
  for (Certificate& certificate : certificates)
    if (sk_X509_push(stack.get(), certificate.get()) > 0) certificate.release();
  return stack;
}

}  // namespace

void OpenSslFree::operator()(X509* certificate) const { X509_free(certificate); }
void OpenSslFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

std::vector<X509Certificate> pem_certificates(const std::string& pem) {
  std::vector<X509Certificate> certificates;
  Bio in = memory_bio(pem);
  while (X509* certificate = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)) certificates.emplace_back(certificate);
  ERR_clear_error();  // the end of the text reads as an error
  return certificates;
}

PrivateKey pem_private_key(const std::string& pem) {
  Bio in = memory_bio(pem);
  PrivateKey key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return key;
}

std::string take_openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

TlsIdentity make_tls_identity(const std::vector<std::string>& names, const TlsIdentity* signer) {
  if (names.empty()) throw InputError("a certificate needs at least one host name or address");
  std::string alt_names;
  for (const std::string& name : names) {
    const bool ip = is_ip_literal(name);
    if (!ip && !is_host_name(name))
      throw InputError("'" + name + "' is neither a host name (letters, digits, '-', '.', an optional leading '*.') nor an IP address");
    alt_names += (alt_names.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + name;
  }

  Key ca_key;
  Certificate ca;
  if (signer) {
    if (signer->ca_key_pem.empty()) throw InputError("a CA read from files cannot sign new certificates here");
    ca_key = pem_private_key(signer->ca_key_pem);
    std::vector<Certificate> authorities = pem_certificates(signer->ca_pem);
    if (!authorities.empty()) ca = std::move(authorities.front());
    if (!ca_key || !ca) fail("the signing CA");
  } else {
    ca_key = make_key();
    // A name of its own per run: two runs' CAs are never mistaken for each other.
    ca = new_certificate(ca_key.get(), "discord-oauth-mock run CA " + secure_hex(4), nullptr);
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    sign(ca.get(), ca_key.get());
  }

  Key key = make_key();
  Certificate leaf = new_certificate(key.get(), names.front(), X509_get_subject_name(ca.get()));
  add_extension(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(leaf.get(), ca.get(), NID_subject_alt_name, alt_names);
  add_extension(leaf.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_extension(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  sign(leaf.get(), ca_key.get());

  return {to_pem(ca.get()), to_pem(leaf.get()), to_pem(key.get()), to_pem(ca_key.get())};
}

std::vector<std::string> loopback_names() { return {"127.0.0.1", "localhost", "::1"}; }

TlsIdentity load_tls_identity(const std::string& cert_path, const std::string& key_path, const std::string& ca_path) {
  TlsIdentity identity{read_pem_file(ca_path, "CA certificate"), read_pem_file(cert_path, "certificate"),
                       read_pem_file(key_path, "private key"), ""};
  Certificates chain = certificate_stack(pem_certificates(identity.cert_pem));
  if (sk_X509_num(chain.get()) == 0) throw InputError(cert_path + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  std::vector<Certificate> authorities = pem_certificates(identity.ca_pem);
  if (authorities.empty()) throw InputError(ca_path + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  Key key = pem_private_key(identity.key_pem);
  if (!key) throw InputError(key_path + ": no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----) in it");
  X509* leaf = sk_X509_value(chain.get(), 0);
  if (X509_check_private_key(leaf, key.get()) != 1) {
    ERR_clear_error();
    throw InputError(key_path + ": this key does not belong to the certificate in " + cert_path);
  }
  // The CA must really sign the certificate: a mismatch would only show as
  // every client's handshake failing.
  Store store(X509_STORE_new());
  for (const Certificate& authority : authorities) X509_STORE_add_cert(store.get(), authority.get());
  StoreContext context(X509_STORE_CTX_new());
  if (!store || !context || X509_STORE_CTX_init(context.get(), store.get(), leaf, chain.get()) != 1) fail("a verification context");
  if (X509_verify_cert(context.get()) != 1)
    throw InputError(cert_path + ": the certificate does not verify against the CA in " + ca_path + ": " +
                     X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get())));
  return identity;
}

std::vector<std::string> certificate_names(const std::string& cert_pem) {
  std::vector<std::string> names;
  std::vector<Certificate> certificates = pem_certificates(cert_pem);
  if (certificates.empty()) return names;
  Owned<GENERAL_NAMES, free_general_names> alt_names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificates.front().get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; alt_names && i < sk_GENERAL_NAME_num(alt_names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(alt_names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* text = name->d.dNSName;
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)), static_cast<std::size_t>(ASN1_STRING_length(text)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* address = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = "";
      int length = ASN1_STRING_length(address);
      if (length == 4 || length == 16)
        ::inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(address), text, sizeof text);
      names.emplace_back(text);
    }
  }
  return names;
}

std::string java_truststore(const std::string& ca_pem, const std::string& alias) {
  std::vector<Certificate> certificates = pem_certificates(ca_pem);
  if (certificates.empty()) throw InputError("the CA is not a PEM certificate");
  std::string der;
  {
    unsigned char* bytes = nullptr;
    int length = i2d_X509(certificates.front().get(), &bytes);
    if (length <= 0) fail("DER of the CA");
    der.assign(reinterpret_cast<char*>(bytes), static_cast<std::size_t>(length));
    OPENSSL_free(bytes);
  }
  // The JKS layout (sun.security.provider.JavaKeyStore): big-endian
  // numbers, modified-UTF-8 strings with a 2-byte length, then a SHA-1
  // over the password (UTF-16BE), "Mighty Aphrodite" and everything before.
  std::string out;
  auto u16 = [&](std::uint32_t value) {
    out += static_cast<char>((value >> 8) & 0xff);
    out += static_cast<char>(value & 0xff);
  };
  auto u32 = [&](std::uint32_t value) {
    u16(value >> 16);
    u16(value & 0xffff);
  };
  auto utf = [&](const std::string& text) {
    u16(static_cast<std::uint32_t>(text.size()));
    out += text;
  };
  u32(0xFEEDFEED);
  u32(2);  // version
  u32(1);  // entries
  u32(2);  // a trusted certificate entry
  utf(alias);
  const auto now_ms = static_cast<std::uint64_t>(std::time(nullptr)) * 1000;
  u32(static_cast<std::uint32_t>(now_ms >> 32));
  u32(static_cast<std::uint32_t>(now_ms & 0xffffffff));
  utf("X.509");
  u32(static_cast<std::uint32_t>(der.size()));
  out += der;

  const std::string password = "changeit";
  std::string keyed;
  for (char c : password) {
    keyed += '\0';
    keyed += c;
  }
  keyed += "Mighty Aphrodite";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  Owned<EVP_MD_CTX, EVP_MD_CTX_free> hash(EVP_MD_CTX_new());
  if (!hash || EVP_DigestInit_ex(hash.get(), EVP_sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(hash.get(), keyed.data(), keyed.size()) != 1 ||
      EVP_DigestUpdate(hash.get(), out.data(), out.size()) != 1 ||
      EVP_DigestFinal_ex(hash.get(), digest, &digest_length) != 1)
    fail("the truststore's digest");
  out.append(reinterpret_cast<char*>(digest), digest_length);
  return out;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw SystemError(path + ": cannot write the file");
}

}  // namespace support
