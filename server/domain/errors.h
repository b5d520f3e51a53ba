#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::domain {

// The type URL under which an ErrorDetail rides as an absl::Status payload,
// so the contract's error code, details and recovery options cross layers
// without loss; the API layer moves it into the gRPC status details.
inline constexpr absl::string_view kErrorDetailUrl =
    "type.googleapis.com/hotel.whatsapp.v1.ErrorDetail";

// Builds an error of the contract: a canonical status code (what the caller
// should do next) plus the reference's error code and its details.
class Error {
 public:
  Error(absl::StatusCode status_code, std::string code, std::string message);

  Error& Detail(const std::string& key, const std::string& value);
  Error& Detail(const std::string& key, double value);
  Error& Detail(const std::string& key, std::vector<std::string> values);
  Error& Detail(const std::string& key, google::protobuf::Value value);
  Error& Recovery(std::initializer_list<absl::string_view> options);
  Error& Recovery(const std::vector<std::string>& options);

  absl::Status Build() const;
  operator absl::Status() const { return Build(); }  // NOLINT: reads as a status

 private:
  absl::StatusCode status_code_;
  hotel::whatsapp::v1::ErrorDetail detail_;
};

// Reads the ErrorDetail of a status, or derives one from its code.
hotel::whatsapp::v1::ErrorDetail DetailOf(const absl::Status& status);

// The common cases.
absl::Status InvalidArgument(std::string message, std::string field = "");
absl::Status NotFound(std::string what, const std::string& id);
absl::Status InvalidPhoneNumber(const std::string& phone);
// RATE_LIMIT_EXCEEDED with `retry_after_seconds` in the details, which REST
// also answers as a Retry-After header.
Error RateLimitExceeded(std::string message, double retry_after_seconds);

// The details key REST turns into a Retry-After header.
inline constexpr char kRetryAfterDetail[] = "retry_after_seconds";

}  // namespace wa::domain
