#include "gateway/error_renderer.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "gateway/field_errors.h"
#include "gateway/json_transcoder.h"
#include "gateway/json_writer.h"
#include "google/rpc/status.pb.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "nlohmann/json.hpp"

namespace wa::gateway {
namespace {

// Finds our ErrorDetail among the google.rpc.Status details, if the server sent one.
bool ExtractErrorDetail(const grpc::Status& status, hotel::whatsapp::v1::ErrorDetail* detail) {
  if (status.error_details().empty()) return false;
  google::rpc::Status rpc_status;
  if (!rpc_status.ParseFromString(status.error_details())) return false;
  for (const google::protobuf::Any& any : rpc_status.details()) {
    if (any.Is<hotel::whatsapp::v1::ErrorDetail>() && any.UnpackTo(detail)) return true;
  }
  return false;
}

// An error that says when to retry (RATE_LIMIT_EXCEEDED) carries it in its
// details; HTTP clients also expect it as Retry-After, in whole seconds.
int RetryAfterSeconds(const hotel::whatsapp::v1::ErrorDetail& detail) {
  const auto& fields = detail.details().fields();
  auto it = fields.find("retry_after_seconds");
  if (it == fields.end() || !it->second.has_number_value()) return 0;
  double seconds = it->second.number_value();
  if (!(seconds > 0)) return 0;
  return static_cast<int>(std::ceil(std::min(seconds, 86400.0)));
}

}  // namespace

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

int HttpStatusFromGrpcCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::UNKNOWN:
      return 500;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 400;
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::INTERNAL:
      return 500;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DATA_LOSS:
      return 500;
    default:
      return 500;
  }
}

int HttpStatusFromErrorCode(absl::string_view code, grpc::StatusCode fallback) {
  // The reference's own table ("Common Error Codes").
  static constexpr std::pair<absl::string_view, int> kReference[] = {
      {"INVALID_PHONE_NUMBER", 400}, {"TEMPLATE_NOT_FOUND", 404},  {"MESSAGE_WINDOW_EXPIRED", 403},
      {"RATE_LIMIT_EXCEEDED", 429},  {"MEDIA_UPLOAD_FAILED", 422}, {"WEBHOOK_DELIVERY_FAILED", 500},
      {"GUEST_OPTED_OUT", 403},
  };
  for (const auto& [name, http] : kReference) {
    if (name == code) return http;
  }
  return HttpStatusFromGrpcCode(fallback);
}

std::string ErrorBody(absl::string_view code, absl::string_view message,
                      absl::string_view details_json,
                      const std::vector<std::string>& recovery_options) {
  std::string out;
  out.reserve(96 + message.size() + details_json.size());
  out.append("{\"error\":{\"code\":");
  json::AppendString(&out, code);
  out.append(",\"message\":");
  json::AppendString(&out, message);
  out.append(",\"details\":");
  absl::StrAppend(&out, details_json.empty() ? absl::string_view("{}") : details_json);
  out.append(",\"recovery_options\":[");
  for (size_t i = 0; i < recovery_options.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::AppendString(&out, recovery_options[i]);
  }
  out.append("]}}");
  return out;
}

namespace {

std::string DefaultMessage(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNIMPLEMENTED:
      return "This operation is not available yet";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "The operation did not finish in time";
    case grpc::StatusCode::UNAVAILABLE:
      return "The service is unavailable; try again";
    default:
      return "The operation failed";
  }
}

bool IsServerFault(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return true;
    default:
      return false;
  }
}

RenderedError RenderDetail(const hotel::whatsapp::v1::ErrorDetail& detail, grpc::StatusCode status,
                           const std::string& status_message) {
  const std::string code =
      detail.code().empty() ? std::string(GrpcCodeName(status)) : detail.code();
  const std::string& message = detail.message().empty() ? status_message : detail.message();
  const std::string details = detail.has_details() ? MessageToJson(detail.details()) : "{}";
  const std::vector<std::string> recovery(detail.recovery_options().begin(),
                                          detail.recovery_options().end());
  return {HttpStatusFromErrorCode(code, status), ErrorBody(code, message, details, recovery),
          RetryAfterSeconds(detail)};
}

}  // namespace

RenderedError RenderRpcError(const grpc::Status& status) {
  hotel::whatsapp::v1::ErrorDetail detail;
  if (!ExtractErrorDetail(status, &detail)) {
    const absl::string_view code = GrpcCodeName(status.error_code());
    // gRPC's own errors (an unimplemented method, a deadline) come without
    // a message; the contract promises a human one.
    // Without the contract's detail the text is gRPC's or a server's own
    // (a transport failure, a remote server's internals): for the codes
    // that mean "not your fault" the client gets the stable message.
    const std::string message = status.error_message().empty() || IsServerFault(status.error_code())
                                    ? DefaultMessage(status.error_code())
                                    : status.error_message();
    return {HttpStatusFromGrpcCode(status.error_code()), ErrorBody(code, message, "{}", {})};
  }
  return RenderDetail(detail, status.error_code(), status.error_message());
}

RenderedError RenderGatewayError(int http_status, absl::string_view code,
                                 absl::string_view message) {
  return {http_status, ErrorBody(code, message, "{}", {})};
}

RenderedError RenderStatusError(const absl::Status& status) {
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (std::optional<hotel::whatsapp::v1::ErrorDetail> detail = ErrorDetailOf(status)) {
    return RenderDetail(*detail, code, std::string(status.message()));
  }
  return RenderGatewayError(HttpStatusFromGrpcCode(code), GrpcCodeName(code), status.message());
}

void AddRecoveryOption(RenderedError* error, absl::string_view option) {
  nlohmann::ordered_json body =
      nlohmann::ordered_json::parse(error->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("error")) return;
  body["error"]["recovery_options"].push_back(std::string(option));
  error->body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace wa::gateway
