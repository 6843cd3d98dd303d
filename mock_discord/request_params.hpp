// Strict reading of query strings and form bodies for the Discord handlers:
// broken percent-encoding, invalid UTF-8 and repeated parameters are errors
// with a description the client can act on, never guesses. Also how every
// handler that takes a body gets all of it.
#pragma once

#include <functional>
#include <string>

#include "support/url.hpp"
#include "support/utf8.hpp"

namespace httplib {
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace mock_discord {

using HttpHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
using BodyReadingHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const httplib::ContentReader&)>;

// `handler`, installed so that it reads the body itself (Server::Post and the
// like take this form). When cpp-httplib reads a body for a plain handler,
// it refuses forms over 8 KiB with 413, a limit compiled into Debian's library
// (CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH); the front door already
// caps bodies at 1 MiB, the mock's one limit. `handler` finds the whole body
// in Request::body whatever its type (multipart parts, which no route takes,
// are dropped). A body that cannot be read is answered with cpp-httplib's
// status (400, 413, 415) and no body, which the error handler renders.
BodyReadingHandler reading_whole_body(HttpHandler handler);

struct StrictParams {
  support::Params params;
  std::string error;  // empty when the text was well formed

  bool ok() const { return error.empty(); }
  // The value of `name`, or "" when absent.
  std::string get(const std::string& name) const;
  bool has(const std::string& name) const;
};

// `where` names the text in errors: "query string", "request body".
StrictParams parse_strict(const std::string& text, const std::string& where);
// The raw query of the request target (cpp-httplib decodes leniently).
StrictParams query_params(const httplib::Request& request);
// The body, when the request says it is application/x-www-form-urlencoded.
bool is_form_body(const httplib::Request& request);
StrictParams form_params(const httplib::Request& request);

using support::valid_utf8;

}  // namespace mock_discord
