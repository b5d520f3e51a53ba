#include "server/domain/phone.h"

#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

TEST(NormalizePhone, AcceptsE164AndStripsPunctuation) {
  EXPECT_EQ(*NormalizePhone("+1234567890"), "+1234567890");
  EXPECT_EQ(*NormalizePhone("+44 (7700) 900-123"), "+447700900123");
  EXPECT_EQ(*NormalizePhone("+1.650.555.0123"), "+16505550123");
  EXPECT_EQ(*NormalizePhone("+12345678"), "+12345678");                // 8 digits
  EXPECT_EQ(*NormalizePhone("+123456789012345"), "+123456789012345");  // 15 digits
}

TEST(NormalizePhone, RefusesWithInvalidPhoneNumber) {
  for (const char* bad : {"", "+", "1234567890", "+0123456789", "+1234567", "+1234567890123456",
                          "+12345abc90", "++1234567890", "+1234+567890", "+1234567890 ext 5"}) {
    absl::StatusOr<std::string> result = NormalizePhone(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(DetailOf(result.status()).code(), "INVALID_PHONE_NUMBER") << bad;
    EXPECT_EQ(DetailOf(result.status()).details().fields().at("guest_phone").string_value(), bad);
  }
}

TEST(WaId, RoundTrips) {
  EXPECT_EQ(ToWaId("+447700900123"), "447700900123");
  EXPECT_EQ(*FromWaId("447700900123"), "+447700900123");
  EXPECT_FALSE(FromWaId("0447700900123").ok());
}

}  // namespace
}  // namespace wa::domain
