// Scheduled sends in the domain, on a real database (both stores): the
// release worker's rounds are run with a chosen `now`, a fake clock.
#include "server/domain/scheduled_release.h"

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/analytics_service.h"
#include "server/domain/conversation_service.h"
#include "server/domain/errors.h"
#include "server/domain/inbound_service.h"
#include "server/domain/messaging_service.h"
#include "server/domain/property_service.h"
#include "server/domain/rfc3339.h"
#include "server/domain/schedule_service.h"
#include "tests/unit/server/counting_waker.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class ScheduledReleaseTest : public ::testing::Test {
 protected:
  void GuestWrites(const std::string& phone, absl::Time at, const std::string& text = "hello") {
    InboundMessage in;
    in.guest_phone = phone;
    in.whatsapp_message_id = "wamid.in." + std::to_string(++inbound_count_);
    in.body = text;
    in.at = at;
    ASSERT_TRUE(inbound_.Record("p1", in).ok());
  }

  OutboundRequest Text(const std::string& phone, absl::Time send_at) {
    OutboundRequest r;
    r.guest_phone = phone;
    r.body = "Your room is ready";
    r.timing.send_at = Rfc3339(send_at);
    return r;
  }

  storage::MessageRecord Stored(const std::string& id) {
    absl::StatusOr<storage::MessageRecord> m = messaging_.Get("p1", id);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.value_or(storage::MessageRecord{});
  }

  int Release(absl::Time now) {
    absl::StatusOr<ScheduledRelease::Round> round = release_.Run(now, 100);
    EXPECT_TRUE(round.ok()) << round.status();
    return round.ok() ? round->released : -1;
  }

  testing::TestDb t_;
  testing::CountingWaker<SendQueueWaker> send_queue_;
  testing::CountingWaker<ScheduleWaker> releaser_;
  int inbound_count_ = 0;
  absl::Time now_ = absl::Now();
  MessagingService messaging_{t_.db()};
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  ScheduledRelease release_{t_.db(), nullptr};
  ScheduleService schedules_{t_.db(), nullptr};
  ConversationService conversations_{t_.db()};
  PropertyService properties_{t_.db()};
  Caller staff_{"tok_1", v1::ROLE_STAFF, "p1"};

  void SetUp() override {
    messaging_.set_send_queue(&send_queue_);
    messaging_.set_scheduling(&releaser_, nullptr);
  }
};

TEST_F(ScheduledReleaseTest, StoredAsScheduledAndReleasedOnceWhenDue) {
  GuestWrites("+15550001", now_ - absl::Hours(1));
  absl::StatusOr<storage::MessageRecord> sent =
      messaging_.SendText(staff_, Text("+15550001", now_ + absl::Minutes(10)));
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->status, v1::MESSAGE_STATUS_SCHEDULED);
  EXPECT_GE(*sent->scheduled_for, now_ + absl::Minutes(10) - absl::Seconds(1));
  EXPECT_FALSE(Stored(sent->message_id).next_attempt_at.has_value());  // not the queue's yet
  EXPECT_EQ(send_queue_.wakes, 0);
  EXPECT_EQ(releaser_.wakes, 1);

  EXPECT_EQ(Release(now_ + absl::Minutes(9)), 0);
  EXPECT_EQ(Release(now_ + absl::Minutes(10)), 1);
  storage::MessageRecord released = Stored(sent->message_id);
  EXPECT_EQ(released.status, v1::MESSAGE_STATUS_QUEUED);
  EXPECT_TRUE(released.next_attempt_at.has_value());
  EXPECT_EQ(Release(now_ + absl::Minutes(11)), 0);  // never twice
}

