// A send's checks read in one statement (SendChecksRepository) on both
// engines: the rows the three lookups they replace would read.
#include <string>

#include "gtest/gtest.h"
#include "server/storage/consent_repository.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/guest_erasure_repository.h"
#include "server/storage/guest_identity_repository.h"
#include "server/storage/guest_repository.h"
#include "server/storage/send_checks_repository.h"
#include "tests/unit/server/storage_backends_fixture.h"

namespace wa::storage {
namespace {

constexpr char kGuest[] = "+1234567890";

class SendChecksTest : public StorageBackendsTest {
 protected:
  absl::StatusOr<SendChecksRecord> Checks(const std::string& hash,
                                          const std::string& conversation_id) {
    return Read(
        [&] { return SendChecksRepository(db()).Read("p1", kGuest, hash, conversation_id); });
  }
  absl::Status AddActive(const std::string& id, absl::Time at) {
    ConversationRecord c;
    c.conversation_id = id;
    c.property_id = "p1";
    c.guest_phone = kGuest;
    c.status = v1::CONVERSATION_STATUS_ACTIVE;
    c.metadata = {{"room", "412"}};
    c.created_at = c.updated_at = at;
    return Tx([&] { return ConversationRepository(db()).Insert(c); });
  }
};

TEST_P(SendChecksTest, NothingKnownOfTheGuestReadsAsTheDefaults) {
  absl::StatusOr<SendChecksRecord> checks = Checks("h1", "");
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_FALSE(checks->consent.opted_out);
  EXPECT_FALSE(checks->consent.marketing_opted_out);
  EXPECT_FALSE(checks->consent.updated_at.has_value());
  EXPECT_FALSE(checks->last_inbound_at.has_value());
  EXPECT_FALSE(checks->conversation.has_value());
  EXPECT_FALSE(Checks("h1", "conv_none")->conversation.has_value());
}

// Own consent before an erasure's kept one; the kept one by its hash only.
TEST_P(SendChecksTest, ConsentIsTheGuestsOwnElseTheErasuresKeptOne) {
  ASSERT_TRUE(Tx([&] {
                return GuestErasureRepository(db())
                    .RecordErasure("p1", "h1", ConsentRecord{true, true, kT0}, "asked", kT0)
                    .status();
              }).ok());
  EXPECT_TRUE(Checks("h1", "")->consent.opted_out);
  EXPECT_FALSE(Checks("", "")->consent.opted_out);
  EXPECT_FALSE(Checks("h2", "")->consent.opted_out);

  const absl::Time later = kT0 + absl::Minutes(1);
  ASSERT_TRUE(Tx([&] {
                return ConsentRepository(db()).Record(
                    "p1", kGuest, ConsentEventRecord{"marketing", false, "api", "", later});
              }).ok());
  absl::StatusOr<SendChecksRecord> checks = Checks("h1", "");
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_FALSE(checks->consent.opted_out);
  EXPECT_TRUE(checks->consent.marketing_opted_out);
  EXPECT_EQ(checks->consent.updated_at, later);
}

// The window from the guest's last message; the conversation named, or
// else the newest active one, with what the conversation lookups read.
TEST_P(SendChecksTest, WindowAndConversationAreTheLookupsRows) {
  const absl::Time wrote = kT0 + absl::Minutes(2);
  ASSERT_TRUE(
      Tx([&] { return GuestRepository(db()).RecordInbound("p1", kGuest, wrote, "Ana"); }).ok());
  ASSERT_TRUE(Tx([&] {
                return GuestIdentityRepository(db()).Upsert(
                    {"p1", "p1.ana", kGuest, kGuest, "", "ana_h", "Ana", kT0});
              }).ok());
  ASSERT_TRUE(AddActive("c_old", kT0).ok());
  ASSERT_TRUE(AddActive("c_new", kT0 + absl::Hours(1)).ok());
  ASSERT_TRUE(AddActive("c_done", kT0 + absl::Hours(2)).ok());
  ASSERT_TRUE(Tx([&] {
                return ConversationRepository(db()).Resolve(
                    "c_done", Resolution{kT0 + absl::Hours(2), "staff", "", 0, false});
              }).ok());

  absl::StatusOr<SendChecksRecord> checks = Checks("h1", "");
  ASSERT_TRUE(checks.ok()) << checks.status();
  EXPECT_EQ(checks->last_inbound_at, wrote);
  ASSERT_TRUE(checks->conversation.has_value());
  auto active = Read([&] { return ConversationRepository(db()).FindActive("p1", kGuest); });
  ASSERT_TRUE(active.ok() && active->has_value()) << active.status();
  const ConversationRecord& read = *checks->conversation;
  EXPECT_EQ(read.conversation_id, "c_new");
  EXPECT_EQ(read.conversation_id, (*active)->conversation_id);
  EXPECT_EQ(read.metadata, (*active)->metadata);
  EXPECT_EQ(read.status, v1::CONVERSATION_STATUS_ACTIVE);
  EXPECT_EQ(read.updated_at, kT0 + absl::Hours(1));
  EXPECT_EQ(read.guest_user_id, "p1.ana");
  EXPECT_EQ(read.guest_username, "ana_h");

  EXPECT_EQ(Checks("h1", "c_old")->conversation->conversation_id, "c_old");
  absl::StatusOr<SendChecksRecord> named = Checks("h1", "c_done");
  ASSERT_TRUE(named.ok() && named->conversation.has_value());
  EXPECT_EQ(named->conversation->status, v1::CONVERSATION_STATUS_RESOLVED);
  EXPECT_EQ(named->last_inbound_at, wrote);
  EXPECT_FALSE(Checks("h1", "c_none")->conversation.has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, SendChecksTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace wa::storage
