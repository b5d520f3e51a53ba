#include "server/api/status_mapping.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "server/domain/errors.h"
#include "server/util/log.h"

namespace wa::api {

namespace {

// Codes whose bare messages are written for the client; any other code's
// text comes from inside (SQL, file paths, libcurl, libpq).
bool IsClientFault(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kUnauthenticated:
      return true;
    default:
      return false;
  }
}

// Even an error built for the client says nothing inside for these.
bool IsAlwaysHidden(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

bool HasContractDetail(const absl::Status& status) {
  return status.GetPayload(domain::kErrorDetailUrl).has_value();
}

bool ShouldHide(const absl::Status& status) {
  if (IsAlwaysHidden(status.code())) return true;
  return !HasContractDetail(status) && !IsClientFault(status.code());
}

std::string StableMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
      return "The service is unavailable; try again";
    case absl::StatusCode::kDeadlineExceeded:
      return "The operation did not finish in time";
    case absl::StatusCode::kFailedPrecondition:
      return "The operation cannot be done in the current state";
    default:
      return "Internal error";
  }
}

// The ErrorDetail again as a google.protobuf.Struct of the same JSON
// (proto field names): a generic tool that knows only the well-known types
// shows it in plain JSON. `buf curl` prints error details through its own
// compiled-in types, never through the server's reflection, so it shows
// our ErrorDetail as base64 but this twin decoded (README, "Errors").
google::protobuf::Struct AsStruct(const hotel::whatsapp::v1::ErrorDetail& detail) {
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  std::string json;
  google::protobuf::Struct out;
  if (google::protobuf::util::MessageToJsonString(detail, &json, print).ok()) {
    (void)google::protobuf::util::JsonStringToMessage(json, &out);  // our own JSON: it parses
  }
  return out;
}

}  // namespace

absl::Status ClientFacing(const absl::Status& status, absl::string_view request_id) {
  if (status.ok() || !ShouldHide(status)) return status;
  std::string code = HasContractDetail(status) ? domain::DetailOf(status).code()
                                               : absl::StatusCodeToString(status.code());
  std::string message = StableMessage(status.code());
  if (!request_id.empty()) absl::StrAppend(&message, " (request ", request_id, ")");
  return domain::Error(status.code(), code, std::move(message))
      .Detail("request_id", std::string(request_id))
      .Recovery({"Try again later", "Quote the request id when reporting this"});
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  return ToGrpcStatus(status, util::CurrentRequestId());
}

grpc::Status ToGrpcStatus(const absl::Status& raw, absl::string_view request_id) {
  if (raw.ok()) return grpc::Status::OK;
  const absl::Status status = ClientFacing(raw, request_id);
  if (ShouldHide(raw)) {
    util::ScopedRequestId scoped(request_id);
    util::LogError("request failed: ", raw.ToString(absl::StatusToStringMode::kWithNoExtraData));
  }
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  const hotel::whatsapp::v1::ErrorDetail detail = domain::DetailOf(status);
  rpc_status.add_details()->PackFrom(detail);
  rpc_status.add_details()->PackFrom(AsStruct(detail));
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      rpc_status.SerializeAsString());
}

const char* GrpcCodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

std::string ContractCode(const grpc::Status& status) {
  google::rpc::Status rich;
  hotel::whatsapp::v1::ErrorDetail detail;
  if (!status.ok() && rich.ParseFromString(status.error_details()) && rich.details_size() > 0 &&
      rich.details(0).UnpackTo(&detail) && !detail.code().empty()) {
    return detail.code();
  }
  return GrpcCodeName(status.error_code());
}

}  // namespace wa::api
