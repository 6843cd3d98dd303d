// The request journal: redaction of secrets, a bounded history and
// per-endpoint counts (see journal.hpp).
#include "mock_discord/journal.hpp"

#include <sstream>

#include "support/utf8.hpp"

namespace mock_discord {
namespace {

constexpr std::size_t value_limit = 2048;

std::string kept(const std::string& text) { return support::bounded_utf8(text, value_limit); }

void keep(support::Params& params) {
  for (auto& [name, value] : params) {
    name = kept(name);
    value = kept(value);
  }
}

std::size_t size_of(const JournalEntry& entry) {
  std::size_t size = sizeof entry + entry.method.size() + entry.path.size() + entry.endpoint.size() + entry.rule.size();
  for (const auto* params : {&entry.query, &entry.form})
    for (const auto& [name, value] : *params) size += sizeof(std::pair<std::string, std::string>) + name.size() + value.size();
  return size;
}

nlohmann::json params_json(const support::Params& params) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, value] : params) list.push_back({name, value});
  return list;
}

}  // namespace

bool is_secret_name(const std::string& name) {
  static const char* const secrets[] = {"client_secret", "code",         "code_verifier",
                                        "token",         "refresh_token", "access_token"};
  for (const char* secret : secrets)
    if (name == secret) return true;
  return false;
}

support::Params redact(const support::Params& params) {
  support::Params result = params;
  for (auto& [name, value] : result)
    if (is_secret_name(name)) value = "[redacted]";
  return result;
}

nlohmann::json JournalEntry::to_json() const {
  return {{"sequence", sequence},   {"method", method},   {"path", path},
          {"query", params_json(query)}, {"form", params_json(form)}, {"endpoint", endpoint},
          {"status", status},       {"latency_ms", latency_ms}, {"rule", rule},
          {"virtual_time_ms", virtual_time_ms}};
}

std::string JournalEntry::to_line() const {
  std::ostringstream out;
  out << method << ' ' << path << ' ' << status << " (" << endpoint << ")";
  for (const auto* params : {&query, &form})
    for (const auto& [name, value] : *params) out << ' ' << name << '=' << value;
  if (!rule.empty()) out << " [rule: " << rule << "]";
  return out.str();
}

std::uint64_t Journal::open(JournalEntry entry) {
  entry.query = redact(entry.query);
  entry.form = redact(entry.form);
  keep(entry.query);
  keep(entry.form);
  entry.method = kept(entry.method);
  entry.path = kept(entry.path);
  entry.rule = kept(entry.rule);
  std::lock_guard<std::mutex> lock(mutex_);
  entry.sequence = next_sequence_++;
  ++counts_[entry.endpoint];
  bytes_ += size_of(entry);
  entries_.push_back(std::move(entry));
  while (entries_.size() > 1 && (entries_.size() > capacity_ || bytes_ > byte_capacity_)) {
    bytes_ -= size_of(entries_.front());
    entries_.pop_front();
  }
  return entries_.back().sequence;
}

void Journal::close(std::uint64_t sequence, int status, double latency_ms, std::int64_t virtual_time_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Sequences are consecutive in the deque; an entry already dropped by the
  // bound (or a clear()) has nothing left to update.
  if (entries_.empty() || sequence < entries_.front().sequence || sequence > entries_.back().sequence) return;
  JournalEntry& entry = entries_[static_cast<std::size_t>(sequence - entries_.front().sequence)];
  entry.status = status;
  entry.latency_ms = latency_ms;
  entry.virtual_time_ms = virtual_time_ms;
}

void Journal::record(JournalEntry entry) {
  const int status = entry.status;
  const double latency = entry.latency_ms;
  const std::int64_t time = entry.virtual_time_ms;
  close(open(std::move(entry)), status, latency, time);
}

std::vector<JournalEntry> Journal::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {entries_.begin(), entries_.end()};
}

std::vector<JournalEntry> Journal::last(std::size_t count) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t skip = entries_.size() > count ? entries_.size() - count : 0;
  return {entries_.begin() + static_cast<std::ptrdiff_t>(skip), entries_.end()};
}

std::map<std::string, int> Journal::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_;
}

void Journal::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  counts_.clear();
  bytes_ = 0;
}

}  // namespace mock_discord
