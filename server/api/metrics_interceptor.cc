#include "server/api/metrics_interceptor.h"

#include <string>

#include "absl/time/clock.h"
#include "server/api/status_mapping.h"
#include "server/util/metrics.h"

namespace wa::api {
namespace {

namespace exp = ::grpc::experimental;

class MetricsInterceptor : public exp::Interceptor {
 public:
  explicit MetricsInterceptor(std::string method) : method_(std::move(method)) {}

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_STATUS)) {
      util::Metrics::Global().CountRequest(
          method_, GrpcCodeName(methods->GetSendStatus().error_code()), absl::Now() - start_);
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
