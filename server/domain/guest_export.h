#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/guest_hash.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::domain {

// Everything a property holds on one guest (GDPR Art. 15 and 20) as one
// JSON document (docs/guest-export.schema.json), made piece by piece from
// pages of the database: however long the guest's history, only a page of
// it is in memory at a time. Conversations come newest first, each with
// its messages in order; media are links to their content.
class GuestExport {
 public:
  // Resolves the guest as the erasure does (ParseNamedGuest); refuses a
  // bad phone or BSUID before anything is produced.
  static absl::StatusOr<std::unique_ptr<GuestExport>> Open(storage::Database& db,
                                                           const GuestHasher* hasher,
                                                           const std::string& property_id,
                                                           const std::string& guest_phone,
                                                           const std::string& guest_user_id);

  // Appends the next piece of the document (about `target` bytes, or
  // less at the end) to `out`; false once the document is complete.
  absl::StatusOr<bool> Next(std::string* out, size_t target = 64 * 1024);

 private:
  enum class Stage { kHead, kConversations, kMessages, kTail, kDone };
  GuestExport(storage::Database& db, const GuestHasher* hasher, std::string property_id,
              std::string key)
      : db_(db), hasher_(hasher), property_id_(std::move(property_id)), key_(std::move(key)) {}

  absl::Status Head(std::string* out);
  // Opens the next conversation (fetching a page of them when needed);
  // false when there is none left.
  absl::StatusOr<bool> NextConversation(std::string* out);
  // A page of the open conversation's messages; false when it is done.
  absl::StatusOr<bool> NextMessages(std::string* out);

  storage::Database& db_;
  const GuestHasher* hasher_;
  const std::string property_id_;
  const std::string key_;
  Stage stage_ = Stage::kHead;
  std::vector<storage::ConversationRecord> page_;
  size_t next_in_page_ = 0;
  bool conversations_left_ = true;
  std::optional<absl::Time> before_updated_at_;
  std::string before_id_;
  std::string conversation_id_;
  int64_t after_seq_ = 0;
  bool first_conversation_ = true;
  bool first_message_ = true;
};

}  // namespace wa::domain
