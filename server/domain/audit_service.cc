#include "server/domain/audit_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

}  // namespace

absl::Status AuditService::Record(const storage::AuditRecord& record) {
  return db_.Transaction([&] { return audit_.Insert(record); });
}

absl::Status AuditService::RecordAll(const std::vector<storage::AuditRecord>& records) {
  return db_.Transaction([&]() -> absl::Status {
    for (const storage::AuditRecord& record : records) {
      if (absl::Status s = audit_.Insert(record); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<AuditPage> AuditService::List(const AuditQuery& query) {
  if (query.page_size < 0) return InvalidArgument("page_size must not be negative", "page_size");
  storage::AuditFilter filter;
  filter.property_id = query.property_id;
  filter.token_id = query.token_id;
  filter.method = query.method;
  filter.since = query.since;
  filter.until = query.until;
  filter.limit = std::min(query.page_size == 0 ? kDefaultPageSize : query.page_size, kMaxPageSize);
  if (!query.page_token.empty() &&
      (!absl::SimpleAtoi(query.page_token, &filter.before_seq) || filter.before_seq <= 0)) {
    return InvalidArgument("page_token is not a token this service issued", "page_token");
  }
  absl::StatusOr<std::vector<storage::AuditRecord>> events =
      storage::ReadValue(db_, [&] { return audit_.List(filter); });
  if (!events.ok()) return events.status();
  AuditPage page;
  page.events = *std::move(events);
  if (static_cast<int>(page.events.size()) == filter.limit) {
    page.next_page_token = absl::StrCat(page.events.back().seq);
  }
  return page;
}

}  // namespace wa::domain
