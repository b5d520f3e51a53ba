#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wa::domain {

// A random identifier such as "msg_3f9a...": `prefix` + 24 hex digits from
// a cryptographic generator, so ids can't be guessed across properties.
std::string NewId(absl::string_view prefix);

// A bearer token: 32 random bytes, URL-safe base64 with a "wat_" prefix.
std::string NewSecret();

// Lower-case hex SHA-256, used to store tokens by hash only.
std::string Sha256Hex(absl::string_view data);

}  // namespace wa::domain
