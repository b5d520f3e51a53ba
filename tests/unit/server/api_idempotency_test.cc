#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "server/api/idempotency.h"
#include "tests/unit/server/test_db.h"

namespace wa::api {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

v1::SendTemplateMessageRequest Followup(const std::string& key) {
  v1::SendTemplateMessageRequest r;
  r.set_guest_phone("+1234567890");
  r.set_template_name("service_followup");
  (*r.mutable_parameters())["guest_name"] = "John";
  (*r.mutable_parameters())["service_type"] = "Spa";
  r.set_idempotency_key(key);
  return r;
}

TEST(FingerprintTest, TheKeyIsLeftOutAndEverythingElseCounts) {
  EXPECT_EQ(Fingerprint(Followup("a")), Fingerprint(Followup("b")));
  v1::SendTemplateMessageRequest other = Followup("a");
  (*other.mutable_parameters())["guest_name"] = "Jane";
  EXPECT_NE(Fingerprint(other), Fingerprint(Followup("a")));
  // The same map built in another order hashes the same.
  v1::SendTemplateMessageRequest reordered;
  reordered.set_guest_phone("+1234567890");
  reordered.set_template_name("service_followup");
  (*reordered.mutable_parameters())["service_type"] = "Spa";
  (*reordered.mutable_parameters())["guest_name"] = "John";
  EXPECT_EQ(Fingerprint(reordered), Fingerprint(Followup("")));
}

class RunIdempotentTest : public ::testing::Test {
 protected:
  // A send that commits one row per call and answers with its number.
  absl::Status Send(const v1::SendTemplateMessageRequest& request,
                    v1::SendMessageResponse* response) {
    return RunIdempotent(keys_, context_, caller_, request, response, [&](Remember remember) {
      return t_.db().Transaction([&]() -> absl::Status {
        ++sends_;
        response->set_message_id("msg_" + std::to_string(sends_));
        return remember ? remember() : absl::OkStatus();
      });
    });
  }

  testing::TestDb t_;
  domain::IdempotencyService keys_{t_.db()};
  grpc::ServerContext context_;
  domain::Caller caller_{"tok_1", v1::ROLE_STAFF, "p1"};
  int sends_ = 0;
};

TEST_F(RunIdempotentTest, ARepeatReplaysWithoutSending) {
  v1::SendMessageResponse first, again;
  ASSERT_TRUE(Send(Followup("k1"), &first).ok());
  ASSERT_TRUE(Send(Followup("k1"), &again).ok());
  EXPECT_EQ(sends_, 1);
  EXPECT_EQ(again.message_id(), first.message_id());
}

TEST_F(RunIdempotentTest, WithoutAKeyEveryCallSends) {
  v1::SendMessageResponse first, again;
  ASSERT_TRUE(Send(Followup(""), &first).ok());
  ASSERT_TRUE(Send(Followup(""), &again).ok());
  EXPECT_EQ(sends_, 2);
  EXPECT_NE(again.message_id(), first.message_id());
}

TEST_F(RunIdempotentTest, AnotherRequestUnderTheKeyIsRefusedAndSendsNothing) {
  v1::SendMessageResponse first, refused;
  ASSERT_TRUE(Send(Followup("k1"), &first).ok());
  v1::SendTemplateMessageRequest other = Followup("k1");
  other.set_guest_phone("+1234567891");
  EXPECT_EQ(Send(other, &refused).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(sends_, 1);
}

TEST_F(RunIdempotentTest, ALoserOfAConcurrentClaimAnswersTheWinnersResult) {
  // The twin's row appears between this call's lookup and its commit.
  v1::SendMessageResponse response;
  absl::Status s =
      RunIdempotent(keys_, context_, caller_, Followup("k1"), &response, [&](Remember remember) {
        v1::SendMessageResponse twin;
        twin.set_message_id("msg_twin");
        domain::IdempotentCall call{"p1", "k1", Followup("k1").GetDescriptor()->full_name(),
                                    Fingerprint(Followup("k1"))};
        EXPECT_TRUE(t_.db()
                        .Transaction([&] {
                          return keys_.RememberInTransaction(call, twin.SerializeAsString());
                        })
                        .ok());
        return t_.db().Transaction([&]() -> absl::Status {
          response.set_message_id("msg_mine");
          return remember();
        });
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(response.message_id(), "msg_twin");
}

}  // namespace
}  // namespace wa::api
