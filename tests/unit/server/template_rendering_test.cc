#include "server/domain/template_rendering.h"

#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/template_rules.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

v1::Template Checked(const std::string& header, const std::string& body,
                     std::vector<std::string> names = {},
                     v1::HeaderFormat format = v1::HEADER_FORMAT_TEXT) {
  v1::Template t;
  t.set_name("stay_update");
  t.set_language("en_GB");
  t.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  if (!header.empty() || format != v1::HEADER_FORMAT_TEXT) {
    v1::TemplateComponent* h = t.add_components();
    h->set_type(v1::COMPONENT_TYPE_HEADER);
    h->set_format(format);
    h->set_text(header);
  }
  v1::TemplateComponent* b = t.add_components();
  b->set_type(v1::COMPONENT_TYPE_BODY);
  b->set_text(body);
  v1::TemplateComponent* f = t.add_components();
  f->set_type(v1::COMPONENT_TYPE_FOOTER);
  f->set_text("Grand Plaza Hotel");
  absl::StatusOr<v1::Template> checked = CheckTemplate(t, names);
  EXPECT_TRUE(checked.ok()) << checked.status();
  checked->set_status(v1::TEMPLATE_STATUS_APPROVED);
  return *checked;
}

std::string Field(const absl::Status& s, const char* key) {
  return DetailOf(s).details().fields().at(key).string_value();
}

TEST(TemplateRenderingTest, NamedParametersFillTextAndCarryTheirNames) {
  v1::Template t = Checked("Welcome {{guest_name}}",
                           "Hello {{guest_name}}, room {{room_number}} is ready for you.");
  absl::StatusOr<RenderedTemplate> r =
      RenderTemplate(t, {{"guest_name", "John Smith"}, {"room_number", "205"}}, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->text,
            "Welcome John Smith\n\nHello John Smith, room 205 is ready for you.\n\nGrand Plaza Hotel");
  EXPECT_TRUE(r->content.named_parameters());
  EXPECT_EQ(r->content.name(), "stay_update");
  EXPECT_EQ(r->content.language(), "en_GB");
  ASSERT_EQ(r->content.header_parameters_size(), 1);
  EXPECT_EQ(r->content.header_parameters(0).name(), "guest_name");
  // guest_name appears once among the body's parameters though used once there.
  ASSERT_EQ(r->content.body_parameters_size(), 2);
  EXPECT_EQ(r->content.body_parameters(0).name(), "guest_name");
  EXPECT_EQ(r->content.body_parameters(1).name(), "room_number");
  EXPECT_EQ(r->content.body_parameters(1).text(), "205");
}

TEST(TemplateRenderingTest, PositionalParametersGoInOrderByTheirOrderedNames) {
  v1::Template t = Checked("Hi {{1}}", "Your checkout is at {{1}} from room {{2}} today.",
                           {"guest_name", "checkout_time", "room_number"});
  absl::StatusOr<RenderedTemplate> r = RenderTemplate(
      t, {{"guest_name", "Ana"}, {"checkout_time", "2 PM"}, {"room_number", "12"}}, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->content.named_parameters());
  ASSERT_EQ(r->content.header_parameters_size(), 1);
  EXPECT_EQ(r->content.header_parameters(0).text(), "Ana");
  EXPECT_TRUE(r->content.header_parameters(0).name().empty());
  ASSERT_EQ(r->content.body_parameters_size(), 2);
  EXPECT_EQ(r->content.body_parameters(0).text(), "2 PM");
  EXPECT_EQ(r->content.body_parameters(1).text(), "12");
  EXPECT_EQ(r->text, "Hi Ana\n\nYour checkout is at 2 PM from room 12 today.\n\nGrand Plaza Hotel");
}

TEST(TemplateRenderingTest, DefaultPositionalNamesAreTheNumbers) {
  v1::Template t = Checked("", "Your table for {{1}} is booked at {{2}} tonight.");
  absl::StatusOr<RenderedTemplate> r = RenderTemplate(t, {{"1", "two"}, {"2", "8 PM"}}, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->content.body_parameters(1).text(), "8 PM");
}

TEST(TemplateRenderingTest, AMissingParameterIsNamed) {
  v1::Template t = Checked("", "Hello {{guest_name}}, room {{room_number}} is ready for you.");
  absl::StatusOr<RenderedTemplate> r = RenderTemplate(t, {{"guest_name", "John"}}, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Field(r.status(), "parameter"), "room_number");
  EXPECT_EQ(Field(r.status(), "rule"), "missing_parameter");
}

TEST(TemplateRenderingTest, AnUnknownParameterIsNamed) {
  v1::Template t = Checked("", "Hello {{guest_name}}, your room is ready for you.");
  absl::StatusOr<RenderedTemplate> r =
      RenderTemplate(t, {{"guest_name", "John"}, {"room", "205"}}, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Field(r.status(), "parameter"), "room");
  EXPECT_EQ(Field(r.status(), "rule"), "unknown_parameter");
}

TEST(TemplateRenderingTest, RefusesTextMetaWouldRefuse) {
  v1::Template t = Checked("", "Hello {{guest_name}}, your room is ready for you.");
  for (const char* bad : {"", "John\nSmith", "John\tSmith", "John      Smith"}) {
    absl::StatusOr<RenderedTemplate> r = RenderTemplate(t, {{"guest_name", bad}}, "");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(Field(r.status(), "rule"), "parameter_text");
  }
}

TEST(TemplateRenderingTest, RefusesABodyThatGrowsPastTheLimit) {
  v1::Template t = Checked("", "Hello {{guest_name}}, your room is ready for you.");
  absl::StatusOr<RenderedTemplate> r =
      RenderTemplate(t, {{"guest_name", std::string(1100, 'x')}}, "");
  EXPECT_FALSE(r.ok());
}

TEST(TemplateRenderingTest, AMediaHeaderNeedsAnHttpsLink) {
  v1::Template t = Checked("", "Your boarding pass for room {{1}} is attached here.", {},
                           v1::HEADER_FORMAT_DOCUMENT);
  EXPECT_FALSE(RenderTemplate(t, {{"1", "205"}}, "").ok());
  EXPECT_FALSE(RenderTemplate(t, {{"1", "205"}}, "http://x.example/a.pdf").ok());
  absl::StatusOr<RenderedTemplate> r =
      RenderTemplate(t, {{"1", "205"}}, "https://x.example/a.pdf");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->content.header_media().media_type(), v1::MEDIA_TYPE_DOCUMENT);
  EXPECT_EQ(r->content.header_media().link(), "https://x.example/a.pdf");
}

}  // namespace
}  // namespace wa::domain
