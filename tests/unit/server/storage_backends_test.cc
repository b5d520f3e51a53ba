// The storage layer on both engines: the same repositories and SQL against
// a SQLite file and a throwaway PostgreSQL server (tests/common/postgres_server.h).
// Each test goes through a place where the two dialects differ
// (docs/postgres-port.md).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/storage/analytics_repository.h"
#include "server/storage/audit_repository.h"
#include "server/storage/batch_repository.h"
#include "server/storage/consent_repository.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/data_dir.h"
#include "server/storage/guest_repository.h"
#include "server/storage/idempotency_repository.h"
#include "server/storage/message_repository.h"
#include "server/storage/migrations.h"
#include "server/storage/notification_repository.h"
#include "server/storage/property_repository.h"
#include "server/storage/template_repository.h"
#include "server/storage/token_repository.h"
#include "server/storage/webhook_repository.h"
#include "server/util/status_macros.h"
#include "tests/common/postgres_server.h"
#include "tests/unit/server/storage_backends_fixture.h"

namespace wa::storage {
namespace {

TEST_P(StorageBackendsTest, MigrationsReachTheLatestVersionOnce) {
  EXPECT_EQ(Read([&] { return db().SchemaVersion(); }).value_or(-1), LatestSchemaVersion());
  EXPECT_TRUE(Migrate(db()).ok());
  Open();  // a restart migrates nothing
  EXPECT_EQ(Read([&] { return db().SchemaVersion(); }).value_or(-1), LatestSchemaVersion());
}

TEST_P(StorageBackendsTest, AFailedSavepointUndoesOnlyItself) {
  GuestRepository guests(db());
  absl::Status status = Tx([&]() -> absl::Status {
    if (auto s = guests.RecordInbound("p1", "+111", kT0, "kept"); !s.ok()) return s;
    absl::Status inner = db().Savepoint([&]() -> absl::Status {
      if (auto s = guests.RecordInbound("p1", "+222", kT0, "undone"); !s.ok()) return s;
      return absl::AbortedError("undo me");
    });
    EXPECT_EQ(inner.code(), absl::StatusCode::kAborted);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), 1);
  EXPECT_TRUE(Tx([&]() -> absl::Status {
                if (auto s = guests.RecordInbound("p1", "+333", kT0, ""); !s.ok()) return s;
                return absl::AbortedError("no");
              }).code() == absl::StatusCode::kAborted);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), 1);
}

TEST_P(StorageBackendsTest, AFailedStatementFailsItsTransaction) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  // A duplicate key: the transaction must fail even if `work` ignores it.
  absl::Status status = Tx([&]() -> absl::Status {
    ConversationRecord c;
    c.conversation_id = "c1";
    c.property_id = "p1";
    ConversationRepository(db()).Insert(c).IgnoreError();
    return GuestRepository(db()).RecordInbound("p1", "+111", kT0, "");
  });
  if (GetParam() == Engine::kPostgres) {
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), 0);
  } else {
    // SQLite goes on after a failed statement; the rest commits.
    EXPECT_TRUE(status.ok()) << status;
  }
}

TEST_P(StorageBackendsTest, GuestsKeepTheLatestInboundTime) {
  GuestRepository guests(db());
  ASSERT_TRUE(Tx([&] { return guests.RecordInbound("p1", "+111", kT0, "Ann"); }).ok());
  ASSERT_TRUE(
      Tx([&] { return guests.RecordInbound("p1", "+111", kT0 - absl::Hours(1), ""); }).ok());
  auto guest = Read([&] { return guests.Get("p1", "+111"); });
  ASSERT_TRUE(guest.ok() && guest->has_value()) << guest.status();
  EXPECT_EQ((*guest)->last_inbound_at, kT0);
  EXPECT_EQ((*guest)->profile_name, "Ann");
  ASSERT_TRUE(
      Tx([&] { return guests.RecordInbound("p1", "+111", kT0 + absl::Hours(1), "Bo"); }).ok());
  guest = Read([&] { return guests.Get("p1", "+111"); });
  EXPECT_EQ((*guest)->last_inbound_at, kT0 + absl::Hours(1));
  EXPECT_EQ((*guest)->profile_name, "Bo");
}

