// Analytics against figures computed by hand from a generated history:
// two conversations, two staff members, two departments, a template, a
// failure, and resolutions with ratings.
#include "server/domain/analytics_service.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/message_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

const absl::Time kT0 = absl::FromUnixSeconds(1768039200);  // 2026-01-10 10:00 UTC

class AnalyticsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(t_.db().Transaction([&] { return History(); }).ok());
  }

  absl::Status Conversation(const std::string& id, const std::string& department,
                            const std::string& resolved_by, int rating, int resolved_at) {
    storage::ConversationRecord c;
    c.conversation_id = id;
    c.property_id = "p1";
    c.guest_phone = "+1234567890";
    c.created_at = c.updated_at = kT0;
    if (auto s = conversations_.Insert(c); !s.ok()) return s;
    if (auto s = conversations_.Assign(id, "", department, kT0); !s.ok()) return s;
    return conversations_.Resolve(
        id, {kT0 + absl::Seconds(resolved_at), resolved_by, "done", rating, false});
  }

  // One message `at` seconds after kT0, then the statuses it reached.
  absl::Status Message(const std::string& conversation, int at, v1::Direction direction,
                       const std::string& staff = "", const std::string& reached = "",
                       const std::string& template_name = "") {
    storage::MessageRecord m;
    m.message_id = absl::StrCat("msg_", ++count_);
    m.property_id = "p1";
    m.conversation_id = conversation;
    m.direction = direction;
    m.message_type = template_name.empty() ? v1::MESSAGE_TYPE_TEXT : v1::MESSAGE_TYPE_TEMPLATE;
    if (!template_name.empty()) {
      m.payload = absl::StrCat(R"({"template":{"name":")", template_name, R"("}})");
    }
    m.guest_phone = "+1234567890";
    m.staff_member_id = staff;
    m.created_at = kT0 + absl::Seconds(at);
    m.status = direction == v1::DIRECTION_INBOUND ? v1::MESSAGE_STATUS_RECEIVED
                                                  : v1::MESSAGE_STATUS_QUEUED;
    if (auto s = messages_.Insert(m); !s.ok()) return s;
    if (reached.empty()) return absl::OkStatus();
    // The statuses as the provider would have reported them.
    std::string sql =
        reached == "failed"
            ? "UPDATE messages SET status = 5, failed_at = created_at, "
              "failure_reason = '(#131026) Message undeliverable' WHERE message_id = ?"
        : reached == "read"
            ? "UPDATE messages SET status = 4, sent_at = created_at, delivered_at = created_at, "
              "read_at = created_at WHERE message_id = ?"
            : "UPDATE messages SET status = 3, sent_at = created_at, delivered_at = created_at "
              "WHERE message_id = ?";
    absl::StatusOr<storage::Statement> stmt = t_.db().Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, m.message_id);
    return stmt->Run();
  }

  absl::Status History() {
    const auto in = v1::DIRECTION_INBOUND;
    const auto out = v1::DIRECTION_OUTBOUND;
    for (absl::Status s : {
             Conversation("conv_a", "front_desk", "staff_ana", 5, 500),
             Message("conv_a", 0, in),
             Message("conv_a", 60, out, "staff_ana", "read"),
             Message("conv_a", 120, out, "staff_ana", "delivered"),
             Message("conv_a", 300, in),
             Message("conv_a", 310, in),
             Message("conv_a", 400, out, "staff_bob", "failed"),
             Conversation("conv_b", "spa", "staff_bob", 3, 1900),
             Message("conv_b", 1000, out, "staff_bob", "read", "welcome_checkin"),
             Message("conv_b", 1500, in),
             Message("conv_b", 1800, out, "staff_ana", "delivered"),
         }) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  const v1::AnalyticsGroup& Group(const google::protobuf::RepeatedPtrField<v1::AnalyticsGroup>& g,
                                  const std::string& key) {
    for (const v1::AnalyticsGroup& group : g) {
      if (group.key() == key) return group;
    }
    ADD_FAILURE() << "no group " << key;
    return g[0];
  }

  testing::TestDb t_;
  storage::ConversationRepository conversations_{t_.db()};
  storage::MessageRepository messages_{t_.db()};
  AnalyticsService analytics_{t_.db()};
  int count_ = 0;
};

