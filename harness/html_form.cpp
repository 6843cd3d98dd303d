// A tolerant scan of the tags that make up forms: <form>, <input>,
// <button>, <textarea>. <select> is not supported (no page under test has
// needed one); controls outside their form (form="id") are not either.
#include "harness/html_form.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "support/text.hpp"

namespace harness {

namespace {

using support::text::lower;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Case-insensitive search for `needle` (lower case) from `from`.
std::size_t find_ci(const std::string& haystack, const std::string& needle, std::size_t from) {
  auto it = std::search(haystack.begin() + static_cast<std::ptrdiff_t>(std::min(from, haystack.size())),
                        haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it == haystack.end() ? std::string::npos : static_cast<std::size_t>(it - haystack.begin());
}

void append_utf8(std::string& out, unsigned long code_point) {
  if (code_point == 0 || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
    code_point = 0xFFFD;
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

struct Tag {
  std::string name;  // lower case
  bool closing = false;
  std::vector<std::pair<std::string, std::string>> attributes;  // names lower case, values decoded
  std::size_t end = 0;  // just past '>'

  std::optional<std::string> attribute(const std::string& attribute_name) const {
    for (const auto& [key, value] : attributes)
      if (key == attribute_name) return value;
    return std::nullopt;
  }
  std::string attribute_or(const std::string& attribute_name, const std::string& fallback) const {
    return attribute(attribute_name).value_or(fallback);
  }
};

// Reads the tag that starts at html[pos] == '<' (a letter or '/' follows).
Tag read_tag(const std::string& html, std::size_t pos) {
  Tag tag;
  ++pos;
  if (pos < html.size() && html[pos] == '/') {
    tag.closing = true;
    ++pos;
  }
  while (pos < html.size() && (std::isalnum(static_cast<unsigned char>(html[pos])) || html[pos] == '-'))
    tag.name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[pos++])));
  while (pos < html.size() && html[pos] != '>') {
    if (is_space(html[pos]) || html[pos] == '/') {
      ++pos;
      continue;
    }
    std::string name;
    while (pos < html.size() && !is_space(html[pos]) && html[pos] != '=' && html[pos] != '>' && html[pos] != '/')
      name += html[pos++];
    while (pos < html.size() && is_space(html[pos])) ++pos;
    std::string value;
    if (pos < html.size() && html[pos] == '=') {
      ++pos;
      while (pos < html.size() && is_space(html[pos])) ++pos;
      if (pos < html.size() && (html[pos] == '"' || html[pos] == '\'')) {
        char quote = html[pos++];
        std::size_t close = html.find(quote, pos);
        if (close == std::string::npos) close = html.size();
        value = html.substr(pos, close - pos);
        pos = std::min(close + 1, html.size());
      } else {
        while (pos < html.size() && !is_space(html[pos]) && html[pos] != '>') value += html[pos++];
      }
    }
    if (!name.empty()) tag.attributes.emplace_back(lower(name), decode_html_entities(value));
  }
  tag.end = std::min(pos + 1, html.size());
  return tag;
}

// The text up to </name> (from `from`), and where scanning resumes.
std::pair<std::string, std::size_t> raw_text_until_close(const std::string& html, std::size_t from,
                                                          const std::string& name) {
  std::size_t close = find_ci(html, "</" + name, from);
  if (close == std::string::npos) return {html.substr(from), html.size()};
  std::size_t after = html.find('>', close);
  return {html.substr(from, close - from), after == std::string::npos ? html.size() : after + 1};
}

// Visible text of an element's inner HTML: tags dropped, spaces collapsed.
std::string element_text(const std::string& inner_html) {
  std::string text;
  bool in_tag = false;
  for (char c : inner_html) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    else if (!in_tag) text += c;
  }
  text = decode_html_entities(text);
  std::string collapsed;
  for (char c : text) {
    if (is_space(c)) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

void add_input(HtmlForm& form, const Tag& tag) {
  if (tag.attribute("disabled")) return;
  std::string type = lower(tag.attribute_or("type", "text"));
  std::string name = tag.attribute_or("name", "");
  if (type == "submit" || type == "image") {
    std::string value = tag.attribute_or("value", "");
    form.buttons.push_back({name, value, value.empty() ? "Submit" : value});
    return;
  }
  if (type == "button" || type == "reset" || type == "file" || name.empty()) return;
  if ((type == "checkbox" || type == "radio") && !tag.attribute("checked")) return;
  std::string fallback = type == "checkbox" || type == "radio" ? "on" : "";
  form.fields.push_back({name, tag.attribute_or("value", fallback)});
}

}  // namespace

const SubmitButton* HtmlForm::button(const std::string& name, const std::string& value) const {
  for (const SubmitButton& candidate : buttons)
    if (candidate.name == name && candidate.value == value) return &candidate;
  return nullptr;
}

std::string decode_html_entities(const std::string& text) {
  static const std::pair<const char*, const char*> named[] = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string::npos;
    if (semicolon == std::string::npos || semicolon - i > 32) {
      out += text[i];
      continue;
    }
    std::string reference = text.substr(i + 1, semicolon - i - 1);
    bool decoded = false;
    if (reference.size() > 1 && reference[0] == '#') {
      bool hex = reference[1] == 'x' || reference[1] == 'X';
      std::string digits = reference.substr(hex ? 2 : 1);
      bool valid = !digits.empty() && std::all_of(digits.begin(), digits.end(), [&](unsigned char c) {
        return hex ? std::isxdigit(c) : std::isdigit(c);
      });
      if (valid) {
        append_utf8(out, digits.size() > 8 ? 0x110000UL : std::stoul(digits, nullptr, hex ? 16 : 10));
        decoded = true;
      }
    } else {
      for (const auto& [name, replacement] : named) {
        if (reference == name) {
          out += replacement;
          decoded = true;
          break;
        }
      }
    }
    if (decoded) i = semicolon;
    else out += text[i];
  }
  return out;
}

std::vector<HtmlForm> find_forms(const std::string& html) {
  std::vector<HtmlForm> forms;
  HtmlForm* open_form = nullptr;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string::npos) {
    if (html.compare(pos, 4, "<!--") == 0) {
      std::size_t end = html.find("-->", pos + 4);
      pos = end == std::string::npos ? html.size() : end + 3;
      continue;
    }
    char next = pos + 1 < html.size() ? html[pos + 1] : '\0';
    if (next == '!' || next == '?') {
      std::size_t end = html.find('>', pos);
      pos = end == std::string::npos ? html.size() : end + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(next)) && next != '/') {
      ++pos;
      continue;
    }
    Tag tag = read_tag(html, pos);
    pos = tag.end;
    if (tag.closing) {
      if (tag.name == "form") open_form = nullptr;
      continue;
    }
    if (tag.name == "script" || tag.name == "style") {
      pos = raw_text_until_close(html, pos, tag.name).second;
    } else if (tag.name == "form") {
      HtmlForm form;
      form.id = tag.attribute_or("id", "");
      form.action = tag.attribute_or("action", "");
      form.method = lower(tag.attribute_or("method", "get")) == "post" ? "POST" : "GET";
      forms.push_back(std::move(form));
      open_form = &forms.back();
    } else if (open_form && tag.name == "input") {
      add_input(*open_form, tag);
    } else if (open_form && tag.name == "textarea") {
      auto [text, resume] = raw_text_until_close(html, pos, "textarea");
      pos = resume;
      std::string name = tag.attribute_or("name", "");
      if (!name.empty() && !tag.attribute("disabled"))
        open_form->fields.push_back({name, decode_html_entities(text)});
    } else if (open_form && tag.name == "button") {
      std::string type = lower(tag.attribute_or("type", "submit"));
      auto [inner, resume] = raw_text_until_close(html, pos, "button");
      pos = resume;
      if (type == "submit" && !tag.attribute("disabled"))
        open_form->buttons.push_back({tag.attribute_or("name", ""), tag.attribute_or("value", ""), element_text(inner)});
    }
  }
  return forms;
}

std::optional<HtmlForm> find_form(const std::string& html, const std::string& id) {
  for (HtmlForm& form : find_forms(html))
    if (form.id == id) return std::move(form);
  return std::nullopt;
}

}  // namespace harness
