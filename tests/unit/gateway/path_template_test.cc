#include "gateway/path_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wa::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

PathTemplate MustParse(const std::string& text) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *std::move(t);
}

TEST(PathTemplateTest, LiteralOnly) {
  PathTemplate t = MustParse("/api/v1/whatsapp/messages/send");
  PathBindings b;
  EXPECT_TRUE(t.Match("/api/v1/whatsapp/messages/send", &b));
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(t.Match("/api/v1/whatsapp/messages/sendx", nullptr));
  EXPECT_FALSE(t.Match("/api/v1/whatsapp/messages", nullptr));
  EXPECT_FALSE(t.Match("/api/v1/whatsapp/messages/send/more", nullptr));
}

TEST(PathTemplateTest, TrailingSlashIsTolerated) {
  PathTemplate t = MustParse("/api/v1/whatsapp/conversations");
  EXPECT_TRUE(t.Match("/api/v1/whatsapp/conversations/", nullptr));
}

TEST(PathTemplateTest, SimpleVariableIsPercentDecoded) {
  PathTemplate t = MustParse("/api/v1/whatsapp/conversations/{conversation_id}/window-status");
  PathBindings b;
  ASSERT_TRUE(t.Match("/api/v1/whatsapp/conversations/conv%20abc%2F1/window-status", &b));
  EXPECT_THAT(b, ElementsAre(Pair("conversation_id", "conv abc/1")));
}

TEST(PathTemplateTest, EncodedSlashStaysInsideItsSegment) {
  PathTemplate t = MustParse("/v1/{id}");
  EXPECT_TRUE(t.Match("/v1/a%2Fb", nullptr));
  EXPECT_FALSE(t.Match("/v1/a/b", nullptr));
}

TEST(PathTemplateTest, EmptySegmentDoesNotBind) {
  PathTemplate t = MustParse("/v1/{id}/resolve");
  EXPECT_FALSE(t.Match("/v1//resolve", nullptr));
}

TEST(PathTemplateTest, NestedFieldPath) {
  PathTemplate t = MustParse("/v1/{config.webhook_url}/x");
  PathBindings b;
  ASSERT_TRUE(t.Match("/v1/abc/x", &b));
  EXPECT_THAT(b, ElementsAre(Pair("config.webhook_url", "abc")));
}

TEST(PathTemplateTest, ExplicitSingleWildcard) {
  PathTemplate t = MustParse("/v1/{id=*}");
  PathBindings b;
  ASSERT_TRUE(t.Match("/v1/42", &b));
  EXPECT_THAT(b, ElementsAre(Pair("id", "42")));
}

TEST(PathTemplateTest, MultiSegmentPattern) {
  PathTemplate t = MustParse("/v1/{name=messages/*}/status");
  PathBindings b;
  ASSERT_TRUE(t.Match("/v1/messages/m1/status", &b));
  EXPECT_THAT(b, ElementsAre(Pair("name", "messages/m1")));
  EXPECT_FALSE(t.Match("/v1/media/m1/status", nullptr));
}

TEST(PathTemplateTest, DoubleWildcardTakesTheRestKeepingEncodedSlash) {
  PathTemplate t = MustParse("/files/{path=**}");
  PathBindings b;
  ASSERT_TRUE(t.Match("/files/a/b%2Fc/d%20e", &b));
  EXPECT_THAT(b, ElementsAre(Pair("path", "a/b%2Fc/d e")));
  b.clear();
  ASSERT_TRUE(t.Match("/files", &b));
  EXPECT_THAT(b, ElementsAre(Pair("path", "")));
}

TEST(PathTemplateTest, UnboundWildcards) {
  PathTemplate t = MustParse("/v1/*/items/**");
  PathBindings b;
  EXPECT_TRUE(t.Match("/v1/x/items/a/b", &b));
  EXPECT_TRUE(b.empty());
  EXPECT_FALSE(t.Match("/v1/x/other/a", nullptr));
}

TEST(PathTemplateTest, Verb) {
  PathTemplate t = MustParse("/v1/messages/{message_id}:cancel");
  EXPECT_EQ(t.verb(), "cancel");
  PathBindings b;
  ASSERT_TRUE(t.Match("/v1/messages/m%3A1:cancel", &b));
  EXPECT_THAT(b, ElementsAre(Pair("message_id", "m:1")));
  EXPECT_FALSE(t.Match("/v1/messages/m1", nullptr));
  EXPECT_FALSE(t.Match("/v1/messages/m1:other", nullptr));
}

TEST(PathTemplateTest, ColonWithoutVerbBelongsToTheSegment) {
  PathTemplate t = MustParse("/v1/messages/{message_id}");
  PathBindings b;
  ASSERT_TRUE(t.Match("/v1/messages/m1:cancel", &b));
  EXPECT_THAT(b, ElementsAre(Pair("message_id", "m1:cancel")));
}

TEST(PathTemplateTest, VerbOnLiteralSegment) {
  PathTemplate t = MustParse("/v1/messages:batchSend");
  EXPECT_TRUE(t.Match("/v1/messages:batchSend", nullptr));
  EXPECT_FALSE(t.Match("/v1/messages", nullptr));
}

TEST(PathTemplateTest, RejectsMalformedTemplates) {
  for (const char* bad : {"", "v1/x", "/v1/{id", "/v1/{}", "/v1/{1id}", "/v1/**/x", "/v1/{a}/{a}",
                          "/v1/{a={b}}", "/v1//x", "/v1/x:"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse("/v1/**/x");
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("'**' must be the last segment"));
}

TEST(PathTemplateTest, VariablesAreListedWithTheirSegments) {
  PathTemplate t = MustParse("/v1/{a}/x/{b=c/*}");
  ASSERT_EQ(t.variables().size(), 2u);
  EXPECT_EQ(t.variables()[0].field_path, "a");
  EXPECT_EQ(t.variables()[1].field_path, "b");
  EXPECT_EQ(t.variables()[1].begin, 3u);
  EXPECT_EQ(t.variables()[1].end, 5u);
}

TEST(PathTemplateTest, LiteralBeatsVariableBeatsDoubleWildcard) {
  PathTemplate literal = MustParse("/api/v1/whatsapp/templates/send");
  PathTemplate variable = MustParse("/api/v1/whatsapp/templates/{name}");
  PathTemplate rest = MustParse("/api/v1/whatsapp/{path=**}");
  EXPECT_LT(literal.ComparePrecedence(variable), 0);
  EXPECT_GT(variable.ComparePrecedence(literal), 0);
  EXPECT_LT(variable.ComparePrecedence(rest), 0);
  EXPECT_EQ(variable.ComparePrecedence(variable), 0);
}

TEST(PathTemplateTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%2Bb%2fc"), "a+b/c");
  EXPECT_EQ(PercentDecode("a%2Fb", /*keep_slash=*/true), "a%2Fb");
  EXPECT_EQ(PercentDecode("bad%zz%4"), "bad%zz%4");
  EXPECT_EQ(PercentDecode("plain"), "plain");
}

}  // namespace
}  // namespace wa::gateway
