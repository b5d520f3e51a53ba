#include "server/domain/conversation_metadata.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

constexpr size_t kMaxKey = 64;

bool IsKeyChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.'; }

}  // namespace

absl::Status CheckMetadataEntries(const std::map<std::string, std::string>& set,
                                  absl::string_view field) {
  if (set.size() > kMaxMetadataKeys) {
    return InvalidArgument(
        absl::StrCat("a conversation holds at most ", kMaxMetadataKeys, " metadata keys"),
        std::string(field));
  }
  for (const auto& [key, value] : set) {
    if (key.empty() || key.size() > kMaxKey || !std::all_of(key.begin(), key.end(), IsKeyChar)) {
      return InvalidArgument(absl::StrCat(field, " key '", key.substr(0, kMaxKey),
                                          "' must be 1-64 letters, digits, '_', '-' or '.'"),
                             std::string(field));
    }
    if (Utf8Length(value) > kMaxMetadataValue) {
      return InvalidArgument(
          absl::StrCat(field, ".", key, " is at most ", kMaxMetadataValue, " characters"),
          absl::StrCat(field, ".", key));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMetadataAfter(const std::map<std::string, std::string>& current,
                                const std::map<std::string, std::string>& set,
                                const std::vector<std::string>& remove, absl::string_view field) {
  std::map<std::string, std::string> after = current;
  for (const std::string& key : remove) after.erase(key);
  for (const auto& [key, value] : set) after[key] = value;
  if (after.size() > kMaxMetadataKeys) {
    return InvalidArgument(
        absl::StrCat("a conversation holds at most ", kMaxMetadataKeys, " metadata keys"),
        std::string(field));
  }
  return absl::OkStatus();
}

}  // namespace wa::domain
