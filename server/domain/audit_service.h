#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/audit_repository.h"
#include "server/storage/database.h"

namespace wa::domain {

struct AuditQuery {
  std::string property_id;
  std::string token_id;
  std::string method;
  std::optional<absl::Time> since;
  std::optional<absl::Time> until;
  int page_size = 0;  // 0: the default
  std::string page_token;
};

struct AuditPage {
  std::vector<storage::AuditRecord> events;
  std::string next_page_token;
};

// The audit log: written once per audited call, read by a property's admins.
class AuditService {
 public:
  explicit AuditService(storage::Database& db) : db_(db), audit_(db) {}

  // Durable when it returns OK (its own transaction).
  absl::Status Record(const storage::AuditRecord& record);
  // All in one transaction.
  absl::Status RecordAll(const std::vector<storage::AuditRecord>& records);
  // Newest first, one property only.
  absl::StatusOr<AuditPage> List(const AuditQuery& query);

 private:
  storage::Database& db_;
  storage::AuditRepository audit_;
};

}  // namespace wa::domain
