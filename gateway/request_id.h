#ifndef WA_GATEWAY_REQUEST_ID_H_
#define WA_GATEWAY_REQUEST_ID_H_

// The gateway's copy of the server's rule (server/util/request_id.h): the
// gateway is its own layer and may run as its own process, so it shares no
// code with the server.

#include <string>

#include "absl/strings/string_view.h"

namespace wa::gateway {

// The HTTP header a request id travels in, both ways (x-request-id to gRPC).
inline constexpr char kRequestIdHeader[] = "X-Request-Id";

// A caller's id is kept when it is 1-128 printable ASCII characters.
bool IsValidRequestId(absl::string_view id);
// A new id: 32 random hex digits.
std::string NewRequestId();

}  // namespace wa::gateway

#endif  // WA_GATEWAY_REQUEST_ID_H_
