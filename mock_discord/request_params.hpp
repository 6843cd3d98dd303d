// Strict reading of query strings and form bodies for the Discord handlers:
// broken percent-encoding, invalid UTF-8 and repeated parameters are errors
// with a description the client can act on, never guesses.
#pragma once

#include <string>

#include "support/url.hpp"
#include "support/utf8.hpp"

namespace httplib {
struct Request;
}  // namespace httplib

namespace mock_discord {

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
