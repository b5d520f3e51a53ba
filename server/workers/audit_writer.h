#pragma once

#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/domain/audit_service.h"

namespace wa::workers {

// Writes audit records off the gRPC threads, many per transaction: each
// record's `done` runs once the transaction holding it is committed (or
// failed, which is logged). The audit interceptor holds a call's answer
// until then, so an answered call is in the log without blocking a gRPC
// thread on an fsync of its own.
class AuditWriter {
 public:
  using Done = std::function<void()>;

  explicit AuditWriter(domain::AuditService& audit) : audit_(audit) {}
  ~AuditWriter() { Stop(); }

  void Start();
  void Submit(storage::AuditRecord record, Done done);
  // Writes what is queued, then joins the thread; later records are
  // written on the caller's thread.
  void Stop();

 private:
  using Item = std::pair<storage::AuditRecord, Done>;
  void Run();
  void Write(std::vector<Item> batch);
  bool Ready() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; }

  domain::AuditService& audit_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<Item> queue_ ABSL_GUARDED_BY(mu_);
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace wa::workers
