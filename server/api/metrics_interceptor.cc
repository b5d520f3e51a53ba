#include "server/api/metrics_interceptor.h"

#include <string>

#include "absl/time/clock.h"
#include "server/util/metrics.h"

namespace wa::api {
namespace {

namespace exp = ::grpc::experimental;

const char* CodeName(grpc::StatusCode code) {
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

class MetricsInterceptor : public exp::Interceptor {
 public:
  explicit MetricsInterceptor(std::string method) : method_(std::move(method)) {}

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_STATUS)) {
      util::Metrics::Global().CountRequest(method_, CodeName(methods->GetSendStatus().error_code()),
                                           absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  absl::Time start_ = absl::Now();
};

}  // namespace

exp::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(exp::ServerRpcInfo* info) {
  return new MetricsInterceptor(info->method());
}

}  // namespace wa::api