TEST_P(StorageBackendsTest, ConversationsPatchMetadataAndOnlyMoveForward) {
  ConversationRepository conversations(db());
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  ASSERT_TRUE(Tx([&] {
                return conversations.PatchMetadata("c1", {{"floor", "4"}}, {"room"});
              }).ok());
  // A message stored late, with an older time, does not move it back.
  ASSERT_TRUE(AddMessage("m-old", "c1", kT0 - absl::Minutes(5)).ok());
  auto found = Read([&] { return conversations.Get("c1"); });
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status();
  EXPECT_EQ((*found)->metadata, (std::map<std::string, std::string>{{"floor", "4"}}));
  EXPECT_EQ((*found)->updated_at, kT0);
  ASSERT_TRUE(AddMessage("m-new", "c1", kT0 + absl::Minutes(2)).ok());
  found = Read([&] { return conversations.Get("c1"); });
  EXPECT_EQ((*found)->updated_at, kT0 + absl::Minutes(2));
  ASSERT_TRUE(
      Tx([&] { return conversations.Assign("c1", "ann", "spa", kT0 + absl::Minutes(5)); }).ok());
  found = Read([&] { return conversations.Get("c1"); });
  EXPECT_EQ((*found)->updated_at, kT0 + absl::Minutes(5));
  EXPECT_EQ((*found)->department, "spa");

  ASSERT_TRUE(AddConversation("c2", kT0 + absl::Minutes(1)).ok());
  ConversationFilter filter;
  filter.property_id = "p1";
  filter.limit = 10;
  auto all = Read([&] { return conversations.List(filter); });
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].conversation_id, "c1");  // the newest first
  filter.guest_phone = "+1234567890";
  filter.department = "spa";
  auto spa = Read([&] { return conversations.List(filter); });
  ASSERT_TRUE(spa.ok()) << spa.status();
  ASSERT_EQ(spa->size(), 1u);
  EXPECT_EQ((*spa)[0].conversation_id, "c1");
}

TEST_P(StorageBackendsTest, MessagesNumberThemselvesAndQueue) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  for (int i = 1; i <= 3; ++i) {
    absl::StatusOr<MessageRecord> m = AddMessage("m" + std::to_string(i), "c1");
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->seq, i);
  }
  MessageRepository messages(db());
  auto last_two = Read([&] { return messages.ListByConversation("c1", 2); });
  ASSERT_TRUE(last_two.ok()) << last_two.status();
  ASSERT_EQ(last_two->size(), 2u);
  EXPECT_EQ((*last_two)[0].seq, 2);
  EXPECT_EQ((*last_two)[1].seq, 3);
  EXPECT_EQ(Read([&] { return messages.CountBacklog("p1", 2); }).value_or(-1), 2);
  ASSERT_TRUE(Tx([&] { return messages.MarkAccepted({{"m2", "wamid.2"}}); }).ok());
  auto by_wamid = Read([&] { return messages.FindByWhatsAppId("wamid.2"); });
  ASSERT_TRUE(by_wamid.ok() && by_wamid->has_value()) << by_wamid.status();
  EXPECT_EQ((*by_wamid)->message_id, "m2");
  EXPECT_FALSE((*by_wamid)->next_attempt_at.has_value());
  auto due = Read([&] { return messages.DueForSending(kT0, 10); });
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->size(), 2u);
  EXPECT_EQ(Read([&] { return messages.NextAttemptAt(); }).value_or(std::nullopt), kT0);
  // Reads that show the conversation count its messages; the send path's
  // lookup does not (it would cost the conversation's length each send).
  ConversationRepository conversations(db());
  auto shown = Read([&] { return conversations.Get("c1"); });
  ASSERT_TRUE(shown.ok() && shown->has_value()) << shown.status();
  EXPECT_EQ((*shown)->message_count, 3);
  auto found = Read([&] { return conversations.Find("c1"); });
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status();
  EXPECT_EQ((*found)->conversation_id, "c1");
  EXPECT_EQ((*found)->message_count, 0);
}

