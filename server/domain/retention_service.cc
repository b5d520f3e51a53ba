#include "server/domain/retention_service.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

constexpr int kMaxDays = 3650;

}  // namespace

absl::StatusOr<storage::RetentionPolicy> RetentionService::Get(const std::string& property_id) {
  return storage::ReadValue(db_, [&] { return retention_.Get(property_id); });
}

absl::StatusOr<storage::RetentionPolicy> RetentionService::Update(const std::string& property_id,
                                                                  const RetentionUpdate& u) {
  const std::vector<std::pair<const char*, int>> given = {
      {"message_content_days", u.message_content_days},
      {"media_days", u.media_days},
      {"event_days", u.event_days},
      {"raw_callback_days", u.raw_callback_days},
      {"audit_days", u.audit_days}};
  for (const auto& [field, days] : given) {
    if (days < 0 || days > kMaxDays) {
      return InvalidArgument(
          absl::StrCat(field, " must be 1 to ", kMaxDays, " days (0: unchanged)"), field);
    }
  }
  return storage::TransactValue(db_, [&]() -> absl::StatusOr<storage::RetentionPolicy> {
    absl::StatusOr<storage::RetentionPolicy> policy = retention_.Get(property_id);
    if (!policy.ok()) return policy.status();
    auto keep_or = [](int& stored, int days) {
      if (days != 0) stored = days;
    };
    keep_or(policy->message_content_days, u.message_content_days);
    keep_or(policy->media_days, u.media_days);
    keep_or(policy->event_days, u.event_days);
    keep_or(policy->raw_callback_days, u.raw_callback_days);
    keep_or(policy->audit_days, u.audit_days);
    if (absl::Status s = retention_.Put(property_id, *policy, absl::Now()); !s.ok()) return s;
    return *policy;
  });
}

}  // namespace wa::domain
