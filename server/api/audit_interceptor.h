#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "grpcpp/support/server_interceptor.h"
#include "server/api/call_registry.h"
#include "server/workers/audit_writer.h"

namespace wa::api {

// Writes the audit log: every call of an admin-only RPC (the role the
// Authenticator was asked for) and of every RPC the contract marks
// `(hotel.whatsapp.v1.audited) = true` (the sends), with the caller's token,
// the identifiers the request and answer name, the time and the outcome
// (failures too). The answer is held until the record is committed (by the
// AuditWriter, many records per transaction), so an answered call is in
// the log; calls whose token is missing or unknown have no caller and are
// not logged. REST calls pass through here too.
class AuditInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `services`: full names of the services whose RPCs may carry the option.
  AuditInterceptorFactory(workers::AuditWriter& writer, CallRegistry& calls,
                          const std::vector<std::string>& services);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  workers::AuditWriter& writer_;
  CallRegistry& calls_;
  absl::flat_hash_set<std::string> marked_;  // "/pkg.Service/Method"
};

}  // namespace wa::api