TEST_P(StorageBackendsTest, AMessageForAnUnknownConversationIsRefusedAndNotStored) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  absl::StatusOr<MessageRecord> m = AddMessage("m1", "nope");
  EXPECT_EQ(m.status().code(), absl::StatusCode::kFailedPrecondition) << m.status();
  EXPECT_FALSE(Read([&] { return MessageRepository(db()).Get("m1"); }).value_or(std::nullopt));
  EXPECT_TRUE(AddMessage("m2", "c1").ok());
}

TEST_P(StorageBackendsTest, TemplatesReplaceAndFilterByLabel) {
  TemplateRepository templates(db());
  TemplateRecord record;
  record.property_id = "p1";
  record.definition.set_name("welcome");
  record.definition.set_language("en");
  record.definition.add_labels("vip");
  record.definition.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  record.definition.set_status(v1::TEMPLATE_STATUS_PENDING);
  ASSERT_TRUE(Tx([&] { return templates.Insert(record); }).ok());
  EXPECT_EQ(Tx([&] { return templates.Insert(record); }).code(), absl::StatusCode::kAlreadyExists);
  record.definition.set_status(v1::TEMPLATE_STATUS_APPROVED);
  ASSERT_TRUE(Tx([&] { return templates.Put(record); }).ok());
  auto named = Read([&] { return templates.ByName("p1", "welcome"); });
  ASSERT_TRUE(named.ok()) << named.status();
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ((*named)[0].definition.status(), v1::TEMPLATE_STATUS_APPROVED);
  EXPECT_EQ((*named)[0].definition.labels(0), "vip");

  TemplateFilter filter;
  filter.property_id = "p1";
  filter.label = "vip";
  EXPECT_EQ(
      Read([&] { return templates.List(filter); }).value_or(std::vector<TemplateRecord>()).size(),
      1u);
  filter.label = "nobody";
  auto none = Read([&] { return templates.List(filter); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(Tx([&] { return templates.MarkSeeded("p1", kT0); }).ok());
  ASSERT_TRUE(Tx([&] { return templates.MarkSeeded("p1", kT0); }).ok());
  EXPECT_TRUE(Read([&] { return templates.Seeded("p1"); }).value_or(false));
  EXPECT_FALSE(Read([&] { return templates.Seeded("p2"); }).value_or(true));
}

TEST_P(StorageBackendsTest, IdempotencyKeysKeepBinaryAnswersAndPurge) {
  IdempotencyRepository keys(db());
  const std::string binary("\0\x01\xff\x80 answer", 11);
  IdempotencyRecord record{"p1", "key-1", "Send", "fp", binary, kT0};
  ASSERT_TRUE(Tx([&] { return keys.Insert(record, kT0 - absl::Hours(24)); }).ok());
  EXPECT_EQ(Tx([&] { return keys.Insert(record, kT0 - absl::Hours(24)); }).code(),
            absl::StatusCode::kAlreadyExists);
  auto found = Read([&] { return keys.Find("p1", "key-1", kT0 - absl::Hours(1)); });
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status();
  EXPECT_EQ((*found)->response, binary);
  ASSERT_TRUE(Tx([&] { return keys.Purge(kT0 + absl::Seconds(1), 10); }).ok());
  found = Read([&] { return keys.Find("p1", "key-1", kT0 - absl::Hours(1)); });
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
}

TEST_P(StorageBackendsTest, WebhookConfigsReplaceAndEventsKeepTheirOrder) {
  WebhookRepository webhooks(db());
  WebhookConfigRecord config;
  config.property_id = "p1";
  config.webhook_url = "https://old.example/hook";
  config.events = {"message.sent"};
  config.secret = "s1";
  config.updated_at = kT0;
  ASSERT_TRUE(Tx([&] { return webhooks.PutConfig(config); }).ok());
  ASSERT_TRUE(
      Tx([&] { return webhooks.MarkEndpointDown("p1", kT0, kT0 + absl::Seconds(1)); }).ok());
  config.webhook_url = "https://new.example/hook";
  ASSERT_TRUE(Tx([&] { return webhooks.PutConfig(config); }).ok());
  auto stored = Read([&] { return webhooks.GetConfig("p1"); });
  ASSERT_TRUE(stored.ok() && stored->has_value()) << stored.status();
  EXPECT_EQ((*stored)->webhook_url, "https://new.example/hook");
  EXPECT_FALSE((*stored)->down_since.has_value());
  EXPECT_EQ((*stored)->probe_failures, 0);

  for (const char* id : {"e1", "e2"}) {
    WebhookEventRecord e;
    e.event_id = id;
    e.property_id = "p1";
    e.event = "message.sent";
    e.ordering_key = "c1";
    e.payload = "{}";
    e.occurred_at = kT0;
    e.next_attempt_at = kT0;
    ASSERT_TRUE(Tx([&] { return webhooks.InsertEvent(e); }).ok());
  }
  auto due = Read([&] { return webhooks.DueEvents(kT0, 10); });
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);  // e2 waits for e1
  EXPECT_EQ((*due)[0].event_id, "e1");
  ASSERT_TRUE(Tx([&] { return webhooks.MarkFailed("e1", kT0, 500, "boom"); }).ok());
  EXPECT_EQ(Tx([&]() -> absl::Status {
              absl::StatusOr<int> n = webhooks.RequeueFailedSince("p1", kT0, kT0);
              if (!n.ok()) return n.status();
              return *n == 1 ? absl::OkStatus()
                             : absl::InternalError("requeued " + std::to_string(*n));
            }),
            absl::OkStatus());
}

TEST_P(StorageBackendsTest, NotificationsGetIncreasingIds) {
  NotificationRepository notifications(db());
  auto first = TransactValue(db(), [&] { return notifications.Insert("{\"a\":1}", kT0); });
  auto second = TransactValue(db(), [&] { return notifications.Insert("{\"b\":2}", kT0); });
  ASSERT_TRUE(first.ok() && second.ok()) << first.status() << second.status();
  EXPECT_GT(*first, 0);
  EXPECT_GT(*second, *first);
  ASSERT_TRUE(Tx([&] { return notifications.MarkProcessed(*first, kT0, "").status(); }).ok());
  auto pending = Read([&] { return notifications.Pending(10); });
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, *second);
}

