// mock_discord: the standalone fake Discord. A thin shell around
// mock_discord::Server: read the options and the config, make or read the
// https certificate, start, print the URL (and the CA when asked), wait for
// SIGINT or SIGTERM, stop.
#include <algorithm>
#include <iostream>
#include <optional>
#include <vector>

#include <CLI/CLI.hpp>

#include "mock_discord/placeholders.hpp"
#include "mock_discord/failures.hpp"
#include "mock_discord/server.hpp"
#include "mock_discord/world.hpp"
#include "support/errors.hpp"
#include "support/signals.hpp"
#include "support/tls_identity.hpp"

namespace {

struct TlsFlags {
  bool on = false;
  std::vector<std::string> names;
  std::string cert, key, ca;
  std::string ca_out;
  std::string truststore_out;
  bool print_ca = false;
};

// The certificate the flags ask for: the files given, or one made now for
// the mock's own names and --tls-name.
std::optional<support::TlsIdentity> tls_identity(const TlsFlags& flags, const std::string& host) {
  const bool files = !flags.cert.empty() || !flags.key.empty() || !flags.ca.empty();
  if (!flags.on && !files) {
    if (!flags.names.empty()) throw support::UsageError("--tls-name needs --tls");
    if (flags.print_ca || !flags.ca_out.empty() || !flags.truststore_out.empty())
      throw support::UsageError("--print-ca, --ca-out and --truststore-out need --tls");
    return std::nullopt;
  }
  if (files) {
    if (flags.cert.empty() || flags.key.empty() || flags.ca.empty())
      throw support::UsageError("--tls-cert, --tls-key and --tls-ca go together: the certificate, its key and the CA that signed it");
    if (!flags.names.empty()) throw support::UsageError("--tls-name only names a certificate the mock makes, not one given by --tls-cert");
    return support::load_tls_identity(flags.cert, flags.key, flags.ca);
  }
  std::vector<std::string> names = support::loopback_names();
  if (host != "0.0.0.0" && host != "::" && !host.empty()) names.push_back(host);
  names.insert(names.end(), flags.names.begin(), flags.names.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return support::make_tls_identity(names);
}

int run(int argc, char** argv) {
  CLI::App app{"mock_discord: an offline Discord OAuth2 server (docs/mock_discord.md)"};
  app.set_version_flag("--version", std::string("mock_discord ") + PROJECT_VERSION);
  std::string config_path;
  mock_discord::ServerOptions options;
  std::optional<std::uint64_t> seed;
  std::string app_url = "http://127.0.0.1:5000";
  app.add_option("--config", config_path, "the world: the discord: section of a scenario (default: the spec's defaults)");
  app.add_option("--host", options.host, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "port to listen on; 0 picks a free one")->capture_default_str();
  app.add_option("--seed", seed, "seed of codes, tokens and ids (overrides the config's)");
  app.add_option("--admin-token", options.admin_token,
                 "require 'Authorization: Bearer TOKEN' on /_mock/ (default: loopback callers only)");
  app.add_option("--app-url", app_url, "the value of ${app}: the default redirect URI is ${app}/callback")
      ->capture_default_str();
  TlsFlags tls;
  app.add_flag("--tls", tls.on,
               "serve https with a certificate made now for localhost, 127.0.0.1, ::1, --host and --tls-name, "
               "signed by a CA made for this run (see --print-ca, --ca-out)");
  app.add_option("--tls-name", tls.names, "another name or address the made certificate carries (repeatable)");
  app.add_option("--tls-cert", tls.cert, "serve https with this PEM certificate (chain) instead (with --tls-key, --tls-ca)");
  app.add_option("--tls-key", tls.key, "the PEM private key of --tls-cert");
  app.add_option("--tls-ca", tls.ca, "the PEM CA certificate that signed --tls-cert");
  app.add_option("--ca-out", tls.ca_out, "write the CA certificate (PEM) to this file, for clients to trust");
  app.add_option("--truststore-out", tls.truststore_out,
                 "write a Java truststore (JKS, password changeit) holding the CA to this file");
  app.add_flag("--print-ca", tls.print_ca, "print the CA certificate (PEM) before the listening line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(support::ExitCode::invalid_input);
  }
  if (options.port < 0 || options.port > 65535) throw support::UsageError("--port must be between 0 and 65535");

  mock_discord::Config config = config_path.empty()
                                    ? mock_discord::Config::defaults(app_url)
                                    : mock_discord::load_config_file(config_path,
                                                                     mock_discord::table_resolver({{"app", app_url}}),
                                                                     app_url);
  if (seed) config.seed = *seed;
  options.tls = tls_identity(tls, options.host);
  if (!tls.ca_out.empty()) support::write_text_file(tls.ca_out, options.tls->ca_pem);
  if (!tls.truststore_out.empty()) support::write_text_file(tls.truststore_out, support::java_truststore(options.tls->ca_pem));

  support::StopSignals stop_signals;  // before any thread exists

  mock_discord::Server server(config, options);
  server.failures().set_clock([&server] { return server.world().now_ms(); });  // 429 holds follow /_mock/clock
  server.start();
  if (tls.print_ca) std::cout << server.ca_pem();
  std::cout << "mock_discord listening on " << server.url() << std::endl;
  stop_signals.wait();
  server.stop();
  std::cout << "mock_discord stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const support::Error& error) {
    std::cerr << error.what() << std::endl;
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    std::cerr << "mock_discord: " << error.what() << std::endl;
    return static_cast<int>(support::ExitCode::system);
  }
}
