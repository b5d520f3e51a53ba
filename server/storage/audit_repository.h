#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

// One audited call: who (token), what (method and the ids it named), when,
// and how it ended.
struct AuditRecord {
  int64_t seq = 0;  // assigned on insert; orders the log
  std::string property_id;
  absl::Time occurred_at;
  std::string token_id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string method;  // "hotel.whatsapp.v1.MessagesService.SendMessage"
  std::map<std::string, std::string> resources;
  int grpc_code = 0;
  std::string code;  // "OK" or the contract's error code
  std::string error_message;
};

struct AuditFilter {
  std::string property_id;
  std::string token_id;  // empty: any
  // Empty: any; else the full name or its tail after a dot ("SendMessage",
  // "MessagesService.SendMessage").
  std::string method;
  std::optional<absl::Time> since;  // occurred_at >= since
  std::optional<absl::Time> until;  // occurred_at < until
  int64_t before_seq = 0;           // paging: older than this; 0: from the newest
  int limit = 50;
};

// The audit log, append only. Methods run inside the caller's
// Database::Transaction or Database::Read.
class AuditRepository {
 public:
  explicit AuditRepository(Database& db) : db_(db) {}

  // All in as few statements as RunForRows (statements.h) allows.
  absl::Status Insert(const std::vector<AuditRecord>& records);
  // Newest first.
  absl::StatusOr<std::vector<AuditRecord>> List(const AuditFilter& filter);

 private:
  Database& db_;
};

}  // namespace wa::storage
