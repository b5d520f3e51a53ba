#include "server/domain/template_rules.h"

#include <string>

#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

v1::TemplateComponent* Add(v1::Template& t, v1::ComponentType type, const std::string& text) {
  v1::TemplateComponent* c = t.add_components();
  c->set_type(type);
  c->set_text(text);
  return c;
}

// The reference's late_checkout_confirmation, as written there.
v1::Template LateCheckout() {
  v1::Template t;
  t.set_name("late_checkout_confirmation");
  t.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  t.set_language("en");
  Add(t, v1::COMPONENT_TYPE_HEADER, "Late Checkout Confirmed")->set_format(v1::HEADER_FORMAT_TEXT);
  Add(t, v1::COMPONENT_TYPE_BODY,
      "Hi {{1}}, your late checkout until {{2}} has been confirmed for room {{3}}. Additional "
      "charges: {{4}}.");
  Add(t, v1::COMPONENT_TYPE_FOOTER, "Thank you for staying with us!");
  return t;
}

v1::TemplateComponent& Body(v1::Template& t) { return *t.mutable_components(1); }
v1::TemplateComponent& Header(v1::Template& t) { return *t.mutable_components(0); }
v1::TemplateComponent& Footer(v1::Template& t) { return *t.mutable_components(2); }

v1::TemplateButton* Button(v1::Template& t, const std::string& type, const std::string& text) {
  v1::TemplateComponent* buttons = nullptr;
  for (auto& c : *t.mutable_components()) {
    if (c.type() == v1::COMPONENT_TYPE_BUTTONS) buttons = &c;
  }
  if (buttons == nullptr) buttons = Add(t, v1::COMPONENT_TYPE_BUTTONS, "");
  v1::TemplateButton* b = buttons->add_buttons();
  b->set_type(type);
  b->set_text(text);
  if (type == "URL") b->set_url("https://grandplaza.example/stay");
  if (type == "PHONE_NUMBER") b->set_phone_number("+14155550123");
  return b;
}

TEST(TemplateRulesTest, AcceptsTheReferencesExampleAndDerivesItsParameters) {
  absl::StatusOr<v1::Template> t = CheckTemplate(LateCheckout(), {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->parameter_format(), "POSITIONAL");
  ASSERT_EQ(t->parameters_size(), 4);
  EXPECT_EQ(t->parameters(0), "1");
  EXPECT_EQ(t->parameters(3), "4");
}

TEST(TemplateRulesTest, NamesPositionalParametersWhenAsked) {
  absl::StatusOr<v1::Template> t =
      CheckTemplate(LateCheckout(), {"guest_name", "checkout_time", "room_number", "charges"});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->parameters(1), "checkout_time");
  EXPECT_FALSE(CheckTemplate(LateCheckout(), {"guest_name"}).ok());
  EXPECT_FALSE(CheckTemplate(LateCheckout(), {"a", "a", "b", "c"}).ok());
}

TEST(TemplateRulesTest, NamedTemplatesListHeaderThenBodyNamesOnce) {
  v1::Template t = LateCheckout();
  Header(t).set_text("Welcome {{guest_name}}");
  Body(t).set_text("Dear {{guest_name}}, room {{room_number}} is ready for you today.");
  absl::StatusOr<v1::Template> checked = CheckTemplate(t, {});
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->parameter_format(), "NAMED");
  ASSERT_EQ(checked->parameters_size(), 2);
  EXPECT_EQ(checked->parameters(0), "guest_name");
  EXPECT_EQ(checked->parameters(1), "room_number");
}

struct Case {
  const char* what;
  void (*edit)(v1::Template&);
  const char* field;
  const char* rule;
};

class TemplateRuleViolation : public ::testing::TestWithParam<Case> {};

TEST_P(TemplateRuleViolation, IsRefusedNamingTheFieldAndRule) {
  v1::Template t = LateCheckout();
  GetParam().edit(t);
  absl::StatusOr<v1::Template> checked = CheckTemplate(t, {});
  ASSERT_FALSE(checked.ok()) << GetParam().what;
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
  v1::ErrorDetail detail = DetailOf(checked.status());
  EXPECT_EQ(detail.code(), "INVALID_ARGUMENT");
  EXPECT_EQ(detail.details().fields().at("field").string_value(), GetParam().field);
  EXPECT_EQ(detail.details().fields().at("rule").string_value(), GetParam().rule);
}

