#include "gateway/enum_spelling.h"

#include <gtest/gtest.h>

#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

TEST(EnumSpellingTest, UpperSnakeCase) {
  EXPECT_EQ(UpperSnakeCase("MessageType"), "MESSAGE_TYPE");
  EXPECT_EQ(UpperSnakeCase("Role"), "ROLE");
  EXPECT_EQ(UpperSnakeCase("HTTPCode"), "HTTP_CODE");
  EXPECT_EQ(UpperSnakeCase("Sha256Sum"), "SHA256_SUM");
}

TEST(EnumSpellingTest, LowerCaseByDefault) {
  const EnumSpelling& s = EnumSpelling::For(v1::MessageType_descriptor());
  EXPECT_EQ(*s.Name(v1::MESSAGE_TYPE_TEXT), "text");
  EXPECT_EQ(*s.Name(v1::MESSAGE_TYPE_UNSPECIFIED), "");
  EXPECT_EQ(s.Name(1000), nullptr);
  EXPECT_EQ(*EnumSpelling::For(v1::InteractiveType_descriptor()).Name(1), "buttons");
  EXPECT_EQ(*EnumSpelling::For(v1::MessageStatus_descriptor()).Name(3), "delivered");
}

TEST(EnumSpellingTest, UpperCaseOption) {
  const EnumSpelling& s = EnumSpelling::For(v1::TemplateCategory_descriptor());
  EXPECT_EQ(*s.Name(v1::TEMPLATE_CATEGORY_UTILITY), "UTILITY");
  EXPECT_EQ(*EnumSpelling::For(v1::ComponentType_descriptor()).Name(1), "HEADER");
  EXPECT_EQ(s.accepted(), "UTILITY, MARKETING, AUTHENTICATION");
}

TEST(EnumSpellingTest, ParsesEveryAcceptedSpelling) {
  const EnumSpelling& s = EnumSpelling::For(v1::MessageType_descriptor());
  EXPECT_EQ(s.Parse("image"), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(s.Parse("IMAGE"), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(s.Parse("iMaGe"), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(s.Parse("MESSAGE_TYPE_IMAGE"), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(s.Parse("3"), v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(s.Parse(""), v1::MESSAGE_TYPE_UNSPECIFIED);
  EXPECT_EQ(s.Parse("fax"), std::nullopt);
  EXPECT_EQ(s.Parse("99"), std::nullopt);
}

TEST(EnumSpellingTest, IsCachedPerEnum) {
  EXPECT_EQ(&EnumSpelling::For(v1::Role_descriptor()), &EnumSpelling::For(v1::Role_descriptor()));
}

}  // namespace
}  // namespace wa::gateway
