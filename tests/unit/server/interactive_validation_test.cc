#include "server/domain/interactive_validation.h"

#include <string>

#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// The reference's "Send message with quick reply buttons", verbatim.
v1::InteractiveContent ReferenceButtons() {
  v1::InteractiveContent c;
  c.set_text("How would you like to extend your stay?");
  auto add = [&](const char* id, const char* title) {
    v1::InteractiveButton* b = c.add_buttons();
    b->set_id(id);
    b->set_title(title);
  };
  add("extend_1_night", "1 More Night");
  add("extend_2_nights", "2 More Nights");
  add("call_front_desk", "Call Front Desk");
  return c;
}

// The reference's "Send list message for service options", verbatim.
v1::InteractiveContent ReferenceList() {
  v1::InteractiveContent c;
  c.set_text("What service would you like to request?");
  c.set_button_text("View Services");
  auto row = [](v1::InteractiveSection* s, const char* id, const char* title, const char* desc) {
    v1::InteractiveRow* r = s->add_rows();
    r->set_id(id);
    r->set_title(title);
    r->set_description(desc);
  };
  v1::InteractiveSection* room = c.add_sections();
  room->set_title("Room Services");
  row(room, "housekeeping", "Housekeeping", "Extra towels, cleaning");
  row(room, "room_service", "Room Service", "Food and beverage delivery");
  row(room, "maintenance", "Maintenance", "Technical issues");
  v1::InteractiveSection* guest = c.add_sections();
  guest->set_title("Guest Services");
  row(guest, "concierge", "Concierge", "Local recommendations, bookings");
  row(guest, "transportation", "Transportation", "Taxi, shuttle service");
  return c;
}

// The field the refusal names, or "" when it was accepted.
std::string RefusedField(v1::InteractiveType type, const v1::InteractiveContent& content) {
  absl::Status s = ValidateInteractive(type, content);
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  v1::ErrorDetail detail = DetailOf(s);
  EXPECT_EQ(detail.code(), "INVALID_ARGUMENT");
  std::string field = detail.details().fields().at("field").string_value();
  EXPECT_NE(detail.message().find(field), std::string::npos) << "the message names the field";
  return field;
}

constexpr auto kButtons = v1::INTERACTIVE_TYPE_BUTTONS;
constexpr auto kList = v1::INTERACTIVE_TYPE_LIST;

TEST(InteractiveValidationTest, TheReferenceExamplesPass) {
  EXPECT_TRUE(ValidateInteractive(kButtons, ReferenceButtons()).ok());
  EXPECT_TRUE(ValidateInteractive(kList, ReferenceList()).ok());
}

TEST(InteractiveValidationTest, TypeAndBody) {
  EXPECT_EQ(RefusedField(v1::INTERACTIVE_TYPE_UNSPECIFIED, ReferenceButtons()), "interactive_type");
  v1::InteractiveContent c = ReferenceButtons();
  c.set_text("  ");
  EXPECT_EQ(RefusedField(kButtons, c), "content.text");
  c.set_text(std::string(1024, 'a'));
  EXPECT_EQ(RefusedField(kButtons, c), "");
  c.set_text(std::string(1025, 'a'));
  EXPECT_EQ(RefusedField(kButtons, c), "content.text");
  // Characters, not bytes: 1024 two-byte characters fit.
  std::string accents;
  for (int i = 0; i < 1024; ++i) accents += "\xC3\xA9";
  c.set_text(accents);
  EXPECT_EQ(RefusedField(kButtons, c), "");
}

TEST(InteractiveValidationTest, HeaderAndFooterAtMost60) {
  v1::InteractiveContent c = ReferenceList();
  c.set_header(std::string(60, 'h'));
  c.set_footer(std::string(60, 'f'));
  EXPECT_EQ(RefusedField(kList, c), "");
  c.set_header(std::string(61, 'h'));
  EXPECT_EQ(RefusedField(kList, c), "content.header");
  c.set_header("");
  c.set_footer(std::string(61, 'f'));
  EXPECT_EQ(RefusedField(kList, c), "content.footer");
}

TEST(InteractiveValidationTest, OneToThreeButtons) {
  v1::InteractiveContent c = ReferenceButtons();
  c.clear_buttons();
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons");
  c = ReferenceButtons();
  v1::InteractiveButton* fourth = c.add_buttons();
  fourth->set_id("four");
  fourth->set_title("Four");
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons");
}

TEST(InteractiveValidationTest, ButtonTitlesAndIds) {
  v1::InteractiveContent c = ReferenceButtons();
  c.mutable_buttons(1)->set_title(std::string(20, 't'));
  EXPECT_EQ(RefusedField(kButtons, c), "");
  c.mutable_buttons(1)->set_title(std::string(21, 't'));
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[1].title");
  c = ReferenceButtons();
  c.mutable_buttons(2)->set_title("1 More Night");
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[2].title");
  c = ReferenceButtons();
  c.mutable_buttons(0)->set_title("");
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[0].title");
  c = ReferenceButtons();
  c.mutable_buttons(1)->set_id("extend_1_night");
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[1].id");
  c = ReferenceButtons();
  c.mutable_buttons(0)->set_id(std::string(256, 'i'));
  EXPECT_EQ(RefusedField(kButtons, c), "");
  c.mutable_buttons(0)->set_id(std::string(257, 'i'));
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[0].id");
  c.mutable_buttons(0)->set_id("");
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[0].id");
  c.mutable_buttons(0)->set_id(" padded");
  EXPECT_EQ(RefusedField(kButtons, c), "content.buttons[0].id");
}

