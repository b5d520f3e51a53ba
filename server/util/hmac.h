#pragma once

#include <array>
#include <string>

#include "absl/strings/string_view.h"

namespace wa::util {

using Sha256Digest = std::array<unsigned char, 32>;

// HMAC-SHA256(key, data); false only if OpenSSL fails. An empty key is a
// valid key.
bool HmacSha256(absl::string_view key, absl::string_view data, Sha256Digest* out);

// Lowercase hex of HMAC-SHA256(key, data); "" if OpenSSL fails.
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

}  // namespace wa::util
