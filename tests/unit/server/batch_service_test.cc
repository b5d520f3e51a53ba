#include "server/domain/batch_service.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/inbound_service.h"
#include "server/provider/sandbox_provider.h"
#include "server/storage/message_repository.h"
#include "tests/unit/server/counting_waker.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using storage::BatchItemState;

class BatchServiceTest : public ::testing::Test {
 protected:
  void GuestWrites(const std::string& phone) {
    InboundMessage in;
    in.guest_phone = phone;
    in.whatsapp_message_id = "wamid.in." + std::to_string(++inbound_count_);
    in.body = "hello";
    in.at = absl::Now() - absl::Minutes(5);
    ASSERT_TRUE(inbound_.Record("p1", in).ok());
  }

  // `count` guests who wrote in, each sent one text.
  BatchRequest Texts(int count, double rate) {
    BatchRequest r;
    for (int i = 0; i < count; ++i) {
      std::string phone = "+1555000" + std::to_string(1000 + i);
      GuestWrites(phone);
      r.items.push_back({phone, "Message " + std::to_string(i)});
    }
    r.messages_per_second = rate;
    return r;
  }

  std::unique_ptr<BatchService> NewService() {
    auto service = std::make_unique<BatchService>(
        t_.db(), messaging_, templates_, BatchService::Options{.max_messages_per_second = 80},
        &events_);
    service->set_runner(&runner_);
    return service;
  }

  int64_t Count(const std::string& sql) {
    return *storage::ReadValue(t_.db(), [&]() -> absl::StatusOr<int64_t> {
      auto stmt = t_.db().Prepare(sql);
      if (!stmt.ok()) return stmt.status();
      if (auto row = stmt->Step(); !row.ok()) return row.status();
      return stmt->ColumnInt(0);
    });
  }
  int64_t Messages() { return Count("SELECT COUNT(*) FROM messages WHERE direction = 2"); }

  // What the send queue does once the provider has the messages.
  void ProviderAcceptsAll() {
    ASSERT_TRUE(t_.db()
                    .Transaction([&] {
                      return t_.db().Exec(
                          "UPDATE messages SET next_attempt_at = NULL, status = 2 "
                          "WHERE direction = 2");
                    })
                    .ok());
  }

  BatchView View(const std::string& id) {
    absl::StatusOr<BatchView> view = batches_->Get("p1", id, 0, "");
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? *view : BatchView{};
  }

  testing::TestDb t_;
  int inbound_count_ = 0;
  testing::CountingWaker<BatchWaker> runner_;
  testing::CountingWaker<EventWaker> events_;
  MessagingService messaging_{t_.db()};
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  provider::SandboxProvider sandbox_{{}};
  TemplateService templates_{t_.db(), messaging_, sandbox_, {.starter_catalog = true}};
  std::unique_ptr<BatchService> batches_ = NewService();
  Caller staff_{"tok_1", v1::ROLE_STAFF, "p1"};
};

TEST_F(BatchServiceTest, InvalidItemsAreRefusedAloneAndTheRestAccepted) {
  GuestWrites("+1234567890");
  BatchRequest r;
  r.items.push_back({"+1234567890", "Welcome!"});
  r.items.push_back({"12", "bad phone"});
  r.items.push_back({"+1234567891", "   "});
  r.items.push_back({"+1234567892", "", "no_such_template", "en"});
  r.items.push_back({"+1234567893",
                     "",
                     "service_followup",
                     "en",
                     {{"guest_name", "John"}, {"service_type", "Spa Massage"}}});
  r.items.push_back({"+1234567894", "", "service_followup", "en", {{"guest_name", "John"}}});
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, r);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->accepted, 2);
  EXPECT_EQ(accepted->rejected, 4);
  ASSERT_EQ(accepted->errors.size(), 4u);
  EXPECT_EQ(accepted->errors[0].index, 1);
  EXPECT_EQ(accepted->errors[0].code, "INVALID_PHONE_NUMBER");
  EXPECT_EQ(accepted->errors[1].index, 2);
  EXPECT_EQ(accepted->errors[1].code, "INVALID_ARGUMENT");
  EXPECT_EQ(accepted->errors[2].index, 3);
  EXPECT_EQ(accepted->errors[2].code, "TEMPLATE_NOT_FOUND");
  EXPECT_EQ(accepted->errors[3].index, 5);
  EXPECT_EQ(runner_.wakes, 1);

  BatchView view = View(accepted->batch_id);
  EXPECT_EQ(view.batch.total, 6);
  EXPECT_EQ(view.counts.pending, 2);
  EXPECT_EQ(view.counts.failed, 4);
  ASSERT_EQ(view.items.size(), 6u);
  EXPECT_EQ(view.items[1].state, BatchItemState::kRejected);
  EXPECT_EQ(Messages(), 0) << "nothing is sent before the worker releases it";
}

