#include "server/util/log.h"

#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace wa::util {
namespace {

thread_local std::string current_request_id;

// Where a secret starts; it runs to the end of its characters. Ours (API
// tokens, webhook secrets), any bearer credential, and Meta's access tokens
// (which start "EAA"), also when one travels in a URL's query.
constexpr absl::string_view kSecretPrefixes[] = {"wat_", "whsec_", "Bearer ", "EAA",
                                                 "access_token="};

bool IsSecretChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.'; }

// The earliest prefix at or after `from`: its position and length.
std::pair<size_t, size_t> NextSecret(absl::string_view text, size_t from) {
  std::pair<size_t, size_t> first = {absl::string_view::npos, 0};
  for (absl::string_view prefix : kSecretPrefixes) {
    size_t at = text.find(prefix, from);
    if (at < first.first) first = {at, prefix.size()};
  }
  return first;
}

}  // namespace

std::string RedactSecrets(absl::string_view text) {
  std::string out;
  size_t from = 0;
  while (true) {
    auto [at, length] = NextSecret(text, from);
    if (at == absl::string_view::npos) break;
    size_t end = at + length;
    while (end < text.size() && IsSecretChar(text[end])) ++end;
    absl::StrAppend(&out, text.substr(from, at + length - from), "[redacted]");
    from = end;
  }
  absl::StrAppend(&out, text.substr(from));
  return out;
}

absl::string_view CurrentRequestId() { return current_request_id; }

ScopedRequestId::ScopedRequestId(absl::string_view request_id)
    : previous_(std::move(current_request_id)) {
  current_request_id = std::string(request_id);
}

ScopedRequestId::~ScopedRequestId() { current_request_id = std::move(previous_); }

void WriteLogLine(absl::string_view level, absl::string_view msg,
                  const nlohmann::ordered_json* fields) {
  nlohmann::ordered_json line;
  line["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = std::string(level);
  line["msg"] = RedactSecrets(msg);
  if (!current_request_id.empty()) line["request_id"] = RedactSecrets(current_request_id);
  if (fields != nullptr && fields->is_object()) {
    for (const auto& [key, value] : fields->items()) {
      line[key] = value.is_string()
                      ? nlohmann::ordered_json(RedactSecrets(value.get<std::string>()))
                      : value;
    }
  }
  // Invalid UTF-8 (from a peer's bytes) is replaced rather than thrown on.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace wa::util
