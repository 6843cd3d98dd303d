// What both kinds of app under test share: output buffering.
#include "harness/app_under_test.hpp"

namespace harness {

std::string AppUnderTest::output_tail(std::size_t max_lines) const { return last_lines(output(), max_lines); }

void OutputBuffer::append(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  buffer_ += text;
  if (buffer_.size() > 2 * limit_) buffer_.erase(0, buffer_.size() - limit_);
}

std::string OutputBuffer::text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (buffer_.size() <= limit_) return buffer_;
  std::string kept = buffer_.substr(buffer_.size() - limit_);
  std::size_t newline = kept.find('\n');
  return newline == std::string::npos ? kept : kept.substr(newline + 1);  // start at a whole line
}

std::string last_lines(const std::string& text, std::size_t max_lines) {
  if (max_lines == 0) return "";
  std::size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // a final newline ends the last line, it starts none
  std::size_t pos = end;
  for (std::size_t lines = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) break;
  }
  return text.substr(pos);
}

}  // namespace harness
