// Formats user-facing errors that point into a source file, ninja-style:
//   file:14:7: message
//      14 |       expct:
//         |       ^
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace support {

// The text of one input file, kept so that errors can quote its lines.
class SourceText {
 public:
  SourceText(std::string path, std::string text);
  // Reads a file; throws InputError naming the path when it cannot.
  static std::shared_ptr<const SourceText> read_file(const std::string& path);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based; an empty string past the end.
  std::string line(int line_number) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

// line and column are 1-based; column 0 means "no column".
std::string format_diagnostic(const SourceText& source, int line, int column,
                              const std::string& message);

}  // namespace support