TEST(InteractiveValidationTest, ButtonsAndListFieldsDoNotMix) {
  v1::InteractiveContent c = ReferenceButtons();
  c.set_button_text("View");
  EXPECT_EQ(RefusedField(kButtons, c), "content.button_text");
  c = ReferenceList();
  *c.add_buttons() = ReferenceButtons().buttons(0);
  EXPECT_EQ(RefusedField(kList, c), "content.buttons");
}

TEST(InteractiveValidationTest, ListButtonTextRequiredAtMost20) {
  v1::InteractiveContent c = ReferenceList();
  c.clear_button_text();
  EXPECT_EQ(RefusedField(kList, c), "content.button_text");
  c.set_button_text(std::string(20, 'b'));
  EXPECT_EQ(RefusedField(kList, c), "");
  c.set_button_text(std::string(21, 'b'));
  EXPECT_EQ(RefusedField(kList, c), "content.button_text");
}

TEST(InteractiveValidationTest, SectionsOneToTenTitledWhenSeveral) {
  v1::InteractiveContent c = ReferenceList();
  c.clear_sections();
  EXPECT_EQ(RefusedField(kList, c), "content.sections");
  c = ReferenceList();
  c.mutable_sections(1)->clear_title();
  EXPECT_EQ(RefusedField(kList, c), "content.sections[1].title");
  c.mutable_sections()->RemoveLast();
  c.mutable_sections(0)->clear_title();
  EXPECT_EQ(RefusedField(kList, c), "") << "one section needs no title";
  c = ReferenceList();
  c.mutable_sections(0)->set_title(std::string(25, 's'));
  EXPECT_EQ(RefusedField(kList, c), "content.sections[0].title");
  c = ReferenceList();
  c.mutable_sections(1)->clear_rows();
  EXPECT_EQ(RefusedField(kList, c), "content.sections[1].rows");
  // Eleven sections of one row each: too many sections before too many rows.
  c = ReferenceList();
  c.clear_sections();
  for (int i = 0; i < 11; ++i) {
    v1::InteractiveSection* s = c.add_sections();
    s->set_title("Section " + std::to_string(i));
    v1::InteractiveRow* r = s->add_rows();
    r->set_id("row" + std::to_string(i));
    r->set_title("Row");
  }
  EXPECT_EQ(RefusedField(kList, c), "content.sections");
}

TEST(InteractiveValidationTest, AtMostTenRowsAcrossSections) {
  v1::InteractiveContent c = ReferenceList();  // 5 rows
  for (int i = 0; i < 5; ++i) {
    v1::InteractiveRow* r = c.mutable_sections(1)->add_rows();
    r->set_id("extra" + std::to_string(i));
    r->set_title("Extra");
  }
  EXPECT_EQ(RefusedField(kList, c), "");
  v1::InteractiveRow* r = c.mutable_sections(0)->add_rows();
  r->set_id("eleventh");
  r->set_title("Eleventh");
  EXPECT_EQ(RefusedField(kList, c), "content.sections[1].rows[6]");
}

TEST(InteractiveValidationTest, RowFields) {
  v1::InteractiveContent c = ReferenceList();
  c.mutable_sections(1)->mutable_rows(0)->set_id("housekeeping");
  EXPECT_EQ(RefusedField(kList, c), "content.sections[1].rows[0].id") << "unique across sections";
  c = ReferenceList();
  c.mutable_sections(0)->mutable_rows(2)->set_id(std::string(201, 'r'));
  EXPECT_EQ(RefusedField(kList, c), "content.sections[0].rows[2].id");
  c = ReferenceList();
  c.mutable_sections(0)->mutable_rows(1)->set_title(std::string(25, 't'));
  EXPECT_EQ(RefusedField(kList, c), "content.sections[0].rows[1].title");
  c.mutable_sections(0)->mutable_rows(1)->set_title("");
  EXPECT_EQ(RefusedField(kList, c), "content.sections[0].rows[1].title");
  c = ReferenceList();
  c.mutable_sections(1)->mutable_rows(1)->set_description(std::string(72, 'd'));
  EXPECT_EQ(RefusedField(kList, c), "");
  c.mutable_sections(1)->mutable_rows(1)->set_description(std::string(73, 'd'));
  EXPECT_EQ(RefusedField(kList, c), "content.sections[1].rows[1].description");
  c.mutable_sections(1)->mutable_rows(1)->clear_description();
  EXPECT_EQ(RefusedField(kList, c), "") << "descriptions are optional";
}

}  // namespace
}  // namespace wa::domain
