#pragma once

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "server/domain/token_service.h"

namespace wa::api {

// Who is making each call in flight, as the Authenticator resolved it, and
// which role the call required: read by the audit interceptor when the call
// finishes, so the caller is looked up once per call. Keyed by the call's
// server context, which lives as long as the call.
class CallRegistry {
 public:
  struct Entry {
    domain::Caller caller;
    hotel::whatsapp::v1::Role required = hotel::whatsapp::v1::ROLE_UNSPECIFIED;
  };

  void Note(const grpc::ServerContextBase* call, Entry entry);
  // Removes and returns the call's entry, if the call was authenticated.
  std::optional<Entry> Take(const grpc::ServerContextBase* call);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wa::api
