#include "server/domain/guest_key.h"

#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

TEST(GuestKey, BsuidFormat) {
  for (const char* good :
       {"US.13491208655302741918", "BR.1502576394655843", "US.ENT.118157992", "GB.abcXYZ123"}) {
    EXPECT_TRUE(IsValidBsuid(good)) << good;
  }
  for (const char* bad : {"", "US.", "us.123", "U.123", "USA.123", "US-123", "US.12-3",
                          "13491208655302741918", "US.ENT.", "+447700900123"}) {
    EXPECT_FALSE(IsValidBsuid(bad)) << bad;
  }
  EXPECT_FALSE(IsValidBsuid("US." + std::string(129, '1')));
}

TEST(GuestKey, KeysShowNoInventedPhone) {
  EXPECT_EQ(PhoneOfKey("+447700900123"), "+447700900123");
  EXPECT_EQ(PhoneOfKey(BsuidKey("US.1")), "");
  EXPECT_EQ(UserIdOfKey(BsuidKey("US.1")), "US.1");
  EXPECT_EQ(UserIdOfKey("+447700900123"), "");
}

TEST(GuestKey, ExactlyOneAddressesTheGuest) {
  EXPECT_EQ(ParseGuestAddress("+44 7700 900123", "")->phone, "+447700900123");
  EXPECT_EQ(ParseGuestAddress("", "US.1")->user_id, "US.1");
  // Neither: the missing field is named, not an invalid phone number "".
  EXPECT_EQ(DetailOf(ParseGuestAddress("", "").status()).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(
      DetailOf(ParseGuestAddress("", "").status()).details().fields().at("field").string_value(),
      "guest_phone");
  EXPECT_EQ(DetailOf(ParseGuestAddress("12", "").status()).code(), "INVALID_PHONE_NUMBER");
  EXPECT_EQ(DetailOf(ParseGuestAddress("", "1349").status()).code(), "INVALID_GUEST_USER_ID");
  EXPECT_EQ(ParseGuestAddress("+447700900123", "US.1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGuestPathSegment("US.1")->user_id, "US.1");
  EXPECT_EQ(ParseGuestPathSegment("+447700900123")->phone, "+447700900123");
}

}  // namespace
}  // namespace wa::domain
