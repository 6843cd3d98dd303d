// The ${...} placeholder grammar, shared by scenario files (the harness)
// and the mock's own config files, so both read `${`, `$${` and names alike.
// Pure functions: the caller supplies the values through a Lookup, so
// fuzzers and tests can call them directly.
//
// Grammar: `${NAME}` where NAME is one or more of [A-Za-z0-9_.-]; `$${` is a
// literal `${`; a `$` not followed by `{` is literal. An unterminated `${`,
// an empty or malformed NAME, and a name the lookup does not know are errors.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace support {

// A malformed or unknown placeholder. It derives from std::invalid_argument
// because that is what mock_discord's Resolver contract throws; `offset` is
// where the `${` starts in the text, so a loader can point a caret at it.
class PlaceholderError : public std::invalid_argument {
 public:
  PlaceholderError(const std::string& message, std::size_t offset)
      : std::invalid_argument(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// The value of a placeholder name ("discord", "last.code", "user.nelly.id"),
// or nullopt when the name is unknown. A lookup may also throw
// PlaceholderError itself to say something more precise (a suggestion, or
// "known, but no code has been issued yet"); its offset is then replaced by
// the placeholder's.
using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

struct PlaceholderUse {
  std::string name;
  std::size_t offset = 0;  // of the `${`
  std::size_t length = 0;  // of the whole `${NAME}`
};

// Every placeholder in `text`, in order; throws PlaceholderError on bad syntax.
std::vector<PlaceholderUse> find_placeholders(const std::string& text);

// `text` with every placeholder replaced by its value and `$${` by `${`.
std::string expand(const std::string& text, const Lookup& lookup);

// The same for a regular expression: values are escaped so that they match
// literally (a URL's `.` and `?` must not act as regex operators).
std::string expand_in_regex(const std::string& pattern, const Lookup& lookup);

}  // namespace support