TEST_F(ScheduledReleaseTest, FreeFormPastTheWindowIsRefusedUnlessItGoesInside) {
  GuestWrites("+15550002", now_ - absl::Hours(23));
  absl::StatusOr<storage::MessageRecord> late =
      messaging_.SendText(staff_, Text("+15550002", now_ + absl::Hours(2)));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(DetailOf(late.status()).code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_TRUE(messaging_.SendText(staff_, Text("+15550002", now_ + absl::Minutes(30))).ok());
}

TEST_F(ScheduledReleaseTest, WindowAndConsentAreCheckedAgainAtRelease) {
  GuestWrites("+15550003", now_ - absl::Hours(23));
  auto closing = messaging_.SendText(staff_, Text("+15550003", now_ + absl::Minutes(30)));
  ASSERT_TRUE(closing.ok()) << closing.status();
  // Released late (the process was down): the window has closed by then.
  EXPECT_EQ(Release(now_ + absl::Hours(2)), 0);
  storage::MessageRecord failed = Stored(closing->message_id);
  EXPECT_EQ(failed.status, v1::MESSAGE_STATUS_FAILED);
  EXPECT_TRUE(absl::StartsWith(failed.failure_reason, "MESSAGE_WINDOW_EXPIRED: "))
      << failed.failure_reason;

  GuestWrites("+15550004", now_ - absl::Minutes(5));
  auto later = messaging_.SendText(staff_, Text("+15550004", now_ + absl::Minutes(30)));
  ASSERT_TRUE(later.ok()) << later.status();
  GuestWrites("+15550004", now_, "STOP");  // opts out meanwhile
  EXPECT_EQ(Release(now_ + absl::Minutes(31)), 0);
  failed = Stored(later->message_id);
  EXPECT_EQ(failed.status, v1::MESSAGE_STATUS_FAILED);
  EXPECT_TRUE(absl::StartsWith(failed.failure_reason, "GUEST_OPTED_OUT: "))
      << failed.failure_reason;
}

TEST_F(ScheduledReleaseTest, ExpiresInsteadOfGoingLate) {
  GuestWrites("+15550005", now_ - absl::Hours(1));
  OutboundRequest r = Text("+15550005", now_ + absl::Minutes(10));
  r.timing.valid_until = Rfc3339(now_ + absl::Minutes(20));
  auto sent = messaging_.SendText(staff_, std::move(r));
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(Release(now_ + absl::Minutes(25)), 0);
  storage::MessageRecord expired = Stored(sent->message_id);
  EXPECT_EQ(expired.status, v1::MESSAGE_STATUS_EXPIRED);
  EXPECT_TRUE(absl::StartsWith(expired.failure_reason, "EXPIRED: ")) << expired.failure_reason;
  EXPECT_FALSE(expired.next_attempt_at.has_value());
  // The funnel counts it: scheduled, then expired.
  auto cancelled = messaging_.SendText(staff_, Text("+15550005", now_ + absl::Minutes(10)));
  ASSERT_TRUE(cancelled.ok());
  ASSERT_TRUE(schedules_.Cancel("p1", cancelled->message_id, "").ok());
  auto funnel = AnalyticsService(t_.db()).ForConversation("p1", sent->conversation_id);
  ASSERT_TRUE(funnel.ok()) << funnel.status();
  EXPECT_EQ(funnel->delivery_rates().scheduled(), 2);
  EXPECT_EQ(funnel->delivery_rates().expired(), 1);
  EXPECT_EQ(funnel->delivery_rates().cancelled(), 1);
}

TEST_F(ScheduledReleaseTest, QuietHoursHoldAMessageUntilTheyEnd) {
  GuestWrites("+15550006", now_ - absl::Hours(1));
  // Quiet hours from an hour from now to two hours from now (UTC property).
  absl::Time start = absl::FromUnixSeconds((absl::ToUnixSeconds(now_) / 60 + 60) * 60);
  auto hhmm = [](absl::Time t) { return absl::FormatTime("%H:%M", t, absl::UTCTimeZone()); };
  ASSERT_TRUE(properties_.SetQuietHours("p1", hhmm(start), hhmm(start + absl::Hours(1))).ok());
  OutboundRequest r = Text("+15550006", start + absl::Minutes(30));
  r.timing.respect_quiet_hours = true;
  auto quiet = messaging_.SendText(staff_, std::move(r));
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_EQ(*quiet->scheduled_for, start + absl::Hours(1));
  // One that did not opt in goes in the quiet hours.
  auto plain = messaging_.SendText(staff_, Text("+15550006", start + absl::Minutes(30)));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain->scheduled_for, start + absl::Minutes(30));
  EXPECT_EQ(Release(start + absl::Minutes(31)), 1);
  EXPECT_EQ(Stored(quiet->message_id).status, v1::MESSAGE_STATUS_SCHEDULED);
  EXPECT_EQ(Release(start + absl::Hours(1)), 1);

  // Quiet hours set after scheduling still hold it at release.
  auto early = messaging_.SendText(staff_, [&] {
    OutboundRequest e = Text("+15550006", now_ + absl::Minutes(5));
    e.timing.respect_quiet_hours = true;
    return e;
  }());
  ASSERT_TRUE(early.ok());
  absl::Time five = absl::FromUnixSeconds((absl::ToUnixSeconds(now_) / 60) * 60);
  ASSERT_TRUE(properties_.SetQuietHours("p1", hhmm(five), hhmm(five + absl::Minutes(20))).ok());
  EXPECT_EQ(Release(now_ + absl::Minutes(6)), 0);
  EXPECT_EQ(*Stored(early->message_id).scheduled_for, five + absl::Minutes(20));
}

