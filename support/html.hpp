// Escaping text for HTML and XML (pages, consent screens, reports).
#pragma once

#include <string>

namespace support {

// & < > " ' become entities: safe in element text and in quoted attributes.
std::string html_escape(const std::string& text);

}  // namespace support
