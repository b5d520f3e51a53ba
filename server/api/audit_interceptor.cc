#include "server/api/audit_interceptor.h"

#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "hotel/whatsapp/v1/audit.pb.h"
#include "server/api/audit_resources.h"
#include "server/api/status_mapping.h"

namespace wa::api {
namespace {

namespace exp = ::grpc::experimental;
namespace v1 = ::hotel::whatsapp::v1;

// Error messages are the service's own words, never a secret; bounded anyway.
constexpr size_t kMaxErrorMessage = 500;

class AuditInterceptor : public exp::Interceptor {
 public:
  AuditInterceptor(workers::AuditWriter& writer, CallRegistry& calls,
                   const grpc::ServerContextBase* call, std::string path, bool marked, bool unary,
                   bool one_request)
      : writer_(writer),
        calls_(calls),
        call_(call),
        path_(std::move(path)),
        marked_(marked),
        unary_(unary),
        one_request_(one_request) {}
  ~AuditInterceptor() override { calls_.Take(call_); }

  void Intercept(exp::InterceptorBatchMethods* methods) override {
    // The messages stay alive until the call ends; calls with one request
    // are audited (unary ones with their one answer, which goes out with the
    // status; server streams, e.g. a guest's export, without).
    if (one_request_ &&
        methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::POST_RECV_MESSAGE)) {
      request_ = static_cast<const google::protobuf::Message*>(methods->GetRecvMessage());
    }
    if (unary_ &&
        methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      response_ = static_cast<const google::protobuf::Message*>(methods->GetSendMessage());
    }
    if (methods->QueryInterceptionHookPoint(exp::InterceptionHookPoints::PRE_SEND_STATUS)) {
      std::optional<CallRegistry::Entry> entry = calls_.Take(call_);
      if (entry && one_request_ && (marked_ || entry->required == v1::ROLE_ADMIN)) {
        // The status goes out once the record is committed.
        writer_.Submit(Record(*entry, methods->GetSendStatus()), [methods] { methods->Proceed(); });
        return;
      }
    }
    methods->Proceed();
  }

 private:
  storage::AuditRecord Record(const CallRegistry::Entry& entry, const grpc::Status& status) {
    storage::AuditRecord record;
    record.property_id = entry.caller.property_id;
    record.occurred_at = absl::Now();
    record.token_id = entry.caller.token_id;
    record.role = entry.caller.role;
    // "/pkg.Service/Method" -> "pkg.Service.Method", as the descriptors name it.
    record.method = absl::StrReplaceAll(path_.substr(1), {{"/", "."}});
    if (status.ok() && response_ != nullptr) AddIdentifiers(*response_, &record.resources);
    if (request_ != nullptr) AddIdentifiers(*request_, &record.resources);
    record.grpc_code = static_cast<int>(status.error_code());
    record.code = ContractCode(status);
    record.error_message = status.error_message().substr(0, kMaxErrorMessage);
    return record;
  }

  workers::AuditWriter& writer_;
  CallRegistry& calls_;
  const grpc::ServerContextBase* call_;
  std::string path_;
  bool marked_;
  bool unary_;
  bool one_request_;
  const google::protobuf::Message* request_ = nullptr;
  const google::protobuf::Message* response_ = nullptr;
};

}  // namespace

AuditInterceptorFactory::AuditInterceptorFactory(workers::AuditWriter& writer, CallRegistry& calls,
                                                 const std::vector<std::string>& services)
    : writer_(writer), calls_(calls) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (method->options().GetExtension(v1::audited)) {
        marked_.insert(absl::StrCat("/", name, "/", method->name()));
      }
    }
  }
}

exp::Interceptor* AuditInterceptorFactory::CreateServerInterceptor(exp::ServerRpcInfo* info) {
  std::string path = info->method();
  bool marked = marked_.contains(path);
  const exp::ServerRpcInfo::Type type = info->type();
  return new AuditInterceptor(writer_, calls_, info->server_context(), std::move(path), marked,
                              type == exp::ServerRpcInfo::Type::UNARY,
                              type == exp::ServerRpcInfo::Type::UNARY ||
                                  type == exp::ServerRpcInfo::Type::SERVER_STREAMING);
}

}  // namespace wa::api