TEST_F(AnalyticsServiceTest, OneConversation) {
  absl::StatusOr<v1::ConversationAnalytics> a = analytics_.ForConversation("p1", "conv_a");
  ASSERT_TRUE(a.ok()) << a.status();
  const v1::DeliveryRates& d = a->delivery_rates();
  EXPECT_EQ(d.total(), 3);
  EXPECT_EQ(d.sent(), 2);
  EXPECT_EQ(d.delivered(), 2);
  EXPECT_EQ(d.read(), 1);
  EXPECT_EQ(d.failed(), 1);
  EXPECT_DOUBLE_EQ(d.delivery_rate(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(d.read_rate(), 0.5);
  EXPECT_EQ(d.failure_reasons().at("(#131026) Message undeliverable"), 1);
  const v1::ResponseTimes& r = a->response_times();
  // Guest turns at 0 and 300 answered at 60 and 400; the staff turn at 60
  // answered by the guest at 300.
  EXPECT_EQ(r.staff_responses(), 2);
  EXPECT_DOUBLE_EQ(r.first_response_seconds(), 60);
  EXPECT_DOUBLE_EQ(r.average_staff_response_seconds(), 80);
  EXPECT_DOUBLE_EQ(r.longest_staff_response_seconds(), 100);
  EXPECT_EQ(r.guest_responses(), 1);
  EXPECT_DOUBLE_EQ(r.average_guest_response_seconds(), 240);
  EXPECT_DOUBLE_EQ(a->satisfaction_score(), 5);
}

TEST_F(AnalyticsServiceTest, AnotherPropertysConversationIsNotFound) {
  absl::StatusOr<v1::ConversationAnalytics> a = analytics_.ForConversation("p2", "conv_a");
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AnalyticsServiceTest, ThePropertyOverall) {
  absl::StatusOr<v1::PropertyAnalytics> p = analytics_.ForProperty("p1", kT0, kT0 + absl::Hours(1));
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::AnalyticsGroup& all = p->overall();
  EXPECT_EQ(all.delivery_rates().total(), 5);
  EXPECT_EQ(all.delivery_rates().sent(), 4);
  EXPECT_EQ(all.delivery_rates().delivered(), 4);
  EXPECT_EQ(all.delivery_rates().read(), 2);
  EXPECT_EQ(all.delivery_rates().failed(), 1);
  EXPECT_EQ(all.response_times().staff_responses(), 3);
  EXPECT_NEAR(all.response_times().average_staff_response_seconds(), 460.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(all.response_times().longest_staff_response_seconds(), 300);
  EXPECT_DOUBLE_EQ(all.response_times().first_response_seconds(), 180);  // (60 + 300) / 2
  EXPECT_DOUBLE_EQ(all.response_times().average_guest_response_seconds(), 370);
  EXPECT_DOUBLE_EQ(all.satisfaction_score(), 4);
  EXPECT_EQ(all.rated_conversations(), 2);
}

TEST_F(AnalyticsServiceTest, ByStaffMemberDepartmentAndTemplate) {
  absl::StatusOr<v1::PropertyAnalytics> p = analytics_.ForProperty("p1", kT0, kT0 + absl::Hours(1));
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::AnalyticsGroup& ana = Group(p->by_staff_member(), "staff_ana");
  EXPECT_EQ(ana.delivery_rates().total(), 3);
  EXPECT_EQ(ana.delivery_rates().failed(), 0);
  EXPECT_EQ(ana.response_times().staff_responses(), 2);
  EXPECT_DOUBLE_EQ(ana.response_times().average_staff_response_seconds(), 180);
  EXPECT_DOUBLE_EQ(ana.response_times().average_guest_response_seconds(), 240);
  EXPECT_DOUBLE_EQ(ana.satisfaction_score(), 5);
  const v1::AnalyticsGroup& bob = Group(p->by_staff_member(), "staff_bob");
  EXPECT_EQ(bob.delivery_rates().total(), 2);
  EXPECT_EQ(bob.delivery_rates().failed(), 1);
  EXPECT_EQ(bob.delivery_rates().read(), 1);
  EXPECT_DOUBLE_EQ(bob.response_times().longest_staff_response_seconds(), 100);
  EXPECT_DOUBLE_EQ(bob.response_times().average_guest_response_seconds(), 500);
  EXPECT_DOUBLE_EQ(bob.satisfaction_score(), 3);

  EXPECT_EQ(Group(p->by_department(), "front_desk").delivery_rates().total(), 3);
  EXPECT_EQ(Group(p->by_department(), "spa").delivery_rates().total(), 2);
  EXPECT_DOUBLE_EQ(Group(p->by_department(), "spa").response_times().first_response_seconds(), 300);
  ASSERT_EQ(p->by_template_size(), 1);
  EXPECT_EQ(p->by_template(0).key(), "welcome_checkin");
  EXPECT_EQ(p->by_template(0).delivery_rates().read(), 1);
}

TEST_F(AnalyticsServiceTest, ARangeCountsOnlyWhatFallsInIt) {
  // conv_b's messages (1000-1800 s) and resolution (1900 s) only.
  absl::StatusOr<v1::PropertyAnalytics> p =
      analytics_.ForProperty("p1", kT0 + absl::Seconds(900), kT0 + absl::Seconds(2000));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->overall().delivery_rates().total(), 2);
  EXPECT_EQ(p->overall().rated_conversations(), 1);
  EXPECT_DOUBLE_EQ(p->overall().satisfaction_score(), 3);
  EXPECT_FALSE(analytics_.ForProperty("p1", kT0 + absl::Hours(1), kT0).ok());
}

}  // namespace
}  // namespace wa::domain