TEST_F(BatchServiceTest, ABatchOfNothingValidIsRefusedWithItsErrors) {
  BatchRequest r;
  r.items.push_back({"nope", "x"});
  r.items.push_back({"+447700900123", ""});
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, r);
  ASSERT_EQ(accepted.status().code(), absl::StatusCode::kInvalidArgument);
  v1::ErrorDetail detail = DetailOf(accepted.status());
  const auto& errors = detail.details().fields().at("errors").list_value().values();
  ASSERT_EQ(errors.size(), 2);
  EXPECT_EQ(errors[0].struct_value().fields().at("code").string_value(), "INVALID_PHONE_NUMBER");
  EXPECT_EQ(errors[1].struct_value().fields().at("index").number_value(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0) << "nothing is stored";
}

TEST_F(BatchServiceTest, ItemsTakeSendsShapeToo) {
  BatchRequest r;
  BatchItemInput send_shape;
  send_shape.guest_phone = "+447700900123";
  send_shape.content = "hi";
  send_shape.message_type = v1::MESSAGE_TYPE_TEXT;
  r.items.push_back(send_shape);
  BatchItemInput both = send_shape;
  both.phone = "+447700900124";
  r.items.push_back(both);
  BatchItemInput media = send_shape;
  media.message_type = v1::MESSAGE_TYPE_IMAGE;
  r.items.push_back(media);
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, r);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->accepted, 1);
  ASSERT_EQ(accepted->errors.size(), 2u);
  EXPECT_EQ(accepted->errors[0].message, "give phone or guest_phone, not both");
  EXPECT_EQ(accepted->errors[1].message, "message_type must be text or template in a batch");
  EXPECT_EQ(View(accepted->batch_id).items[0].phone, "+447700900123");
}

TEST_F(BatchServiceTest, BadBatchesAreRefusedWhole) {
  EXPECT_EQ(DetailOf(batches_->Create(staff_, BatchRequest{}).status()).code(), "INVALID_ARGUMENT");
  BatchRequest negative = Texts(1, -1);
  EXPECT_EQ(batches_->Create(staff_, negative).status().code(), absl::StatusCode::kInvalidArgument);
  BatchRequest huge = Texts(1, 10);
  huge.batch_size = 5000;
  EXPECT_EQ(batches_->Create(staff_, huge).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);
}

TEST_F(BatchServiceTest, ItemsAreReleasedOnTheBatchsScheduleNotAllAtOnce) {
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, Texts(20, 10));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->messages_per_second, 10);
  absl::Time created = View(accepted->batch_id).batch.created_at;
  // 10 per second: items due at +0, +0.1, ..., +0.5 s.
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(550)).ok());
  EXPECT_EQ(Messages(), 6);
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(560)).ok());
  EXPECT_EQ(Messages(), 6) << "nothing more is due yet";
  absl::StatusOr<absl::Time> next = batches_->Run(created + absl::Milliseconds(1050));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Messages(), 11);
  EXPECT_EQ(*next, created + absl::Milliseconds(1100)) << "the worker wakes for the next item";
  EXPECT_LT(
      absl::AbsDuration(accepted->estimated_completion - (created + absl::Milliseconds(1900))),
      absl::Milliseconds(1));
}

TEST_F(BatchServiceTest, TheRateIsCappedByTheSendersThroughput) {
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, Texts(2, 500));
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->messages_per_second, 80);
}

TEST_F(BatchServiceTest, AFreeFormItemOutsideTheWindowFailsWithWindowExpired) {
  BatchRequest r = Texts(1, 10);
  r.items.push_back({"+1999000111", "no window"});
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, r);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->accepted, 2) << "the window is checked when the item goes out";
  absl::Time created = View(accepted->batch_id).batch.created_at;
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(150)).ok());
  BatchView view = View(accepted->batch_id);
  EXPECT_EQ(Messages(), 1);
  ASSERT_EQ(view.items.size(), 2u);
  EXPECT_EQ(view.items[1].state, BatchItemState::kFailed);
  EXPECT_EQ(view.items[1].error_code, "MESSAGE_WINDOW_EXPIRED");
  ASSERT_EQ(view.counts.failures.size(), 1u);
  EXPECT_EQ(view.counts.failures[0].first, "MESSAGE_WINDOW_EXPIRED");
}

