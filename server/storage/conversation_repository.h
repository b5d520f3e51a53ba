#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

// A conversation's columns, read from `conversations c` (with the guest's
// newest identity), ending with ", " before its message count: for a
// statement that reads a conversation beside other rows. ReadConversationAt
// reads them back from the column where they start, and the count after
// them.
extern const char kConversationFields[];
ConversationRecord ReadConversationAt(const Statement& stmt, int first);

struct ConversationFilter {
  std::string property_id;
  std::string guest_phone;                                              // empty: any
  v1::ConversationStatus status = v1::CONVERSATION_STATUS_UNSPECIFIED;  // unspecified: any
  std::string assigned_to;                                              // empty: any
  std::string department;                                               // empty: any
  std::optional<absl::Time> updated_after;                              // inclusive
  std::optional<absl::Time> updated_before;                             // exclusive
  int limit = 50;
  // Keyset cursor: rows strictly older than (updated_at, conversation_id).
  std::optional<absl::Time> before_updated_at;
  std::string before_id;
};

struct Resolution {
  absl::Time at;
  std::string resolved_by;
  std::string notes;
  int satisfaction_rating = 0;
  bool follow_up_required = false;
};

class ConversationRepository {
 public:
  explicit ConversationRepository(Database& db) : db_(db) {}

  absl::Status Insert(const ConversationRecord& conversation);
  // With its message count, for reads that show the conversation.
  absl::StatusOr<std::optional<ConversationRecord>> Get(const std::string& conversation_id);
  // Without it (message_count 0), for the paths that add to, route or
  // schedule in a conversation: counting costs a long conversation's length.
  absl::StatusOr<std::optional<ConversationRecord>> Find(const std::string& conversation_id);
  // The guest's newest active conversation in the property.
  absl::StatusOr<std::optional<ConversationRecord>> FindActive(const std::string& property_id,
                                                               const std::string& guest_phone);
  // Newest first by update time.
  absl::StatusOr<std::vector<ConversationRecord>> List(const ConversationFilter& filter);
  // Sets the `set` metadata keys and removes the `remove` ones, keeping the others.
  absl::Status PatchMetadata(const std::string& conversation_id,
                             const std::map<std::string, std::string>& set,
                             const std::vector<std::string>& remove = {});
  absl::Status Resolve(const std::string& conversation_id, const Resolution& resolution);
  absl::Status Assign(const std::string& conversation_id, const std::string& assigned_to,
                      const std::string& department, absl::Time at);

 private:
  Database& db_;
};

}  // namespace wa::storage
