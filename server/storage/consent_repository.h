#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

struct ConsentRecord {
  bool opted_out = false;
  bool marketing_opted_out = false;
  std::optional<absl::Time> updated_at;
};

struct ConsentEventRecord {
  std::string scope;  // "all" or "marketing"
  bool opted_in = false;
  std::string source;
  std::string reason;
  absl::Time at;
};

// A guest's consent per property and every change to it.
class ConsentRepository {
 public:
  explicit ConsentRepository(Database& db) : db_(db) {}

  // A guest with no record has not opted out.
  absl::StatusOr<ConsentRecord> Get(const std::string& property_id, const std::string& guest_phone);
  // Records the change and its event; call inside a transaction.
  absl::Status Record(const std::string& property_id, const std::string& guest_phone,
                      const ConsentEventRecord& event);
  absl::StatusOr<std::vector<ConsentEventRecord>> History(const std::string& property_id,
                                                          const std::string& guest_phone,
                                                          int limit);

 private:
  Database& db_;
};

}  // namespace wa::storage
