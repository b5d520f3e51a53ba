#include "server/domain/token_service.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

TEST(TokenService, IssuesTokensThatAuthenticateWithRoleAndProperty) {
  testing::TestDb t;
  TokenService tokens(t.db());
  absl::StatusOr<IssuedToken> issued = tokens.Create("front desk", v1::ROLE_STAFF, "grand_plaza");
  ASSERT_TRUE(issued.ok()) << issued.status();
  absl::StatusOr<Caller> caller = tokens.Authenticate(issued->secret);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, v1::ROLE_STAFF);
  EXPECT_EQ(caller->property_id, "grand_plaza");
  EXPECT_EQ(caller->token_id, issued->record.token_id);
}

TEST(TokenService, StoresOnlyTheHash) {
  testing::TestDb t;
  TokenService tokens(t.db());
  IssuedToken issued = *tokens.Create("ops", v1::ROLE_ADMIN, "p1");
  std::vector<storage::TokenRecord> listed = *tokens.List("p1");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].hash, Sha256Hex(issued.secret));
  EXPECT_EQ(listed[0].hash.find(issued.secret), std::string::npos);
  EXPECT_EQ(listed[0].hash.size(), 64u);
}

TEST(TokenService, RefusesMissingUnknownAndRevokedTokens) {
  testing::TestDb t;
  TokenService tokens(t.db());
  IssuedToken issued = *tokens.Create("ops", v1::ROLE_ADMIN, "p1");
  for (const std::string& bad : {std::string(), std::string("wat_nope"), issued.secret + "x"}) {
    absl::StatusOr<Caller> caller = tokens.Authenticate(bad);
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated) << bad;
    EXPECT_EQ(DetailOf(caller.status()).code(), "UNAUTHENTICATED");
  }
  ASSERT_TRUE(tokens.Authenticate(issued.secret).ok());  // now remembered
  ASSERT_TRUE(tokens.Revoke(issued.record.token_id, "p1").ok());
  EXPECT_EQ(tokens.Authenticate(issued.secret).status().code(), absl::StatusCode::kUnauthenticated);
}

// Another process (the tokens command, another instance) revokes in the
// database: the token stops working once this service's memory of it ends.
TEST(TokenService, ARevocationElsewhereTakesEffectWithinTheCachePeriod) {
  testing::TestDb t;
  TokenService tokens(t.db(), absl::Milliseconds(200));
  TokenService elsewhere(t.db());
  IssuedToken issued = *tokens.Create("ops", v1::ROLE_STAFF, "p1");
  ASSERT_TRUE(tokens.Authenticate(issued.secret).ok());
  ASSERT_TRUE(elsewhere.Revoke(issued.record.token_id, "p1").ok());
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_EQ(tokens.Authenticate(issued.secret).status().code(), absl::StatusCode::kUnauthenticated);
}

// What the memory is for: within its period a call needs no database read,
// so a revocation made elsewhere is not seen yet (README, "tokens revoke").
TEST(TokenService, AValidTokenIsRememberedForItsPeriod) {
  testing::TestDb t;
  TokenService tokens(t.db(), absl::Hours(1));
  TokenService elsewhere(t.db());
  IssuedToken issued = *tokens.Create("ops", v1::ROLE_STAFF, "p1");
  ASSERT_TRUE(tokens.Authenticate(issued.secret).ok());
  ASSERT_TRUE(elsewhere.Revoke(issued.record.token_id, "p1").ok());
  EXPECT_TRUE(tokens.Authenticate(issued.secret).ok());
  EXPECT_FALSE(elsewhere.Authenticate(issued.secret).ok());
}

TEST(TokenService, RevokeIsScopedToTheProperty) {
  testing::TestDb t;
  TokenService tokens(t.db());
  IssuedToken issued = *tokens.Create("ops", v1::ROLE_STAFF, "p1");
  EXPECT_EQ(tokens.Revoke(issued.record.token_id, "p2").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(tokens.Authenticate(issued.secret).ok());
  EXPECT_EQ(tokens.List("p2")->size(), 0u);
}

TEST(TokenService, ValidatesItsInput) {
  testing::TestDb t;
  TokenService tokens(t.db());
  EXPECT_EQ(tokens.Create(" ", v1::ROLE_STAFF, "p").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens.Create("x", v1::ROLE_UNSPECIFIED, "p").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tokens.List("")->size(), 0u);
}

}  // namespace
}  // namespace wa::domain