INSTANTIATE_TEST_SUITE_P(
    MetasRules, TemplateRuleViolation,
    ::testing::Values(
        Case{"uppercase name", [](v1::Template& t) { t.set_name("Late_Checkout"); }, "name",
             "name_pattern"},
        Case{"name with a space", [](v1::Template& t) { t.set_name("late checkout"); }, "name",
             "name_pattern"},
        Case{"name too long", [](v1::Template& t) { t.set_name(std::string(513, 'a')); }, "name",
             "name_length"},
        Case{"no name", [](v1::Template& t) { t.clear_name(); }, "name", "name_required"},
        Case{"bad language", [](v1::Template& t) { t.set_language("english"); }, "language",
             "language_code"},
        Case{"no category", [](v1::Template& t) { t.clear_category(); }, "category",
             "category_required"},
        Case{"no body",
             [](v1::Template& t) { t.mutable_components()->DeleteSubrange(1, 1); }, "components",
             "body_required"},
        Case{"empty body", [](v1::Template& t) { Body(t).set_text("  "); },
             "components[1].text", "body_required"},
        Case{"body over 1024",
             [](v1::Template& t) { Body(t).set_text("Hi {{1}}, " + std::string(1020, 'x')); },
             "components[1].text", "body_length"},
        Case{"body starts with a variable",
             [](v1::Template& t) { Body(t).set_text("{{1}}, your room is ready today."); },
             "components[1].text", "variable_at_edge"},
        Case{"body ends with a variable",
             [](v1::Template& t) { Body(t).set_text("Your room is ready, {{1}}"); },
             "components[1].text", "variable_at_edge"},
        Case{"adjacent variables",
             [](v1::Template& t) { Body(t).set_text("Hi {{1}} {{2}}, your room is ready."); },
             "components[1].text", "adjacent_variables"},
        Case{"numbers out of sequence",
             [](v1::Template& t) { Body(t).set_text("Hi {{1}}, room {{3}} is ready."); },
             "components[1].text", "variable_sequence"},
        Case{"numbers out of order",
             [](v1::Template& t) { Body(t).set_text("Hi {{2}}, room {{1}} is ready."); },
             "components[1].text", "variable_sequence"},
        Case{"mixed formats",
             [](v1::Template& t) { Body(t).set_text("Hi {{1}}, room {{room}} is ready."); },
             "components", "parameter_format_mixed"},
        Case{"malformed variable",
             [](v1::Template& t) { Body(t).set_text("Hi {{Guest}}, your room is ready."); },
             "components[1].text", "variable_syntax"},
        Case{"unclosed variable",
             [](v1::Template& t) { Body(t).set_text("Hi {{1, your room is ready."); },
             "components[1].text", "variable_syntax"},
        Case{"header over 60",
             [](v1::Template& t) { Header(t).set_text(std::string(61, 'h')); },
             "components[0].text", "header_length"},
        Case{"header with two variables",
             [](v1::Template& t) { Header(t).set_text("{{1}} and {{1}}"); },
             "components[0].text", "header_variables"},
        Case{"media header with text",
             [](v1::Template& t) { Header(t).set_format(v1::HEADER_FORMAT_IMAGE); },
             "components[0].text", "header_media_text"},
        Case{"footer over 60",
             [](v1::Template& t) { Footer(t).set_text(std::string(61, 'f')); },
             "components[2].text", "footer_length"},
        Case{"footer with a variable",
             [](v1::Template& t) { Footer(t).set_text("Thanks {{1}}"); }, "components[2].text",
             "footer_variables"},
        Case{"two bodies",
             [](v1::Template& t) { Add(t, v1::COMPONENT_TYPE_BODY, "Another body here."); },
             "components[3].type", "component_repeated"},
        Case{"eleven buttons",
             [](v1::Template& t) {
               for (int i = 0; i < 11; ++i) Button(t, "QUICK_REPLY", "Option " + std::to_string(i));
             },
             "components[3].buttons", "buttons_count"},
        Case{"button text over 25",
             [](v1::Template& t) { Button(t, "QUICK_REPLY", std::string(26, 'b')); },
             "components[3].buttons[0].text", "button_text_length"},
        Case{"three URL buttons",
             [](v1::Template& t) {
               for (int i = 0; i < 3; ++i) Button(t, "URL", "Link " + std::to_string(i));
             },
             "components[3].buttons", "url_buttons_count"},
        Case{"two phone buttons",
             [](v1::Template& t) {
               Button(t, "PHONE_NUMBER", "Call us");
               Button(t, "PHONE_NUMBER", "Call the spa");
             },
             "components[3].buttons", "phone_buttons_count"},
        Case{"quick replies split",
             [](v1::Template& t) {
               Button(t, "QUICK_REPLY", "Yes");
               Button(t, "URL", "Details");
               Button(t, "QUICK_REPLY", "No");
             },
             "components[3].buttons", "quick_replies_grouped"},
        Case{"unknown button type",
             [](v1::Template& t) { Button(t, "COPY_CODE", "Copy"); },
             "components[3].buttons[0].type", "button_type"},
        Case{"URL button without url",
             [](v1::Template& t) { Button(t, "URL", "Open")->clear_url(); },
             "components[3].buttons[0].url", "button_url"},
        Case{"bad label", [](v1::Template& t) { t.add_labels("Guest Services"); }, "labels[0]",
             "label_format"},
        Case{"example for no parameter",
             [](v1::Template& t) { (*t.mutable_example())["9"] = "x"; }, "example.9",
             "example_unknown_parameter"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.what;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(TemplateRulesTest, AcceptsButtonsWithinMetasCounts) {
  v1::Template t = LateCheckout();
  Button(t, "QUICK_REPLY", "Confirm");
  Button(t, "QUICK_REPLY", "Change time");
  Button(t, "URL", "Manage booking");
  Button(t, "URL", "Hotel map");
  Button(t, "PHONE_NUMBER", "Call reception");
  EXPECT_TRUE(CheckTemplate(t, {}).ok());
}

TEST(TemplateRulesTest, AMediaHeaderNeedsNoText) {
  v1::Template t = LateCheckout();
  Header(t).set_format(v1::HEADER_FORMAT_IMAGE);
  Header(t).clear_text();
  absl::StatusOr<v1::Template> checked = CheckTemplate(t, {});
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->parameters_size(), 4);
}

}  // namespace
}  // namespace wa::domain
