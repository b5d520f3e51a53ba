#include "server/api/call_registry.h"

namespace wa::api {

void CallRegistry::Note(const grpc::ServerContextBase* call, Entry entry) {
  absl::MutexLock lock(&mu_);
  entries_[call] = std::move(entry);
}

std::optional<CallRegistry::Entry> CallRegistry::Take(const grpc::ServerContextBase* call) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(call);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  return entry;
}

}  // namespace wa::api
