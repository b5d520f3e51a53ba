#include "gateway/field_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hotel/whatsapp/v1/messages.pb.h"

namespace wa::gateway {
namespace {

using ::testing::HasSubstr;

const google::protobuf::Descriptor* SendRequest() {
  return hotel::whatsapp::v1::SendMessageRequest::descriptor();
}

TEST(FieldPathTest, FindsProtoAndJsonNames) {
  EXPECT_EQ(FindFieldByAnyName(SendRequest(), "guest_phone")->name(), "guest_phone");
  EXPECT_EQ(FindFieldByAnyName(SendRequest(), "guestPhone")->name(), "guest_phone");
  EXPECT_EQ(FindFieldByAnyName(SendRequest(), "nope"), nullptr);
}

TEST(FieldPathTest, ResolvesNestedPaths) {
  auto chain = ResolveFieldPath(SendRequest(), "content.preview_url");
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[1]->full_name(), "hotel.whatsapp.v1.TextContent.preview_url");
}

TEST(FieldPathTest, ErrorsNameTheFailingPart) {
  auto chain = ResolveFieldPath(SendRequest(), "content.nope");
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("content.nope: no such field"));
  chain = ResolveFieldPath(SendRequest(), "guest_phone.x");
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("not a message"));
  chain = ResolveFieldPath(hotel::whatsapp::v1::BatchSendMessagesRequest::descriptor(),
                           "messages.phone");
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("repeated"));
}

}  // namespace
}  // namespace wa::gateway
