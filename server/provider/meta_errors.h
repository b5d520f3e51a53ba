#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/provider/provider.h"

namespace wa::provider {

// Graph API's error envelope:
// {"error":{"message":"(#131047) Re-engagement message","type":"OAuthException",
//   "code":131047,"error_data":{"messaging_product":"whatsapp","details":"..."},
//   "fbtrace_id":"..."}}
struct MetaError {
  // Absent codes are not code 0: 0 is Meta's AuthException.
  bool has_code = false;
  int code = 0;
  int subcode = 0;  // error_subcode: deprecated since v16, kept when present
  std::string message;
  std::string type;
  std::string details;  // error_data.details: Meta says to key logic on it
  std::string fbtrace_id;

  // "(#131047) Re-engagement message: <details>": Meta's message (prefixed
  // with the code when Meta left it out), then the details when they add
  // something.
  std::string Describe() const;
};

// Reads the envelope from a response body; nullopt when the body is not
// one (a proxy's HTML page, an empty body, JSON without "error").
std::optional<MetaError> ParseMetaError(absl::string_view body);

// Passed as `code` when the envelope carries none.
inline constexpr int kNoMetaCode = -1;

// What to do about an error, decided by Meta's error.code (Meta: "classify on
// the code, not the HTTP status"). The HTTP status is only a fallback for
// codes this table does not know.
//
//   code                              outcome               contract_code
//   131047 (re-engagement, >24 h)     kFailed               MESSAGE_WINDOW_EXPIRED
//   130429 (throughput), 80007 (WABA  kRetry, 2-5 s         RATE_LIMIT_EXCEEDED
//     limit), 4 (app call limit)
//   131056 (pair rate, same guest)    kRetry, 6 s           RATE_LIMIT_EXCEEDED
//   131048 (spam rate limit),         kFailed               RATE_LIMIT_EXCEEDED
//     131049 (per-user marketing cap)
//   131026 (undeliverable)            kFailed               UNDELIVERABLE
//   131050 (guest stopped marketing)  kFailed               GUEST_OPTED_OUT
//   131053 (media upload error)       kFailed               MEDIA_UPLOAD_FAILED
//   132001 (template/language absent  kFailed               TEMPLATE_NOT_FOUND
//     or not approved)
//   132000 (param count), 132005      kFailed               TEMPLATE_PARAMETER_MISMATCH
//     (hydrated text too long), 132007
//     (format policy), 132012 (format)
//   132015 (template paused)          kFailed               TEMPLATE_PAUSED
//   132016 (template disabled)        kFailed               TEMPLATE_DISABLED
//   0, 190 (token invalid / expired)  kCredentialsRejected  (empty)
//   131000, 131016, 1, 2 (transient   kRetry, 2 s           (empty)
//     Graph errors), 131057
//     (maintenance, 10 s)
//   any other code (or none)          kFailed               (empty)
//     ...unless HTTP 5xx              kRetry, 2 s           (empty)
struct ErrorClass {
  SendOutcome outcome = SendOutcome::kFailed;
  std::string contract_code;
  absl::Duration retry_after = absl::ZeroDuration();
};
ErrorClass ClassifyMetaError(int code, int http_status);

// The SendResult for a Graph error: classification plus error_code = Meta's
// code and error = error.Describe().
SendResult SendResultFromMetaError(const MetaError& error, int http_status);

// True for the codes that mean our access token is unusable.
bool IsCredentialsError(int code);

}  // namespace wa::provider
