#ifndef WA_GATEWAY_FIELD_ERRORS_H_
#define WA_GATEWAY_FIELD_ERRORS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::gateway {

// The gateway's own refusals of a request's fields say what to do, as the
// services' errors do: the contract's ErrorDetail rides in the
// absl::Status payload and RenderStatusError renders it.
absl::Status WithErrorDetail(absl::Status status, const hotel::whatsapp::v1::ErrorDetail& detail);
std::optional<hotel::whatsapp::v1::ErrorDetail> ErrorDetailOf(const absl::Status& status);

// INVALID_ARGUMENT for a field the request has no place for. `field` is its
// full path ("content.txt"), `known` the full paths of the fields the
// message has there; the nearest one is offered ("did you mean ...?").
// `where` says where it was sent: "request body" or "query parameter".
absl::Status UnknownFieldError(absl::string_view field, absl::string_view where,
                               const std::vector<std::string>& known);

// INVALID_ARGUMENT for a required field ((hotel.whatsapp.v1.required)) left
// out or empty.
absl::Status MissingFieldError(absl::string_view field);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_FIELD_ERRORS_H_
