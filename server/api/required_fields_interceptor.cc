#include "server/api/required_fields_interceptor.h"

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "common/required_fields.h"
#include "google/protobuf/message.h"
#include "server/domain/errors.h"

namespace wa::api {
namespace {

namespace exp = ::grpc::experimental;

// The refusals of calls in flight, by server context (which lives as long
// as its call).
class Refusals {
 public:
  static Refusals& Global() {
    static Refusals* refusals = new Refusals;  // never destroyed: calls may outlive main
    return *refusals;
  }
  void Note(const grpc::ServerContextBase* call, absl::Status refusal) {
    absl::MutexLock lock(&mu_);
    by_call_[call] = std::move(refusal);
  }
  absl::Status Take(const grpc::ServerContextBase* call) {
    absl::MutexLock lock(&mu_);
    auto it = by_call_.find(call);
    if (it == by_call_.end()) return absl::OkStatus();
    absl::Status refusal = std::move(it->second);
    by_call_.erase(it);
    return refusal;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, absl::Status> by_call_ ABSL_GUARDED_BY(mu_);
};

class RequiredFieldsInterceptor : public exp::Interceptor {
 public:
  explicit RequiredFieldsInterceptor(const grpc::ServerContextBase* call) : call_(call) {}

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // A generated protobuf message of one of our services (null when it
      // did not parse).
      const auto* request =
          static_cast<const google::protobuf::Message*>(methods->GetRecvMessage());
      std::optional<std::string> missing =
          request == nullptr ? std::nullopt : MissingRequiredField(*request);
      if (missing) {
        noted_ = true;
        Refusals::Global().Note(
            call_, domain::Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                                 MissingFieldMessage(*missing))
                       .Detail("field", *missing)
                       .Recovery({MissingFieldRecovery(*missing)}));
      }
    }
    if (noted_ &&
        methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Refusals::Global().Take(call_).IgnoreError();  // a call that never reached Handle()
    }
    methods->Proceed();
  }

 private:
  const grpc::ServerContextBase* call_;
  bool noted_ = false;
};

}  // namespace

exp::Interceptor* RequiredFieldsInterceptorFactory::CreateServerInterceptor(
    exp::ServerRpcInfo* info) {
  // Only our own services' messages are generated protobuf messages: the
  // standard health service, for one, receives raw bytes.
  if (info->type() != exp::ServerRpcInfo::Type::UNARY ||
      !absl::StartsWith(info->method(), "/hotel.whatsapp.v1.")) {
    return nullptr;
  }
  return new RequiredFieldsInterceptor(info->server_context());
}

absl::Status TakeRequestRefusal(const grpc::ServerContextBase& call) {
  return Refusals::Global().Take(&call);
}

}  // namespace wa::api
