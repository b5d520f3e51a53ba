#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

// Strict, typed reads of the members of Meta's webhook JSON, for the
// callback parser only. A read that finds the wrong type throws Malformed,
// which the parser catches at the item being read, so one bad item is
// skipped without unwinding the whole notification. Nothing here throws
// past the parser.
namespace wa::provider::meta_json {

using Json = nlohmann::json;

struct Malformed {
  std::string reason;
};

// obj[key], or null when obj is not an object or the member is absent or null.
const Json* Member(const Json& obj, const char* key);
const Json& Required(const Json& obj, const char* key);
// A non-empty string.
std::string RequiredString(const Json& obj, const char* key);
// "" when absent or null.
std::string OptionalString(const Json& obj, const char* key);
const Json& RequiredObject(const Json& obj, const char* key);
const Json* OptionalObject(const Json& obj, const char* key);

bool IsDigits(absl::string_view s);
// Meta documents integers as strings in some places (timestamps) and as
// numbers in others (error codes, template ids), and has changed between
// the two; both spellings are accepted, anything else is malformed.
int64_t IntegerValue(const Json& v, const char* key);
// Ids Meta sends sometimes as numbers (message_template_id) are kept as
// their decimal text, so callers compare one spelling.
std::string IdText(const Json& obj, const char* key, bool required);
// obj.timestamp: Unix seconds, as a string or a number.
absl::Time RequiredTimestamp(const Json& obj);

}  // namespace wa::provider::meta_json
