#include "server/api/unparsable_request_interceptor.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "server/api/status_mapping.h"
#include "server/domain/errors.h"

namespace wa::api {
namespace {

namespace exp = ::grpc::experimental;

class UnparsableRequestInterceptor : public exp::Interceptor {
 public:
  explicit UnparsableRequestInterceptor(std::string method) : method_(std::move(method)) {}

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    // gRPC hands interceptors no message when the request did not parse.
    if (methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      unparsable_ = true;
    }
    if (unparsable_ &&
        methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_STATUS) &&
        !methods->GetSendStatus().ok()) {
      methods->ModifySendStatus(ToGrpcStatus(domain::InvalidArgument(
          absl::StrCat("the request is not a valid message for ", method_,
                       ": malformed protobuf or a string field that is not valid UTF-8"))));
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  bool unparsable_ = false;
};

}  // namespace

exp::Interceptor* UnparsableRequestInterceptorFactory::CreateServerInterceptor(
    exp::ServerRpcInfo* info) {
  if (info->type() != exp::ServerRpcInfo::Type::UNARY) return nullptr;
  return new UnparsableRequestInterceptor(info->method());
}

}  // namespace wa::api
