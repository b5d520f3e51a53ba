#pragma once

#include "absl/strings/string_view.h"

namespace wa::util {

// Whether `given` equals the configured secret `expected`, in time that
// depends on neither's contents nor on where they differ, nor on `given`'s
// length: both are hashed (SHA-256) and the digests compared with OpenSSL's
// CRYPTO_memcmp. False when `expected` is empty, so an unset secret never
// matches.
bool SecretEquals(absl::string_view expected, absl::string_view given);

}  // namespace wa::util
