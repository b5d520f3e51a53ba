#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

struct ConversationFilter {
  std::string property_id;
  std::string guest_phone;                                              // empty: any
  v1::ConversationStatus status = v1::CONVERSATION_STATUS_UNSPECIFIED;  // unspecified: any
  int limit = 50;
  // Keyset cursor: rows strictly older than (updated_at, conversation_id).
  std::optional<absl::Time> before_updated_at;
  std::string before_id;
};

class ConversationRepository {
 public:
  explicit ConversationRepository(Database& db) : db_(db) {}

  absl::Status Insert(const ConversationRecord& conversation);
  absl::StatusOr<std::optional<ConversationRecord>> Get(const std::string& conversation_id);
  // The guest's newest active conversation in the property.
  absl::StatusOr<std::optional<ConversationRecord>> FindActive(const std::string& property_id,
                                                               const std::string& guest_phone);
  // Newest first by update time.
  absl::StatusOr<std::vector<ConversationRecord>> List(const ConversationFilter& filter);
  absl::Status Touch(const std::string& conversation_id, absl::Time at);
  // Sets the given metadata keys, keeping the others.
  absl::Status MergeMetadata(const std::string& conversation_id,
                             const std::map<std::string, std::string>& metadata);

 private:
  Database& db_;
};

}  // namespace wa::storage
