#include "server/domain/idempotency_service.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

class IdempotencyServiceTest : public ::testing::Test {
 protected:
  IdempotentCall Call(const std::string& key, const std::string& fingerprint = "f1") {
    return {"p1", key, "SendMessageRequest", fingerprint};
  }
  absl::Status Remember(IdempotencyService& keys, const IdempotentCall& call,
                        const std::string& answer) {
    return t_.db().Transaction([&] { return keys.RememberInTransaction(call, answer); });
  }

  testing::TestDb t_;
  IdempotencyService keys_{t_.db()};
};

TEST_F(IdempotencyServiceTest, ARepeatGetsTheFirstAnswer) {
  absl::StatusOr<std::optional<std::string>> first = keys_.Replay(Call("k1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->has_value()) << "a new key";
  ASSERT_TRUE(Remember(keys_, Call("k1"), "answer-1").ok());
  absl::StatusOr<std::optional<std::string>> again = keys_.Replay(Call("k1"));
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ(**again, "answer-1");
}

TEST_F(IdempotencyServiceTest, TheSameKeyForAnotherRequestIsRefused) {
  ASSERT_TRUE(Remember(keys_, Call("k1", "f1"), "answer-1").ok());
  absl::Status other = keys_.Replay(Call("k1", "f2")).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(DetailOf(other).code(), "ALREADY_EXISTS");
  IdempotentCall another_method = Call("k1");
  another_method.method = "BatchSendMessagesRequest";
  EXPECT_EQ(keys_.Replay(another_method).status().code(), absl::StatusCode::kAlreadyExists);
  IdempotentCall another_property = Call("k1", "f2");
  another_property.property_id = "p2";
  EXPECT_TRUE(keys_.Replay(another_property).ok()) << "keys are per property";
}

TEST_F(IdempotencyServiceTest, MalformedKeysAreRefused) {
  EXPECT_EQ(keys_.Replay(Call(std::string(256, 'k'))).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(keys_.Replay(Call("has space")).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IdempotencyServiceTest, AKeyExpiresAfterTheRetention) {
  IdempotencyService short_lived(t_.db(), absl::Milliseconds(50));
  ASSERT_TRUE(Remember(short_lived, Call("k1"), "answer-1").ok());
  absl::SleepFor(absl::Milliseconds(80));
  absl::StatusOr<std::optional<std::string>> later = short_lived.Replay(Call("k1", "f2"));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_FALSE(later->has_value());
  EXPECT_TRUE(Remember(short_lived, Call("k1", "f2"), "answer-2").ok()) << "the key is free again";
  EXPECT_EQ(**short_lived.Replay(Call("k1", "f2")), "answer-2");
}

TEST_F(IdempotencyServiceTest, OfConcurrentClaimsExactlyOneWins) {
  constexpr int kThreads = 8;
  std::atomic<int> won{0}, taken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      absl::Status s = Remember(keys_, Call("k1"), "answer-" + std::to_string(i));
      if (s.ok()) ++won;
      if (IdempotencyService::IsKeyTaken(s)) ++taken;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(taken.load(), kThreads - 1);
}

}  // namespace
}  // namespace wa::domain
