#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "server/util/hmac.h"

namespace wa::provider {

// Lowercase hex of HMAC-SHA256(key, data): the form Meta uses in
// X-Hub-Signature-256 and the fake Graph API uses to sign its callbacks.
using util::HmacSha256Hex;

// Checks Meta's `X-Hub-Signature-256: sha256=<hex>` header against the raw
// request body bytes (Meta signs the bytes it sent, with non-ASCII escaped,
// so re-serialised JSON would not match). False for an empty secret and for
// a missing or malformed header, so a misconfigured server rejects every
// callback instead of accepting unsigned ones.
bool VerifyMetaSignature(absl::string_view app_secret, absl::string_view raw_body,
                         absl::string_view header_value);

}  // namespace wa::provider