// A number belongs to one property: an upsert naming another property
// (a concurrent `add-number` that looked before the first committed) writes
// nothing and says so.
TEST_P(StorageBackendsTest, ANumberUpsertLeavesAnotherPropertysNumberAlone) {
  PropertyRepository properties(db());
  PhoneNumberRecord number;
  number.phone_number_id = "1001";
  number.property_id = "default";
  number.waba_id = "5001";
  number.created_at = kT0;
  auto upsert = [&](const PhoneNumberRecord& n) {
    return TransactValue(db(), [&] { return properties.UpsertNumber(n); });
  };
  ASSERT_EQ(upsert(number).value_or(false), true);
  number.waba_id = "5009";
  ASSERT_EQ(upsert(number).value_or(false), true);  // its own property may change it
  PhoneNumberRecord taken = number;
  taken.property_id = "paris";
  taken.waba_id = "5002";
  absl::StatusOr<bool> written = upsert(taken);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_FALSE(*written);
  auto stored = Read([&] { return properties.GetNumber("1001"); });
  ASSERT_TRUE(stored.ok() && stored->has_value()) << stored.status();
  EXPECT_EQ((*stored)->property_id, "default");
  EXPECT_EQ((*stored)->waba_id, "5009");
}

TEST_P(StorageBackendsTest, ConsentUpsertsAndTokensRevokeOnce) {
  ConsentRepository consent(db());
  ASSERT_TRUE(Tx([&] {
                return consent.Record("p1", "+111", {"all", false, "keyword", "STOP", kT0});
              }).ok());
  auto state = Read([&] { return consent.Get("p1", "+111"); });
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_TRUE(state->opted_out);
  EXPECT_TRUE(state->marketing_opted_out);
  ASSERT_TRUE(Tx([&] {
                return consent.Record("p1", "+111", {"all", true, "keyword", "START", kT0});
              }).ok());
  state = Read([&] { return consent.Get("p1", "+111"); });
  EXPECT_FALSE(state->opted_out);
  EXPECT_FALSE(state->marketing_opted_out);
  EXPECT_EQ(Read([&] { return consent.History("p1", "+111", 10); })
                .value_or(std::vector<ConsentEventRecord>())
                .size(),
            2u);
  // A send asks in one statement: the guest's own record first, else what
  // an erasure kept under the guest's hash, else not opted out.
  ASSERT_TRUE(Tx([&] {
                return db().Exec(
                    "INSERT INTO guest_erasures (property_id, guest_hash, erased_at, opted_out) "
                    "VALUES ('p1', 'erased:h1', 1, 1), ('p1', 'erased:h2', 1, 1)");
              }).ok());
  auto own = Read([&] { return consent.GetOrErased("p1", "+111", "erased:h1"); });
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_FALSE(own->opted_out) << "the guest's own record wins";
  auto kept = Read([&] { return consent.GetOrErased("p1", "+222", "erased:h2"); });
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_TRUE(kept->opted_out);
  auto none = Read([&] { return consent.GetOrErased("p1", "+333", "erased:h3"); });
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->opted_out);
  EXPECT_FALSE(none->updated_at.has_value());

  TokenRepository tokens(db());
  TokenRecord token{"tok_1", "desk", v1::ROLE_STAFF, "p1", "hash-1", kT0, std::nullopt};
  ASSERT_TRUE(Tx([&] { return tokens.Insert(token); }).ok());
  EXPECT_TRUE(
      TransactValue(db(), [&] { return tokens.Revoke("tok_1", "p1", kT0); }).value_or(false));
  EXPECT_FALSE(
      TransactValue(db(), [&] { return tokens.Revoke("tok_1", "p1", kT0); }).value_or(true));
  EXPECT_EQ(Read([&] { return tokens.List(""); }).value_or(std::vector<TokenRecord>()).size(), 1u);
}

