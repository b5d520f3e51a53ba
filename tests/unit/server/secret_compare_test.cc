#include "server/util/secret_compare.h"

#include <string>

#include "gtest/gtest.h"

namespace wa::util {
namespace {

TEST(SecretEquals, MatchesOnlyTheSameBytes) {
  EXPECT_TRUE(SecretEquals("verify-me", "verify-me"));
  EXPECT_FALSE(SecretEquals("verify-me", "verify-mE"));
  EXPECT_FALSE(SecretEquals("verify-me", "verify-m"));
  EXPECT_FALSE(SecretEquals("verify-me", "verify-me "));
  EXPECT_FALSE(SecretEquals("verify-me", ""));
  EXPECT_TRUE(SecretEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(SecretEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SecretEquals, AnUnsetSecretMatchesNothing) {
  EXPECT_FALSE(SecretEquals("", ""));
  EXPECT_FALSE(SecretEquals("", "anything"));
}

}  // namespace
}  // namespace wa::util
