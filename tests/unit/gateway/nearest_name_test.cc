#include "common/nearest_name.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wa {
namespace {

using ::testing::ElementsAre;

const std::vector<std::string> kSendFields = {"guest_phone",  "message_type",    "content",
                                              "content.text", "conversation_id", "guest_user_id"};

TEST(NearestNameTest, TyposAFewEditsAwayFindTheirField) {
  EXPECT_EQ(NearestName("guest_phnoe", kSendFields), "guest_phone");  // a swap is one edit
  EXPECT_EQ(NearestName("gust_phone", kSendFields), "guest_phone");
  EXPECT_EQ(NearestName("Guest_Phone", kSendFields), "guest_phone");  // case is ignored
  EXPECT_EQ(NearestName("messagetype", kSendFields), "message_type");
}

TEST(NearestNameTest, TheLastDottedPartFindsTheFullPath) {
  EXPECT_EQ(NearestName("text", kSendFields), "content.text");
}

TEST(NearestNameTest, NothingCloseIsNoGuess) {
  EXPECT_EQ(NearestName("colour", kSendFields), "");
  EXPECT_EQ(NearestName("", kSendFields), "");
  EXPECT_EQ(NearestName("x", {"y"}), "y");  // one edit is always allowed
  EXPECT_EQ(NearestName(std::string(200, 'a'), {std::string(200, 'a')}), "");
}

TEST(NearestNameTest, SeveralAreListedNearestFirst) {
  const std::vector<std::string> templates = {"welcome_checkin", "welcome_checkout",
                                              "service_followup", "welcome_check"};
  EXPECT_THAT(NearestNames("welcome_chekin", templates, 3),
              ElementsAre("welcome_checkin", "welcome_check"));  // checkout: 4 edits
  EXPECT_THAT(NearestNames("welcome_chekin", templates, 1), ElementsAre("welcome_checkin"));
}

}  // namespace
}  // namespace wa
