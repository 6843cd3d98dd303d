// Finds the forms of an HTML page the way a browser would submit them: the
// action, the method, the fields it sends and the buttons that submit it.
// A small tolerant tag scanner, not an HTML parser: it reads attributes in
// any quoting, decodes character references (&amp;, &#39;, &#x27;) in
// values, and skips comments, <script> and <style>. Pure functions, so a
// fuzzer can call them directly.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace harness {

struct FormField {
  std::string name;
  std::string value;
};

struct SubmitButton {
  std::string name;   // may be empty: the button submits no pair
  std::string value;
  std::string label;  // the visible text, for reports
};

struct HtmlForm {
  std::string id;
  std::string action;        // as written (entity-decoded); "" means the page's own URL
  std::string method = "GET";  // upper case: GET or POST
  std::vector<FormField> fields;  // what a submission sends besides the button, in page order
  std::vector<SubmitButton> buttons;

  const SubmitButton* button(const std::string& name, const std::string& value) const;
};

std::vector<HtmlForm> find_forms(const std::string& html);
std::optional<HtmlForm> find_form(const std::string& html, const std::string& id);

// Decodes named (the common ones), decimal and hex character references;
// anything unknown is left as written.
std::string decode_html_entities(const std::string& text);

}  // namespace harness
