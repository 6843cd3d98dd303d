// Source excerpts with a caret for InputError messages.
#include "support/diagnostic.hpp"

#include <fstream>
#include <sstream>

#include "support/errors.hpp"
#include "support/utf8.hpp"

namespace support {

SourceText::SourceText(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::shared_ptr<const SourceText> SourceText::read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read file");
  std::ostringstream content;
  content << in.rdbuf();
  return std::make_shared<SourceText>(path, content.str());
}

std::string SourceText::line(int line_number) const {
  if (line_number < 1 || static_cast<std::size_t>(line_number) > line_starts_.size()) return "";
  std::size_t begin = line_starts_[line_number - 1];
  std::size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  std::string result = text_.substr(begin, end - begin);
  if (!result.empty() && result.back() == '\r') result.pop_back();
  return result;
}

std::string format_diagnostic(const SourceText& source, int line, int column,
                              const std::string& message) {
  std::ostringstream out;
  out << source.path() << ':' << line;
  if (column > 0) out << ':' << column;
  out << ": " << message;
  // The quoted line may hold the very bytes the error is about (a binary
  // file): replaced, so that the message itself is valid UTF-8 (JSON, XML).
  const std::string text = to_valid_utf8(source.line(line));
  if (line >= 1 && !(text.empty() && column <= 0)) {
    const std::string number = std::to_string(line);
    const std::string gutter(number.size(), ' ');
    out << "\n   " << number << " | " << text;
    if (column > 0) {
      std::string pad;
      // Keep tabs so the caret lines up under the same column.
      for (int i = 0; i < column - 1 && i < static_cast<int>(text.size()); ++i)
        pad += text[i] == '\t' ? '\t' : ' ';
      out << "\n   " << gutter << " | " << pad << '^';
    }
  }
  return out.str();
}

}  // namespace support