TEST_F(BatchServiceTest, CancelStopsTheWaitingItems) {
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, Texts(10, 10));
  ASSERT_TRUE(accepted.ok());
  absl::Time created = View(accepted->batch_id).batch.created_at;
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(250)).ok());
  ASSERT_EQ(Messages(), 3);
  absl::StatusOr<BatchView> cancelled = batches_->Cancel("p1", accepted->batch_id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->batch.status, v1::BATCH_STATUS_CANCELLED);
  EXPECT_EQ(cancelled->counts.cancelled, 7);
  ASSERT_TRUE(batches_->Run(created + absl::Seconds(5)).ok());
  EXPECT_EQ(Messages(), 3);
  EXPECT_TRUE(batches_->Cancel("p1", accepted->batch_id).ok()) << "again: no change";
  EXPECT_EQ(batches_->Cancel("p2", accepted->batch_id).status().code(), absl::StatusCode::kNotFound)
      << "another property's batch is not there";
}

TEST_F(BatchServiceTest, ARestartResumesWithEveryItemQueuedExactlyOnce) {
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, Texts(10, 10));
  ASSERT_TRUE(accepted.ok());
  absl::Time created = View(accepted->batch_id).batch.created_at;
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(350)).ok());
  ASSERT_EQ(Messages(), 4);
  batches_ = NewService();  // a new process: nothing in memory survives
  absl::Time later = absl::Now() + absl::Minutes(1);
  for (int i = 0; i < 20 && Messages() < 10; ++i) {
    ASSERT_TRUE(batches_->Run(later + absl::Milliseconds(100 * i)).ok());
  }
  EXPECT_EQ(Messages(), 10);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT guest_phone) FROM messages WHERE direction = 2"), 10);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT message_id) FROM batch_items"), 10);
}

TEST_F(BatchServiceTest, ABatchCompletesOnceItsMessagesLeftTheQueue) {
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, Texts(3, 80));
  ASSERT_TRUE(accepted.ok());
  absl::Time created = View(accepted->batch_id).batch.created_at;
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(100)).ok());
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(200)).ok());
  EXPECT_EQ(View(accepted->batch_id).batch.status, v1::BATCH_STATUS_IN_PROGRESS)
      << "its messages still wait for the provider";
  ProviderAcceptsAll();
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(300)).ok());
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(400)).ok());
  BatchView view = View(accepted->batch_id);
  EXPECT_EQ(view.batch.status, v1::BATCH_STATUS_COMPLETED);
  EXPECT_EQ(view.counts.sent, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM stream_events WHERE event = 'batch_completed' "
                  "AND data LIKE '%" +
                  accepted->batch_id + "%'"),
            1)
      << "announced once";
  EXPECT_GE(events_.wakes, 1) << "its followers woken";
}

TEST_F(BatchServiceTest, AFullQueueMakesARetryingBatchWaitAndOthersFail) {
  messaging_.set_backlog_limit({2, 80});
  BatchRequest waits = Texts(3, 80);
  waits.retry_failed = true;
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, waits);
  ASSERT_TRUE(accepted.ok());
  absl::Time created = View(accepted->batch_id).batch.created_at;
  ASSERT_TRUE(batches_->Run(created + absl::Milliseconds(100)).ok());
  EXPECT_EQ(Messages(), 2);
  EXPECT_EQ(View(accepted->batch_id).counts.pending, 1) << "waits for room";

  BatchRequest fails = Texts(1, 80);
  fails.items[0].phone = "+15559990000";
  GuestWrites("+15559990000");
  accepted = batches_->Create(staff_, fails);
  ASSERT_TRUE(accepted.ok());
  ASSERT_TRUE(batches_->Run(absl::Now()).ok());
  BatchView view = View(accepted->batch_id);
  ASSERT_EQ(view.items.size(), 1u);
  EXPECT_EQ(view.items[0].error_code, "RATE_LIMIT_EXCEEDED");
}

TEST_F(BatchServiceTest, ItemsArePagedInOrder) {
  absl::StatusOr<BatchAccepted> accepted = batches_->Create(staff_, Texts(5, 10));
  ASSERT_TRUE(accepted.ok());
  absl::StatusOr<BatchView> page = batches_->Get("p1", accepted->batch_id, 2, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].index, 1);
  page = batches_->Get("p1", accepted->batch_id, 2, page->next_page_token);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items[0].index, 2);
  page = batches_->Get("p1", accepted->batch_id, 2, page->next_page_token);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_TRUE(page->next_page_token.empty());
  EXPECT_EQ(batches_->Get("p1", accepted->batch_id, 2, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wa::domain
