#include "server/provider/meta_json_fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wa::provider::meta_json {

const Json* Member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json& Required(const Json& obj, const char* key) {
  const Json* m = Member(obj, key);
  if (m == nullptr) throw Malformed{absl::StrCat("no ", key)};
  return *m;
}

std::string RequiredString(const Json& obj, const char* key) {
  const Json& v = Required(obj, key);
  if (!v.is_string()) throw Malformed{absl::StrCat(key, " is not a string")};
  std::string s = v.get<std::string>();
  if (s.empty()) throw Malformed{absl::StrCat(key, " is empty")};
  return s;
}

std::string OptionalString(const Json& obj, const char* key) {
  const Json* m = Member(obj, key);
  if (m == nullptr) return "";
  if (!m->is_string()) throw Malformed{absl::StrCat(key, " is not a string")};
  return m->get<std::string>();
}

const Json& RequiredObject(const Json& obj, const char* key) {
  const Json& v = Required(obj, key);
  if (!v.is_object()) throw Malformed{absl::StrCat(key, " is not an object")};
  return v;
}

const Json* OptionalObject(const Json& obj, const char* key) {
  const Json* m = Member(obj, key);
  if (m != nullptr && !m->is_object()) throw Malformed{absl::StrCat(key, " is not an object")};
  return m;
}

bool IsDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int64_t IntegerValue(const Json& v, const char* key) {
  if (v.is_number_integer()) return v.get<int64_t>();
  int64_t n = 0;
  if (v.is_string() && IsDigits(v.get<std::string>()) &&
      absl::SimpleAtoi(v.get<std::string>(), &n)) {
    return n;
  }
  throw Malformed{absl::StrCat(key, " is not an integer")};
}

std::string IdText(const Json& obj, const char* key, bool required) {
  const Json* m = Member(obj, key);
  if (m == nullptr) {
    if (required) throw Malformed{absl::StrCat("no ", key)};
    return "";
  }
  if (m->is_string()) return m->get<std::string>();
  return absl::StrCat(IntegerValue(*m, key));
}

absl::Time RequiredTimestamp(const Json& obj) {
  int64_t seconds = IntegerValue(Required(obj, "timestamp"), "timestamp");
  if (seconds < 0) throw Malformed{"timestamp is negative"};
  return absl::FromUnixSeconds(seconds);
}

}  // namespace wa::provider::meta_json
