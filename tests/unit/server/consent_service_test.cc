#include "server/domain/consent_service.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/inbound_service.h"
#include "server/domain/messaging_service.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class ConsentTest : public ::testing::Test {
 protected:
  void GuestWrites(const std::string& text, absl::Time at = absl::Now(),
                   const std::string& phone = kGuest) {
    InboundMessage in;
    in.guest_phone = phone;
    in.whatsapp_message_id = "wamid." + std::to_string(++count_);
    in.body = text;
    in.at = at;
    ASSERT_TRUE(inbound_.Record("p1", in).ok());
  }

  // Meta's user_preferences callback for marketing messages.
  void MarketingPreference(bool resume, absl::Time at) {
    ASSERT_TRUE(t_.db()
                    .Transaction(
                        [&] { return consent_.ApplyMarketingPreference("p1", kGuest, resume, at); })
                    .ok());
  }

  storage::ConsentRecord Consent() { return consent_.Get("p1", kGuest)->consent; }

  absl::Status SendText() {
    OutboundRequest r;
    r.guest_phone = kGuest;
    r.body = "Your room is ready";
    return messaging_.SendText(Caller{"tok", v1::ROLE_STAFF, "p1"}, r).status();
  }

  static constexpr char kGuest[] = "+447700900123";
  testing::TestDb t_;
  int count_ = 0;
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  MessagingService messaging_{t_.db()};
  ConsentService consent_{t_.db()};
};

TEST_F(ConsentTest, StopOptsOutAndStartOptsBackIn) {
  GuestWrites("Hello");
  EXPECT_TRUE(SendText().ok());
  GuestWrites("  stop ");
  absl::Status refused = SendText();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(DetailOf(refused).code(), "GUEST_OPTED_OUT");
  GuestWrites("Start");
  EXPECT_TRUE(SendText().ok());

  absl::StatusOr<ConsentView> view = consent_.Get("p1", kGuest);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->history.size(), 2u);
  EXPECT_TRUE(view->history[0].opted_in);  // newest first
  EXPECT_EQ(view->history[0].source, "inbound_keyword");
  EXPECT_FALSE(view->history[1].opted_in);
  EXPECT_EQ(view->history[1].reason, "stop");
}

TEST_F(ConsentTest, OnlyAWholeMessageIsAKeyword) {
  GuestWrites("please stop the noise in room 412");
  EXPECT_TRUE(SendText().ok());
  EXPECT_TRUE(consent_.Get("p1", kGuest)->history.empty());
}

TEST_F(ConsentTest, KeywordsAreConfigurable) {
  InboundService french(t_.db(), ConsentKeywords{{"ARRET"}, {"DEMARRER"}});
  InboundMessage in;
  in.guest_phone = kGuest;
  in.whatsapp_message_id = "wamid.fr";
  in.body = "arret";
  in.at = absl::Now();
  ASSERT_TRUE(french.Record("p1", in).ok());
  EXPECT_TRUE(consent_.Get("p1", kGuest)->consent.opted_out);
}

TEST_F(ConsentTest, MarketingOptOutDoesNotBlockServiceMessages) {
  GuestWrites("Hello");
  ASSERT_TRUE(t_.db()
                  .Transaction([&] {
                    return consent_.ApplyMarketingPreference("p1", kGuest, false, absl::Now());
                  })
                  .ok());
  EXPECT_TRUE(SendText().ok());
  storage::ConsentRepository repo(t_.db());
  absl::Status marketing = t_.db().Read([&] { return CheckConsent(repo, "p1", kGuest, true); });
  EXPECT_EQ(DetailOf(marketing).code(), "GUEST_OPTED_OUT");
  EXPECT_TRUE(consent_.Get("p1", kGuest)->consent.marketing_opted_out);
}

TEST_F(ConsentTest, AdminSetsConsentWithAReason) {
  GuestWrites("Hello");
  absl::StatusOr<ConsentView> view =
      consent_.Set("p1", "+44 7700 900123", "all", false, "asked by phone");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_TRUE(view->consent.opted_out);
  EXPECT_EQ(view->history[0].source, "admin");
  EXPECT_EQ(DetailOf(SendText()).code(), "GUEST_OPTED_OUT");
  // Opting in to everything also lifts a marketing opt-out.
  ASSERT_TRUE(consent_.Set("p1", kGuest, "marketing", false, "form").ok());
  view = consent_.Set("p1", kGuest, "all", true, "new booking consent");
  EXPECT_FALSE(view->consent.opted_out);
  EXPECT_FALSE(view->consent.marketing_opted_out);
  EXPECT_TRUE(SendText().ok());
}

TEST_F(ConsentTest, RefusesBadInputAndChangesNothing) {
  EXPECT_EQ(consent_.Set("p1", kGuest, "sms", false, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(consent_.Set("p1", kGuest, "all", false, " ").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DetailOf(consent_.Set("p1", "123", "all", false, "x").status()).code(),
            "INVALID_PHONE_NUMBER");
  EXPECT_TRUE(consent_.Get("p1", kGuest)->history.empty());
}

TEST_F(ConsentTest, ConsentIsPerProperty) {
  GuestWrites("STOP");
  EXPECT_FALSE(consent_.Get("p2", kGuest)->consent.opted_out);
}

// Events apply in the order they happened, whatever order they arrive in:
// both ways round, a STOP followed by an older START stays stopped.
TEST_F(ConsentTest, AnOlderEventNeverOverridesANewerOne) {
  const absl::Time now = absl::Now();
  GuestWrites("STOP", now);
  GuestWrites("START", now - absl::Minutes(5));  // arrives late
  EXPECT_TRUE(Consent().opted_out);
  EXPECT_EQ(DetailOf(SendText()).code(), "GUEST_OPTED_OUT");
  EXPECT_EQ(Consent().updated_at, absl::FromUnixMicros(absl::ToUnixMicros(now)));

  // The other way round, for another guest: in order this time.
  const std::string other = "+447700900124";
  GuestWrites("START", now - absl::Minutes(5), other);
  GuestWrites("STOP", now, other);
  EXPECT_TRUE(consent_.Get("p1", other)->consent.opted_out);
}

TEST_F(ConsentTest, AnOlderMarketingResumeNeverUndoesALaterStop) {
  const absl::Time now = absl::Now();
  MarketingPreference(/*resume=*/false, now);
  MarketingPreference(/*resume=*/true, now - absl::Hours(1));
  EXPECT_TRUE(Consent().marketing_opted_out);
  MarketingPreference(/*resume=*/true, now + absl::Seconds(1));  // a newer resume does
  EXPECT_FALSE(Consent().marketing_opted_out);
  // A general STOP older than the marketing resume still stands on its own.
  GuestWrites("STOP", now - absl::Minutes(30));
  EXPECT_TRUE(Consent().opted_out);
  EXPECT_FALSE(Consent().marketing_opted_out);
}

// Meta re-delivers callbacks: the same preference twice is one event.
TEST_F(ConsentTest, ARedeliveredPreferenceIsRecordedOnce) {
  const absl::Time at = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  MarketingPreference(/*resume=*/false, at);
  MarketingPreference(/*resume=*/true, at + absl::Seconds(10));
  MarketingPreference(/*resume=*/false, at);  // re-delivered, after the resume
  EXPECT_FALSE(Consent().marketing_opted_out);
  EXPECT_EQ(consent_.Get("p1", kGuest)->history.size(), 2u);
}

}  // namespace
}  // namespace wa::domain
