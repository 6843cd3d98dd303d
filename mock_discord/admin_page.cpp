// GET /_mock/ as HTML (see admin_page.hpp). Every value is escaped; client
// secrets, codes and tokens never appear (state_json redacts the live ones,
// and the config's secrets are not rendered).
#include "mock_discord/admin_page.hpp"

#include <sstream>

#include "support/html.hpp"

namespace mock_discord {
namespace {

using support::html_escape;

const char* const admin_style = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#1e1f22;color:#dbdee1}
header{background:#2b2d31;padding:14px 24px;border-bottom:1px solid #3f4147}
header h1{margin:0;font-size:20px;color:#f2f3f5}header p{margin:4px 0 0;color:#949ba4}
main{padding:8px 24px 32px;max-width:1400px}
section{background:#313338;border-radius:8px;padding:8px 16px 12px;margin:16px 0}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.02em;color:#b5bac1;margin:8px 0}
h2 .n{background:#5865f2;color:#fff;border-radius:8px;padding:0 7px;margin-left:6px;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #3f4147;vertical-align:top;word-break:break-word}
th{color:#949ba4;font-weight:600;white-space:nowrap}
td.num{text-align:right}
.empty{color:#80848e;font-style:italic}
.bad{color:#f23f43}.ok{color:#23a55a}
code{font-family:ui-monospace,monospace;font-size:12px}
)css";

std::string cell(const nlohmann::json& value) {
  if (value.is_string()) return html_escape(value.get<std::string>());
  if (value.is_null()) return "";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) out += (out.empty() ? "" : " ") + cell(item);
    return out;
  }
  return html_escape(value.dump());
}

// A table of a JSON array of objects: the first object's keys are the columns.
void json_table(std::ostringstream& html, const char* id, const char* title, const nlohmann::json& items) {
  html << "<section id=\"" << id << "\"><h2>" << title << "<span class=\"n\">" << items.size() << "</span></h2>";
  if (items.empty() || !items.front().is_object()) {
    html << "<p class=\"empty\">none</p></section>\n";
    return;
  }
  std::vector<std::string> columns;
  for (const auto& [key, value] : items.front().items()) columns.push_back(key);
  html << "<table><thead><tr>";
  for (const auto& column : columns) html << "<th>" << html_escape(column) << "</th>";
  html << "</tr></thead><tbody>\n";
  for (const auto& item : items) {
    html << "<tr>";
    for (const auto& column : columns) html << "<td>" << (item.contains(column) ? cell(item[column]) : "") << "</td>";
    html << "</tr>\n";
  }
  html << "</tbody></table></section>\n";
}

void applications(std::ostringstream& html, const Config& config) {
  html << "<section id=\"applications\"><h2>applications<span class=\"n\">" << config.applications.size()
       << "</span></h2><table><thead><tr><th>client id</th><th>name</th><th>redirect URIs</th><th>client</th>"
          "<th>secret</th></tr></thead><tbody>\n";
  for (const auto& app : config.applications) {
    html << "<tr><td><code>" << html_escape(app.id) << "</code></td><td>" << html_escape(app.name) << "</td><td>";
    for (const auto& uri : app.redirect_uris) html << "<code>" << html_escape(uri) << "</code><br>";
    html << "</td><td>" << (app.is_public ? "public (PKCE)" : "confidential") << "</td><td>[redacted]</td></tr>\n";
  }
  html << "</tbody></table></section>\n";
}

void users(std::ostringstream& html, const Config& config, const std::string& signed_in) {
  html << "<section id=\"users\"><h2>users<span class=\"n\">" << config.users.size()
       << "</span></h2><table><thead><tr><th>id</th><th>username</th><th>global name</th><th>email</th>"
          "<th>guilds</th><th>signed in</th></tr></thead><tbody>\n";
  for (const auto& user : config.users)
    html << "<tr><td><code>" << html_escape(user.id) << "</code></td><td>" << html_escape(user.username)
         << "</td><td>" << html_escape(user.global_name.value_or("")) << "</td><td>"
         << html_escape(user.email.value_or("")) << "</td><td class=\"num\">" << user.guilds.size() << "</td><td>"
         << (user.username == signed_in || user.id == signed_in ? "<span class=\"ok\">yes</span>" : "")
         << "</td></tr>\n";
  html << "</tbody></table></section>\n";
}

void journal_table(std::ostringstream& html, const std::vector<JournalEntry>& journal) {
  html << "<section id=\"journal\"><h2>journal, newest first<span class=\"n\">" << journal.size()
       << "</span></h2>";
  if (journal.empty()) {
    html << "<p class=\"empty\">no requests yet</p></section>\n";
    return;
  }
  html << "<table><thead><tr><th>#</th><th>request</th><th>status</th><th>endpoint</th><th>ms</th><th>rule</th>"
          "</tr></thead><tbody>\n";
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    std::string params;
    for (const auto* list : {&it->query, &it->form})
      for (const auto& [name, value] : *list) params += (params.empty() ? "" : " ") + name + "=" + value;
    html << "<tr data-endpoint=\"" << html_escape(it->endpoint) << "\"><td class=\"num\">" << it->sequence
         << "</td><td><code>" << html_escape(it->method + " " + it->path) << "</code><br><code>" << html_escape(params)
         << "</code></td><td class=\"" << (it->status == 0 || it->status >= 400 ? "bad" : "ok") << "\">"
         << (it->status == 0 ? std::string("none") : std::to_string(it->status)) << "</td><td>"
         << html_escape(it->endpoint) << "</td><td class=\"num\">" << static_cast<long long>(it->latency_ms)
         << "</td><td>" << html_escape(it->rule) << "</td></tr>\n";
  }
  html << "</tbody></table></section>\n";
}

}  // namespace

std::string admin_page_html(const std::string& mock_url, const Config& config, const nlohmann::json& state,
                            const std::vector<JournalEntry>& journal) {
  std::ostringstream html;
  const std::string signed_in = state.value("signed_in", std::string());
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mock_discord</title><style>"
       << admin_style << "</style></head><body data-mock-discord=\"admin\">\n<header><h1>mock_discord at "
       << html_escape(mock_url) << "</h1><p>signed in to Discord: <b id=\"signed-in\">"
       << (signed_in.empty() ? "nobody" : html_escape(signed_in)) << "</b> · virtual clock "
       << state.value("now_ms", std::int64_t{0}) << " ms · codes redeemed " << state.value("codes_redeemed", 0)
       << " · active tokens " << state.value("active_tokens", 0)
       << " · <a href=\"/_mock/\" style=\"color:#00a8fc\">refresh</a></p></header>\n<main>\n";
  applications(html, config);
  users(html, config, signed_in);
  const nlohmann::json none = nlohmann::json::array();
  json_table(html, "codes", "live codes", state.value("codes", none));
  json_table(html, "access-tokens", "access tokens", state.value("access_tokens", none));
  json_table(html, "refresh-tokens", "refresh tokens", state.value("refresh_tokens", none));
  json_table(html, "grants", "grants", state.value("grants", none));
  json_table(html, "failure-rules", "failure rules", state.value("failures", none));
  journal_table(html, journal);
  html << "</main></body></html>\n";
  return html.str();
}

}  // namespace mock_discord
