#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wa::domain {

// The one set of rules for a conversation's metadata, applied wherever it
// enters (UpdateConversationMetadata, a template send's
// conversation_metadata): keys of 1-64 letters, digits, '_', '-' or '.';
// values of at most 512 characters; at most 50 keys on a conversation.
inline constexpr size_t kMaxMetadataKeys = 50;
inline constexpr size_t kMaxMetadataValue = 512;

// The entries to set, on their own. `field` names them in the error
// ("metadata", "conversation_metadata").
absl::Status CheckMetadataEntries(const std::map<std::string, std::string>& set,
                                  absl::string_view field);

// The conversation's metadata after `set` and `remove` apply to `current`,
// checked for its number of keys.
absl::Status CheckMetadataAfter(const std::map<std::string, std::string>& current,
                                const std::map<std::string, std::string>& set,
                                const std::vector<std::string>& remove, absl::string_view field);

}  // namespace wa::domain
