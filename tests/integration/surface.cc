#include "tests/integration/surface.h"

#include "gateway/grpc_invoker.h"
#include "gateway/json_transcoder.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "nlohmann/json.hpp"

namespace wa::testing {
namespace {

class GrpcSurface : public Surface {
 public:
  explicit GrpcSurface(const std::string& address)
      : invoker_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())) {}

  std::string Name() const override { return "grpc"; }

  Outcome Call(const Rpc& rpc, const std::string& token, const google::protobuf::Message& request,
               google::protobuf::Message* response) override {
    gateway::CallMetadata metadata;
    if (!token.empty()) metadata.emplace_back("authorization", "Bearer " + token);
    return OutcomeFromGrpc(invoker_.Call(rpc.grpc_method, request, response, metadata));
  }

 private:
  gateway::GrpcInvoker invoker_;
};

int GrpcCodeForHttp(int status) {
  switch (status) {
    case 200:
      return 0;
    case 400:
      return grpc::INVALID_ARGUMENT;
    case 401:
      return grpc::UNAUTHENTICATED;
    case 403:
      return grpc::PERMISSION_DENIED;
    case 404:
      return grpc::NOT_FOUND;
    case 409:
      return grpc::ALREADY_EXISTS;
    case 422:  // MEDIA_UPLOAD_FAILED
      return grpc::INVALID_ARGUMENT;
    case 429:
      return grpc::RESOURCE_EXHAUSTED;
    case 501:
      return grpc::UNIMPLEMENTED;
    case 503:
      return grpc::UNAVAILABLE;
    default:
      return grpc::UNKNOWN;
  }
}

class RestSurface : public Surface {
 public:
  explicit RestSurface(int port) : client_("127.0.0.1", port) {}

  std::string Name() const override { return "rest"; }

  Outcome Call(const Rpc& rpc, const std::string& token, const google::protobuf::Message& request,
               google::protobuf::Message* response) override {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    std::string body = rpc.has_body ? gateway::MessageToJson(request) : "";
    httplib::Result result = rpc.http_method == "GET" ? client_.Get(rpc.http_target, headers)
                             : rpc.http_method == "DELETE"
                                 ? client_.Delete(rpc.http_target, headers)
                             : rpc.http_method == "PATCH"
                                 ? client_.Patch(rpc.http_target, headers, body, "application/json")
                             : rpc.http_method == "PUT"
                                 ? client_.Put(rpc.http_target, headers, body, "application/json")
                                 : client_.Post(rpc.http_target, headers, body, "application/json");
    return OutcomeFromRest(result, response);
  }

 private:
  httplib::Client client_;
};

}  // namespace

Outcome OutcomeFromGrpc(const grpc::Status& status) {
  Outcome outcome;
  outcome.ok = status.ok();
  outcome.grpc_code = status.error_code();
  google::rpc::Status details;
  if (!status.ok() && details.ParseFromString(status.error_details()) &&
      details.details_size() > 0) {
    details.details(0).UnpackTo(&outcome.error);
  }
  return outcome;
}

Outcome OutcomeFromRest(const httplib::Result& result, google::protobuf::Message* response) {
  Outcome outcome;
  if (!result) {
    outcome.grpc_code = grpc::UNAVAILABLE;
    return outcome;
  }
  outcome.http_status = result->status;
  outcome.raw_body = result->body;
  outcome.ok = result->status == 200;
  if (outcome.ok) {
    if (response == nullptr) return outcome;
    response->Clear();  // as a gRPC answer replaces it
    absl::Status parsed = gateway::MergeJsonText(result->body, response);
    if (!parsed.ok()) {
      outcome.ok = false;
      outcome.error.set_message("response did not parse: " + parsed.ToString());
    }
    return outcome;
  }
  // The contract's HTTP statuses carry the reference's codes; map back
  // to the canonical code for the shared assertions.
  nlohmann::json error = nlohmann::json::parse(result->body, nullptr, false);
  if (error.is_object() && error.contains("error")) {
    const nlohmann::json& e = error["error"];
    outcome.error.set_code(e.value("code", ""));
    outcome.error.set_message(e.value("message", ""));
    (void)gateway::MergeJsonIntoField(e.value("details", nlohmann::json::object()),
                                      outcome.error.GetDescriptor()->FindFieldByName("details"),
                                      &outcome.error);
    for (const auto& option : e.value("recovery_options", nlohmann::json::array())) {
      outcome.error.add_recovery_options(option.get<std::string>());
    }
  }
  outcome.grpc_code = GrpcCodeForHttp(result->status);
  return outcome;
}

std::unique_ptr<Surface> MakeGrpcSurface(const std::string& address) {
  return std::make_unique<GrpcSurface>(address);
}

std::unique_ptr<Surface> MakeRestSurface(int http_port) {
  return std::make_unique<RestSurface>(http_port);
}

}  // namespace wa::testing
