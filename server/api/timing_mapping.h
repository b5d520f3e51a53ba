#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "server/domain/send_timing.h"

namespace wa::api {

// A send's send_at: an RFC 3339 string, or {"relative_to": "metadata.<key>",
// "offset": "-48h"}; anything else is INVALID_ARGUMENT naming send_at.
// `send_at` is null when the request has none.
absl::StatusOr<domain::TimingRequest> ToTiming(const google::protobuf::Value* send_at,
                                               const std::string& valid_until,
                                               bool respect_quiet_hours);

// The timing fields every send request carries.
template <typename Request>
absl::StatusOr<domain::TimingRequest> TimingOf(const Request& request) {
  return ToTiming(request.has_send_at() ? &request.send_at() : nullptr, request.valid_until(),
                  request.respect_quiet_hours());
}

}  // namespace wa::api
