#include "server/api/request_id_interceptor.h"

#include <string>

#include "absl/time/clock.h"
#include "common/request_id.h"
#include "nlohmann/json.hpp"
#include "server/api/status_mapping.h"
#include "server/util/log.h"

namespace wa::api {
namespace {

namespace exp = ::grpc::experimental;

// Codes that mean the server failed, rather than the caller's request.
bool IsServerFault(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS;
}

class RequestIdInterceptor : public exp::Interceptor {
 public:
  RequestIdInterceptor(std::string method, bool log_requests)
      : method_(std::move(method)), log_requests_(log_requests) {}

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            exp::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      TakeRequestId(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(
            exp::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, request_id_);
    }
    if (log_requests_ &&
        methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_STATUS)) {
      LogRequest(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  // The caller's id, or a new one put in the caller's place. The map's
  // entries point into this interceptor, which lives as long as the call.
  void TakeRequestId(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    auto range = metadata->equal_range(kRequestIdKey);
    if (range.first != range.second) {
      request_id_.assign(range.first->second.data(), range.first->second.size());
      if (IsValidRequestId(request_id_)) return;
    }
    metadata->erase(range.first, range.second);
    request_id_ = NewRequestId();
    metadata->emplace(grpc::string_ref(kRequestIdKey), grpc::string_ref(request_id_));
  }

  void LogRequest(const grpc::Status& status) {
    nlohmann::ordered_json fields = {
        {"request_id", request_id_},
        {"method", method_},
        {"code", GrpcCodeName(status.error_code())},
        {"duration_ms", absl::ToDoubleMilliseconds(absl::Now() - start_)}};
    util::WriteLogLine(IsServerFault(status.error_code()) ? "ERROR" : "INFO", "rpc", &fields);
  }

  std::string method_;
  bool log_requests_;
  std::string request_id_;
  absl::Time start_ = absl::Now();
};

}  // namespace

exp::Interceptor* RequestIdInterceptorFactory::CreateServerInterceptor(exp::ServerRpcInfo* info) {
  return new RequestIdInterceptor(info->method(), log_requests_);
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  auto it = context.client_metadata().find(kRequestIdKey);
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace wa::api
