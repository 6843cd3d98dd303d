// The form extractor: the consent page contract, quoting, entities, and the
// parts of a page that must not be mistaken for forms.
#include "harness/html_form.hpp"

#include <catch2/catch.hpp>

#include "mock_discord/consent_form.hpp"

using namespace harness;
namespace consent = mock_discord::consent_form;

TEST_CASE("the consent page's form is found with its token and buttons") {
  const std::string html = R"(<!DOCTYPE html><html><body data-mock-discord="consent">
    <h1>Airhorn wants to access your account</h1>
    <FORM id="mock-discord-consent" method=post action='/oauth2/authorize/consent'>
      <input type="hidden" name="consent_token" value="tok&amp;en&#39;1">
      <button type="submit" name="decision" value="deny">Cancel</button>
      <button name=decision value=approve><span>Authorize</span></button>
    </FORM></body></html>)";
  auto form = find_form(html, consent::form_id);
  REQUIRE(form);
  CHECK(form->method == "POST");
  CHECK(form->action == consent::action_path);
  REQUIRE(form->fields.size() == 1);
  CHECK(form->fields[0].name == consent::token_field);
  CHECK(form->fields[0].value == "tok&en'1");
  REQUIRE(form->buttons.size() == 2);
  CHECK(form->buttons[1].label == "Authorize");
  REQUIRE(form->button(consent::decision_field, consent::approve));
  CHECK(form->button(consent::decision_field, consent::deny)->label == "Cancel");
  CHECK_FALSE(form->button(consent::decision_field, "maybe"));
}

TEST_CASE("only successful controls become fields") {
  const std::string html = R"(<form id=f>
    <input name=a value=1>
    <input type=text name="b" value='two words'>
    <input type=checkbox name=c>
    <input type=checkbox name=d checked>
    <input type=radio name=e value=x checked>
    <input type=hidden name=f value=6 disabled>
    <input type=button name=g value=7>
    <input value=no-name>
    <textarea name=t>line &lt;1&gt;</textarea>
    <input type=submit value="Go">
    <button type=button name=h>not a submit</button>
  </form>)";
  auto form = find_form(html, "f");
  REQUIRE(form);
  CHECK(form->method == "GET");
  CHECK(form->action.empty());
  std::vector<std::pair<std::string, std::string>> fields;
  for (const FormField& field : form->fields) fields.emplace_back(field.name, field.value);
  CHECK(fields == std::vector<std::pair<std::string, std::string>>{
                      {"a", "1"}, {"b", "two words"}, {"d", "on"}, {"e", "x"}, {"t", "line <1>"}});
  REQUIRE(form->buttons.size() == 1);
  CHECK(form->buttons[0].name.empty());
  CHECK(form->buttons[0].label == "Go");
}

TEST_CASE("comments, scripts and other forms are not confused with the form") {
  const std::string html = R"(
    <!-- <form id="x"><input name="commented" value="1"></form> -->
    <script>var s = "<form id='x'><input name='scripted'>";</script>
    <form id="other"><input name="o" value="1"></form>
    <form id="x" action="/go?a=1&amp;b=2"><input name="real" value="1"></form>)";
  auto form = find_form(html, "x");
  REQUIRE(form);
  CHECK(form->action == "/go?a=1&b=2");
  REQUIRE(form->fields.size() == 1);
  CHECK(form->fields[0].name == "real");
  CHECK(find_forms(html).size() == 2);
  CHECK_FALSE(find_form(html, "missing"));
  CHECK_FALSE(find_form("", "x"));
  CHECK(find_form("<form id=\"x\"", "x"));  // an unterminated tag still names its form
  for (const char* garbage : {"<", "<form", "<<<>>>", "<form id='x'><input name='a' value='", "</form></form>"})
    CHECK_NOTHROW(find_forms(garbage));
}

TEST_CASE("character references decode and unknown ones stay as written") {
  CHECK(decode_html_entities("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&#39;") == "a & b <c> \"d\" 'e'");
  CHECK(decode_html_entities("&#x41;&#66;&#x20AC;") == "AB\xE2\x82\xAC");
  CHECK(decode_html_entities("&unknown; &amp &#xZZ; &") == "&unknown; &amp &#xZZ; &");
  CHECK(decode_html_entities("&#0;") == "\xEF\xBF\xBD");
  CHECK(decode_html_entities("&#99999999999;") == "\xEF\xBF\xBD");
}
