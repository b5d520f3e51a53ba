#include "server/api/timing_mapping.h"

#include "server/domain/errors.h"

namespace wa::api {
namespace {

absl::Status BadSendAt() {
  return domain::InvalidArgument(
      "send_at is an RFC 3339 time (\"2026-12-09T14:00:00Z\") or "
      "{\"relative_to\": \"metadata.<key>\", \"offset\": \"-48h\"}",
      "send_at");
}

absl::Status ReadRelative(const google::protobuf::Struct& fields, domain::TimingRequest& out) {
  for (const auto& [name, value] : fields.fields()) {
    if (value.kind_case() != google::protobuf::Value::kStringValue) return BadSendAt();
    if (name == "relative_to") {
      out.relative_to = value.string_value();
    } else if (name == "offset") {
      out.offset = value.string_value();
    } else {
      return BadSendAt();
    }
  }
  if (out.relative_to.empty()) return BadSendAt();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<domain::TimingRequest> ToTiming(const google::protobuf::Value* send_at,
                                               const std::string& valid_until,
                                               bool respect_quiet_hours) {
  domain::TimingRequest out;
  out.valid_until = valid_until;
  out.respect_quiet_hours = respect_quiet_hours;
  if (send_at == nullptr) return out;
  switch (send_at->kind_case()) {
    case google::protobuf::Value::KIND_NOT_SET:
    case google::protobuf::Value::kNullValue:
      return out;
    case google::protobuf::Value::kStringValue:
      out.send_at = send_at->string_value();
      return out;
    case google::protobuf::Value::kStructValue:
      if (absl::Status s = ReadRelative(send_at->struct_value(), out); !s.ok()) return s;
      return out;
    default:
      return BadSendAt();
  }
}

}  // namespace wa::api
