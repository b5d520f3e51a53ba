// ConversationService's changes: resolution, assignment and metadata.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/conversation_metadata.h"
#include "server/domain/conversation_service.h"
#include "server/domain/errors.h"
#include "server/domain/lifecycle_events.h"
#include "server/domain/rfc3339.h"
#include "server/domain/schedule_follow.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr size_t kMaxNotes = 2000;
constexpr size_t kMaxName = 64;
constexpr char kClear[] = "-";

absl::Status CheckName(const std::string& value, const char* field) {
  bool printable =
      std::all_of(value.begin(), value.end(), [](char c) { return !absl::ascii_iscntrl(c); });
  if (Utf8Length(value) > kMaxName || !printable) {
    return InvalidArgument(absl::StrCat(field, " is at most 64 printable characters"), field);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConversationView> ConversationService::Resolve(const std::string& property_id,
                                                              const std::string& token_id,
                                                              ResolveRequest r) {
  if (r.satisfaction_rating < 0 || r.satisfaction_rating > 5) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                 "satisfaction_rating is 1 to 5 (or 0 for none)")
        .Detail("field", "satisfaction_rating")
        .Detail("satisfaction_rating", static_cast<double>(r.satisfaction_rating));
  }
  if (Utf8Length(r.notes) > kMaxNotes) {
    return InvalidArgument("resolution_notes is at most 2000 characters", "resolution_notes");
  }
  if (auto s = CheckName(r.resolved_by, "staff_member_id"); !s.ok()) return s;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<storage::ConversationRecord> c = Load(property_id, r.conversation_id);
    if (!c.ok()) return c.status();
    if (c->status == v1::CONVERSATION_STATUS_RESOLVED) {
      return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                   "the conversation is already resolved")
          .Detail("conversation_id", r.conversation_id)
          .Detail("resolved_at", Rfc3339(c->resolved_at))
          .Detail("resolved_by", c->resolved_by);
    }
    storage::Resolution resolution{absl::Now(), r.resolved_by.empty() ? token_id : r.resolved_by,
                                   r.notes, r.satisfaction_rating, r.follow_up_required};
    if (auto s = conversations_.Resolve(r.conversation_id, resolution); !s.ok()) return s;
    absl::StatusOr<storage::ConversationRecord> resolved = Load(property_id, r.conversation_id);
    if (!resolved.ok()) return resolved.status();
    return EmitConversationResolved(outbox_, *resolved);
  });
  if (!status.ok()) return status;
  return Get(property_id, r.conversation_id, 0);
}

absl::StatusOr<ConversationView> ConversationService::Assign(const std::string& property_id,
                                                             const std::string& conversation_id,
                                                             const std::string& assigned_to,
                                                             const std::string& department) {
  if (assigned_to.empty() && department.empty()) {
    return InvalidArgument("give assigned_to, department or both (\"-\" clears one)",
                           "assigned_to");
  }
  if (auto s = CheckName(assigned_to, "assigned_to"); !s.ok()) return s;
  if (auto s = CheckName(department, "department"); !s.ok()) return s;
  auto resolve = [](const std::string& given, const std::string& current) {
    if (given.empty()) return current;
    return given == kClear ? std::string() : given;
  };
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<storage::ConversationRecord> c = Load(property_id, conversation_id);
    if (!c.ok()) return c.status();
    absl::Status s = conversations_.Assign(conversation_id, resolve(assigned_to, c->assigned_to),
                                           resolve(department, c->department), absl::Now());
    if (!s.ok()) return s;
    absl::StatusOr<storage::ConversationRecord> assigned = Load(property_id, conversation_id);
    if (!assigned.ok()) return assigned.status();
    return EmitConversationAssigned(outbox_, *assigned);
  });
  if (!status.ok()) return status;
  return Get(property_id, conversation_id, 0);
}

absl::StatusOr<ConversationView> ConversationService::UpdateMetadata(
    const std::string& property_id, const std::string& conversation_id,
    const std::map<std::string, std::string>& set, const std::vector<std::string>& remove) {
  if (set.empty() && remove.empty()) {
    return InvalidArgument("give metadata to set or remove_keys to remove", "metadata");
  }
  if (auto s = CheckMetadataEntries(set, "metadata"); !s.ok()) return s;
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<storage::ConversationRecord> c = Load(property_id, conversation_id);
    if (!c.ok()) return c.status();
    if (auto s = CheckMetadataAfter(c->metadata, set, remove, "metadata"); !s.ok()) return s;
    // Scheduled messages relative to a metadata time move with it.
    return PatchMetadataInTransaction(db_, conversation_id, set, remove, absl::Now(), event_waker_);
  });
  if (!status.ok()) return status;
  return Get(property_id, conversation_id, 0);
}

}  // namespace wa::domain