// A marketing template sent during quiet hours, without send_at, waits for
// their end; at release its template is checked again (here: gone).
TEST_F(ScheduledReleaseTest, MarketingWaitsOutQuietHoursAndItsTemplateIsRechecked) {
  absl::Time minute = absl::FromUnixSeconds((absl::ToUnixSeconds(now_) / 60) * 60);
  auto hhmm = [](absl::Time t) { return absl::FormatTime("%H:%M", t, absl::UTCTimeZone()); };
  ASSERT_TRUE(properties_.SetQuietHours("p1", hhmm(minute), hhmm(minute + absl::Minutes(20))).ok());
  OutboundRequest r;
  r.guest_phone = "+15550011";
  r.body = "20% off at the spa this weekend";
  r.marketing = true;
  r.content.mutable_template_()->set_name("spa_offer");
  r.content.mutable_template_()->set_language("en");
  auto sent = messaging_.SendTemplate(staff_, std::move(r));
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->status, v1::MESSAGE_STATUS_SCHEDULED);
  EXPECT_EQ(*sent->scheduled_for, minute + absl::Minutes(20));
  EXPECT_EQ(Release(minute + absl::Minutes(20)), 0);
  storage::MessageRecord failed = Stored(sent->message_id);
  EXPECT_EQ(failed.status, v1::MESSAGE_STATUS_FAILED);
  EXPECT_TRUE(absl::StartsWith(failed.failure_reason, "TEMPLATE_NOT_FOUND: "))
      << failed.failure_reason;
}

TEST_F(ScheduledReleaseTest, ARelativeSendFollowsItsConversationsMetadata) {
  GuestWrites("+15550007", now_ - absl::Hours(1));
  OutboundRequest r = Text("+15550007", now_);
  r.timing.send_at = "";
  r.timing.relative_to = "metadata.checkin_at";
  r.timing.offset = "-48h";
  absl::Time checkin = absl::FromUnixSeconds(absl::ToUnixSeconds(now_)) + absl::Hours(50);
  r.conversation_metadata = {{"checkin_at", Rfc3339(checkin)}};
  auto sent = messaging_.SendText(staff_, std::move(r));
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(*sent->scheduled_for, checkin - absl::Hours(48));

  // The stay moves an hour earlier: so does the message.
  ASSERT_TRUE(conversations_
                  .UpdateMetadata("p1", sent->conversation_id,
                                  {{"checkin_at", Rfc3339(checkin - absl::Hours(1))}}, {})
                  .ok());
  EXPECT_EQ(*Stored(sent->message_id).scheduled_for, checkin - absl::Hours(49));
  // The stay is cancelled: so is the message, with the reason.
  ASSERT_TRUE(conversations_.UpdateMetadata("p1", sent->conversation_id, {}, {"checkin_at"}).ok());
  storage::MessageRecord cancelled = Stored(sent->message_id);
  EXPECT_EQ(cancelled.status, v1::MESSAGE_STATUS_CANCELLED);
  EXPECT_TRUE(absl::StrContains(cancelled.failure_reason, "metadata.checkin_at"))
      << cancelled.failure_reason;
}

