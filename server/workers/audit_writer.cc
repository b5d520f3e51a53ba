#include "server/workers/audit_writer.h"

#include "server/util/log.h"

namespace wa::workers {

void AuditWriter::Start() {
  absl::MutexLock lock(&mu_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void AuditWriter::Submit(storage::AuditRecord record, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (running_ && !stopping_) {
      queue_.emplace_back(std::move(record), std::move(done));
      return;
    }
  }
  std::vector<Item> alone;
  alone.emplace_back(std::move(record), std::move(done));
  Write(std::move(alone));
}

void AuditWriter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stopping_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

void AuditWriter::Run() {
  while (true) {
    std::vector<Item> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &AuditWriter::Ready));
      if (queue_.empty()) return;  // stopping, and everything is written
      batch.swap(queue_);
    }
    Write(std::move(batch));
  }
}

void AuditWriter::Write(std::vector<Item> batch) {
  std::vector<storage::AuditRecord> records;
  records.reserve(batch.size());
  for (const Item& item : batch) records.push_back(item.first);
  // The calls have happened; a log that cannot be written is reported to
  // the operator rather than turned into failed answers.
  if (absl::Status s = audit_.RecordAll(records); !s.ok()) {
    util::LogError("audit log: ", records.size(), " records lost: ", s.ToString());
  }
  for (Item& item : batch) item.second();
}

}  // namespace wa::workers
