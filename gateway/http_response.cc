#include "gateway/http_response.h"

#include <string>
#include <utility>

#include "common/request_id.h"
#include "gateway/json_transcoder.h"

namespace wa::gateway {
namespace {

constexpr std::pair<const char*, const char*> kForwarded[] = {
    {"Authorization", "authorization"},
    // Sends read it as their idempotency key (when the request has none).
    {"Idempotency-Key", "idempotency-key"},
};

// gRPC refuses a call whose ASCII metadata holds bytes outside 0x20-0x7E, and
// the C++ library aborts the process on that refusal; such a header is
// dropped instead (an unreadable token then simply fails authentication).
bool IsLegalMetadataValue(const std::string& value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace

void WriteJson(httplib::Response& res, int http_status, std::string body) {
  res.status = http_status;
  res.body = std::move(body);
  res.set_header("Content-Type", "application/json");
}

void WriteError(httplib::Response& res, RenderedError error) {
  if (error.retry_after_seconds > 0) {
    res.set_header("Retry-After", std::to_string(error.retry_after_seconds));
  }
  WriteJson(res, error.http_status, std::move(error.body));
}

void WriteRpcError(httplib::Response& res, const grpc::Status& status) {
  WriteError(res, RenderRpcError(status));
}

void WriteGatewayError(httplib::Response& res, int http_status, absl::string_view code,
                       absl::string_view message) {
  WriteError(res, RenderGatewayError(http_status, code, message));
}

void WriteMessage(httplib::Response& res, const google::protobuf::Message& message,
                  int http_status) {
  std::string body;
  AppendMessageJson(message, &body);
  WriteJson(res, http_status, std::move(body));
}

std::string RequestIdFor(const httplib::Request& req) {
  std::string given = req.get_header_value(kRequestIdHeader);
  return IsValidRequestId(given) ? given : NewRequestId();
}

CallMetadata ForwardedMetadata(const httplib::Request& req, const httplib::Response& res) {
  CallMetadata metadata;
  for (const auto& [header, key] : kForwarded) {
    auto it = req.headers.find(header);  // httplib's header map ignores case
    if (it != req.headers.end() && IsLegalMetadataValue(it->second)) {
      metadata.emplace_back(key, it->second);
    }
  }
  if (std::string id = res.get_header_value(kRequestIdHeader); IsValidRequestId(id)) {
    metadata.emplace_back(kRequestIdKey, std::move(id));
  }
  return metadata;
}

void AddForwardedMetadata(const httplib::Request& req, const httplib::Response& res,
                          grpc::ClientContext* context) {
  for (auto& [key, value] : ForwardedMetadata(req, res)) context->AddMetadata(key, value);
}

}  // namespace wa::gateway
