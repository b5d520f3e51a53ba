#include "server/domain/audit_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/paging.h"
#include "server/util/status_macros.h"

namespace wa::domain {
namespace {}  // namespace

absl::Status AuditService::Record(const storage::AuditRecord& record) {
  return db_.Transaction([&] { return audit_.Insert({record}); });
}

absl::Status AuditService::RecordAll(const std::vector<storage::AuditRecord>& records) {
  return db_.Transaction([&] { return audit_.Insert(records); });
}

absl::StatusOr<AuditPage> AuditService::List(const AuditQuery& query) {
  ASSIGN_OR_RETURN(int limit, PageLimit(query.page_size));
  ASSIGN_OR_RETURN(int64_t before, ParseSeqToken(query.page_token));
  storage::AuditFilter filter;
  filter.property_id = query.property_id;
  filter.token_id = query.token_id;
  filter.method = query.method;
  filter.since = query.since;
  filter.until = query.until;
  filter.before_seq = before;
  filter.limit = limit + 1;
  AuditPage page;
  ASSIGN_OR_RETURN(page.events, storage::ReadValue(db_, [&] { return audit_.List(filter); }));
  page.next_page_token =
      TrimPage(page.events, limit, [](const auto& last) { return absl::StrCat(last.seq); });
  return page;
}

}  // namespace wa::domain