TEST_F(ScheduledReleaseTest, CancelAndRescheduleOnlyWhatHasNotGone) {
  GuestWrites("+15550008", now_ - absl::Hours(1));
  auto a = messaging_.SendText(staff_, Text("+15550008", now_ + absl::Hours(1)));
  ASSERT_TRUE(a.ok());
  auto moved = schedules_.Reschedule(
      "p1", a->message_id, TimingRequest{Rfc3339(now_ + absl::Hours(2)), "", "", "", false});
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_GE(*moved->scheduled_for, now_ + absl::Hours(2) - absl::Seconds(1));
  EXPECT_FALSE(schedules_.Cancel("p2", a->message_id, "").ok());  // another property's
  auto cancelled = schedules_.Cancel("p1", a->message_id, "guest checked out early");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status, v1::MESSAGE_STATUS_CANCELLED);
  EXPECT_EQ(cancelled->failure_reason, "CANCELLED: guest checked out early");
  EXPECT_EQ(Release(now_ + absl::Hours(3)), 0);
  auto again = schedules_.Cancel("p1", a->message_id, "");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(schedules_
                   .Reschedule("p1", a->message_id,
                               TimingRequest{Rfc3339(now_ + absl::Hours(2)), "", "", "", false})
                   .ok());
}

// Two releasers on one database, as two instances: each message is
// released exactly once.
TEST_F(ScheduledReleaseTest, TwoReleasersReleaseEachMessageOnce) {
  GuestWrites("+15550009", now_ - absl::Hours(1));
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(messaging_.SendText(staff_, Text("+15550009", now_ + absl::Minutes(1))).ok());
  }
  std::unique_ptr<storage::Database> other_db = t_.OpenAnother();
  ScheduledRelease other(*other_db, nullptr);
  std::atomic<int> released{0};
  auto run = [&](ScheduledRelease& r) {
    for (int round = 0; round < 20; ++round) {
      absl::StatusOr<ScheduledRelease::Round> done = r.Run(now_ + absl::Minutes(2), 7);
      EXPECT_TRUE(done.ok()) << done.status();
      if (done.ok()) released += done->released;
    }
  };
  std::thread one([&] { run(release_); });
  std::thread two([&] { run(other); });
  one.join();
  two.join();
  EXPECT_EQ(released.load(), 60);
}

// Cancels racing a release: each message ends one way, cancelled (and out
// of the send queue) or queued.
TEST_F(ScheduledReleaseTest, CancelRacingReleaseHasOneOutcome) {
  GuestWrites("+15550010", now_ - absl::Hours(1));
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    auto m = messaging_.SendText(staff_, Text("+15550010", now_ + absl::Minutes(1)));
    ASSERT_TRUE(m.ok()) << m.status();
    ids.push_back(m->message_id);
  }
  std::atomic<int> cancelled{0};
  std::thread releaser([&] {
    for (int round = 0; round < 10; ++round) release_.Run(now_ + absl::Minutes(2), 5).IgnoreError();
  });
  std::thread cancels([&] {
    for (size_t i = 0; i < ids.size(); i += 2) {
      if (schedules_.Cancel("p1", ids[i], "").ok()) ++cancelled;
    }
  });
  releaser.join();
  cancels.join();
  // Nothing was in a call to the provider (no send queue here): every
  // cancel wins, whether before or after the release.
  EXPECT_EQ(cancelled.load(), 20);
  for (size_t i = 0; i < ids.size(); ++i) {
    storage::MessageRecord m = Stored(ids[i]);
    if (i % 2 == 0) {
      EXPECT_EQ(m.status, v1::MESSAGE_STATUS_CANCELLED);
      EXPECT_FALSE(m.next_attempt_at.has_value());
    } else {
      EXPECT_EQ(m.status, v1::MESSAGE_STATUS_QUEUED);
    }
  }
}

}  // namespace
}  // namespace wa::domain
