// The mock's own page for people, GET /_mock/ (guarded like the rest of
// /_mock/): the applications and users of the loaded world, who is signed
// in, the live codes and tokens (secrets redacted), the failure rules and
// the journal's last entries, newest first. Self-contained HTML, no script.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_discord/config.hpp"
#include "mock_discord/journal.hpp"

namespace mock_discord {

// At most this many journal entries are shown (the newest).
constexpr std::size_t admin_page_journal_entries = 200;

// `state` is World::state_json() with "failures" added (what GET
// /_mock/state answers); `journal` the newest entries, oldest first.
std::string admin_page_html(const std::string& mock_url, const Config& config, const nlohmann::json& state,
                            const std::vector<JournalEntry>& journal);

}  // namespace mock_discord
