#include "server/storage/audit_repository.h"

#include "nlohmann/json.hpp"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

std::string ResourcesJson(const std::map<std::string, std::string>& resources) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [key, value] : resources) json[key] = value;
  return json.dump();
}

std::map<std::string, std::string> ResourcesFromJson(const std::string& text) {
  std::map<std::string, std::string> resources;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return resources;
  for (const auto& [key, value] : json.items()) {
    if (value.is_string()) resources[key] = value.get<std::string>();
  }
  return resources;
}

AuditRecord ReadAudit(const Statement& s) {
  AuditRecord r;
  r.seq = s.ColumnInt(0);
  r.property_id = s.ColumnText(1);
  r.occurred_at = s.ColumnTime(2);
  r.token_id = s.ColumnText(3);
  r.role = static_cast<v1::Role>(s.ColumnInt(4));
  r.method = s.ColumnText(5);
  r.resources = ResourcesFromJson(s.ColumnText(6));
  r.grpc_code = static_cast<int>(s.ColumnInt(7));
  r.code = s.ColumnText(8);
  r.error_message = s.ColumnText(9);
  return r;
}

}  // namespace

absl::Status AuditRepository::Insert(const std::vector<AuditRecord>& records) {
  return RunForRows(db_,
                    "INSERT INTO audit_events (property_id, occurred_at, token_id, role, method, "
                    "resources, grpc_code, code, error_message) ",
                    "", records, [](const AuditRecord& r) {
                      return std::make_tuple(r.property_id, r.occurred_at, r.token_id,
                                             static_cast<int>(r.role), r.method,
                                             ResourcesJson(r.resources), r.grpc_code, r.code,
                                             r.error_message);
                    });
}

absl::StatusOr<std::vector<AuditRecord>> AuditRepository::List(const AuditFilter& f) {
  // One statement for every combination of filters: an unset one matches
  // everything. A short method name matches the tail after a dot.
  static const std::string sql =
      "SELECT seq, property_id, occurred_at, token_id, role, method, resources, grpc_code, code, "
      "error_message FROM audit_events "
      "WHERE property_id = ?1 AND (?2 = '' OR token_id = ?2) "
      "AND (?3 = '' OR method = ?3 OR (length(method) > length(?3) AND "
      "substr(method, length(method) - length(?3)) = '.' || ?3)) "
      "AND (?4 IS NULL OR occurred_at >= ?4) AND (?5 IS NULL OR occurred_at < ?5) "
      "AND (?6 = 0 OR seq < ?6) ORDER BY seq DESC LIMIT ?7";
  return QueryAll<AuditRecord>(db_, sql, ReadAudit, f.property_id, f.token_id, f.method, f.since,
                               f.until, f.before_seq, f.limit);
}

}  // namespace wa::storage
