// What a report may show of one request and its answer: the text behind each
// arrow of the HTML report's diagrams. Secrets are redacted (codes, tokens,
// client secrets in queries, forms and JSON; Authorization; cookie values)
// and every part is bounded, so a huge or hostile answer never bloats a
// report.
#pragma once

#include <string>

#include "harness/http_exchange.hpp"

namespace harness {

// "[redacted]" in place of each secret of a query, form or JSON body; other
// text is kept as it is.
std::string redact_url(const std::string& url);
std::string redact_body(const std::string& body);

// "POST https://app/callback?code=[redacted]\nContent-Type: ...\n\nbody"
std::string request_detail(const std::string& method, const std::string& url, const HttpHeaders& headers,
                           const std::string& body);
// "302\nLocation: ...\n\nbody"
std::string answer_detail(int status, const HttpHeaders& headers, const std::string& body);

}  // namespace harness