TEST_P(StorageBackendsTest, BatchCountsAndAnalyticsAggregate) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  MessageRecord m;
  m.message_id = "m1";
  m.property_id = "p1";
  m.conversation_id = "c1";
  m.guest_phone = "+1234567890";
  m.message_type = v1::MESSAGE_TYPE_TEMPLATE;
  m.payload = R"({"template":{"name":"welcome"}})";
  m.created_at = kT0;
  ASSERT_TRUE(Tx([&] { return MessageRepository(db()).Insert(m); }).ok());
  m.status = v1::MESSAGE_STATUS_FAILED;
  m.failed_at = kT0;
  m.failure_reason = "unreachable";
  ASSERT_TRUE(Tx([&] { return MessageRepository(db()).UpdateStatus(m); }).ok());

  BatchRepository batches(db());
  BatchRecord batch;
  batch.batch_id = "b1";
  batch.property_id = "p1";
  batch.messages_per_second = 2.5;
  batch.total = 3;
  batch.created_at = kT0;
  ASSERT_TRUE(Tx([&]() -> absl::Status {
                if (auto s = batches.Insert(batch); !s.ok()) return s;
                for (int i = 0; i < 3; ++i) {
                  BatchItemRecord item;
                  item.batch_id = "b1";
                  item.index = i;
                  item.phone = "+1234567890";
                  item.state = BatchItemState::kPending;
                  if (auto s = batches.InsertItem(item); !s.ok()) return s;
                }
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(TransactValue(db(), [&] {
                return batches.MarkReleased("b1", 0, "m1", kT0);
              }).value_or(false));
  ASSERT_TRUE(TransactValue(db(), [&] {
                return batches.MarkFailed("b1", 1, "INVALID_PHONE_NUMBER", "x");
              }).value_or(false));
  auto counts = Read([&] { return batches.Count("b1"); });
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->pending, 1);
  EXPECT_EQ(counts->failed, 2);
  EXPECT_EQ(counts->sent, 0);
  ASSERT_EQ(counts->failures.size(), 2u);
  EXPECT_EQ(Read([&] { return batches.Get("b1"); }).value_or(std::nullopt)->messages_per_second,
            2.5);

  AnalyticsRepository analytics(db());
  AnalyticsScope scope{"", "p1", kT0 - absl::Hours(1), kT0 + absl::Hours(1)};
  auto by_template = Read([&] { return analytics.Delivery(scope, Grouping::kTemplate); });
  ASSERT_TRUE(by_template.ok()) << by_template.status();
  ASSERT_EQ(by_template->count("welcome"), 1u);
  EXPECT_EQ(by_template->at("welcome").total, 1);
  EXPECT_EQ(by_template->at("welcome").failed, 1);
  EXPECT_EQ(by_template->at("welcome").failure_reasons.at("unreachable"), 1);
  auto responses = Read([&] { return analytics.Responses(scope, Grouping::kOverall); });
  ASSERT_TRUE(responses.ok()) << responses.status();
  AnalyticsScope conversation{"c1", "p1", kT0, kT0};
  auto one = Read([&] { return analytics.Delivery(conversation, Grouping::kOverall); });
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->at("").total, 1);
}

