#include "server/domain/token_service.h"

#include "absl/strings/str_cat.h"
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

// A flood of wrong tokens costs the database at most the budget: a repeated
// one is remembered as unknown, distinct guesses past the budget are refused
// unread, and tokens known to be valid still get in meanwhile.
TEST(TokenService, UnknownTokensAreRefusedWithoutAReadEachTime) {
  testing::TestDb t;
  TokenService tokens(t.db(), absl::Seconds(60), TokenService::UnknownReads{0.001, 5});
  TokenService elsewhere(t.db());  // the tokens command, another process
  IssuedToken known = *tokens.Create("ops", v1::ROLE_STAFF, "p1");

  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(tokens.Authenticate("wat_same_wrong").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(tokens.database_reads(), 1);  // then remembered as unknown
  // Made by the tokens command while the server runs: new to it.
  IssuedToken cli = *elsewhere.Create("cli", v1::ROLE_STAFF, "p1");
  ASSERT_TRUE(tokens.Authenticate(cli.secret).ok());  // within the budget
  EXPECT_EQ(tokens.database_reads(), 2);
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<Caller> refused = tokens.Authenticate(absl::StrCat("wat_guess_", i));
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(DetailOf(refused.status()).code(), "UNAUTHENTICATED");
  }
  EXPECT_EQ(tokens.database_reads(), 5);  // the burst, then nothing
  EXPECT_TRUE(tokens.Authenticate(known.secret).ok());
  EXPECT_TRUE(tokens.Authenticate(cli.secret).ok());
}

// After a restart every token is new to the server: those already in the
// database are known from the first call, so a flood of guesses that has
// spent the budget cannot lock them out.
TEST(TokenService, TokensInTheDatabaseAreKnownFromTheStart) {
  testing::TestDb t;
  TokenService before_restart(t.db());
  IssuedToken existing = *before_restart.Create("desk", v1::ROLE_STAFF, "p1");
  TokenService tokens(t.db(), absl::Seconds(60), TokenService::UnknownReads{0.001, 0});
  EXPECT_FALSE(tokens.Authenticate("wat_guess").ok());
  EXPECT_EQ(tokens.database_reads(), 0);  // no budget at all: refused unread
  absl::StatusOr<Caller> caller = tokens.Authenticate(existing.secret);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->token_id, existing.record.token_id);
  EXPECT_EQ(tokens.database_reads(), 1);  // known, still read once to be trusted
}

// Memory of a valid token's validity ends with its period; being known, it
// is read again whatever the budget of unknown ones.
TEST(TokenService, AKnownTokenIsReadAgainWhenTheBudgetIsSpent) {
  testing::TestDb t;
  TokenService tokens(t.db(), absl::Milliseconds(50), TokenService::UnknownReads{0.001, 1});
  IssuedToken known = *tokens.Create("ops", v1::ROLE_STAFF, "p1");
  EXPECT_FALSE(tokens.Authenticate("wat_guess").ok());  // spends the budget
  absl::SleepFor(absl::Milliseconds(80));
  int64_t reads = tokens.database_reads();
  EXPECT_TRUE(tokens.Authenticate(known.secret).ok());
  EXPECT_EQ(tokens.database_reads(), reads + 1);
  EXPECT_FALSE(tokens.Authenticate("wat_another_guess").ok());
  EXPECT_EQ(tokens.database_reads(), reads + 1);
}

}  // namespace
}  // namespace wa::domain