TEST_P(StorageBackendsTest, AuditMatchesAShortMethodName) {
  AuditRepository audit(db());
  AuditRecord r;
  r.property_id = "p1";
  r.occurred_at = kT0;
  r.token_id = "tok_1";
  r.method = "hotel.whatsapp.v1.MessagesService.SendMessage";
  r.code = "OK";
  ASSERT_TRUE(Tx([&] { return audit.Insert({r}); }).ok());
  AuditFilter filter;
  filter.property_id = "p1";
  filter.method = "SendMessage";
  EXPECT_EQ(Read([&] { return audit.List(filter); }).value_or(std::vector<AuditRecord>()).size(),
            1u);
  filter.method = "Message";
  EXPECT_EQ(Read([&] { return audit.List(filter); }).value_or(std::vector<AuditRecord>()).size(),
            0u);
}

TEST_P(StorageBackendsTest, ABatchOfRowsIsInsertedWholeAndInOrder) {
  // 45 rows: chunks of 32, 8, 4 and 1 (RunForRows, statements.h).
  std::vector<AuditRecord> records(45);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].property_id = "p1";
    records[i].occurred_at = kT0 + absl::Seconds(i);
    records[i].token_id = "tok_" + std::to_string(i);
    records[i].method = "hotel.whatsapp.v1.MessagesService.SendMessage";
    records[i].grpc_code = static_cast<int>(i % 17);
    records[i].code = "OK";
  }
  AuditRepository audit(db());
  ASSERT_TRUE(Tx([&] { return audit.Insert(records); }).ok());
  AuditFilter filter;
  filter.property_id = "p1";
  filter.limit = 100;
  auto listed = Read([&] { return audit.List(filter); });
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const AuditRecord& back = (*listed)[records.size() - 1 - i];  // newest first
    EXPECT_EQ(back.token_id, records[i].token_id);
    EXPECT_EQ(back.occurred_at, records[i].occurred_at);
    EXPECT_EQ(back.grpc_code, records[i].grpc_code);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, StorageBackendsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace wa::storage
