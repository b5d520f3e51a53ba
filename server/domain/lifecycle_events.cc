#include "server/domain/lifecycle_events.h"

#include "absl/strings/ascii.h"
#include "nlohmann/json.hpp"
#include "server/domain/guest_key.h"
#include "server/domain/rfc3339.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

// The contract's spelling of an enum value: the prefix off, then
// lower-case unless WhatsApp's own vocabulary (upper) is kept.
template <typename Enum>
std::string Word(const google::protobuf::EnumDescriptor* type, Enum value, size_t prefix,
                 bool upper) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr || value == 0) return "";
  std::string word = v->name().substr(prefix);
  return upper ? word : absl::AsciiStrToLower(word);
}

std::string TemplateStatusWord(v1::TemplateStatus status) {
  return Word(v1::TemplateStatus_descriptor(), status, sizeof("TEMPLATE_STATUS_") - 1, true);
}

absl::Status Emit(EventOutbox& outbox, const std::string& property_id, const char* event,
                  const std::string& ordering_key, const Json& data) {
  std::string json = data.dump(-1, ' ', false, Json::error_handler_t::replace);
  return outbox.EmitInTransaction(property_id, event, ordering_key, json).status();
}

}  // namespace

absl::Status EmitGuestErased(EventOutbox& outbox, const std::string& property_id,
                             const std::string& guest_hash, absl::Time erased_at, int64_t messages,
                             int64_t conversations) {
  Json data = {{"guest_hash", guest_hash},
               {"erased_at", Rfc3339(erased_at)},
               {"messages", messages},
               {"conversations", conversations}};
  return Emit(outbox, property_id, "guest_erased", "", data);
}

absl::Status EmitConversationResolved(EventOutbox& outbox, const storage::ConversationRecord& c) {
  Json metadata(c.metadata);
  Json data = {
      {"conversation_id", c.conversation_id},
      {"guest_phone", PhoneOfKey(c.guest_phone)},
      {"guest_user_id", c.guest_user_id.empty() ? UserIdOfKey(c.guest_phone) : c.guest_user_id},
      {"guest_username", c.guest_username},
      {"resolved_at", Rfc3339(c.resolved_at)},
      {"resolved_by", c.resolved_by},
      {"resolution_notes", c.resolution_notes},
      {"satisfaction_rating", c.satisfaction_rating},
      {"follow_up_required", c.follow_up_required},
      {"assigned_to", c.assigned_to},
      {"department", c.department},
      {"metadata", metadata}};
  return Emit(outbox, c.property_id, "conversation_resolved", c.conversation_id, data);
}

absl::Status EmitConversationAssigned(EventOutbox& outbox, const storage::ConversationRecord& c) {
  Json data = {
      {"conversation_id", c.conversation_id},
      {"guest_phone", PhoneOfKey(c.guest_phone)},
      {"guest_user_id", c.guest_user_id.empty() ? UserIdOfKey(c.guest_phone) : c.guest_user_id},
      {"guest_username", c.guest_username},
      {"assigned_to", c.assigned_to},
      {"department", c.department},
      {"assigned_at", Rfc3339(c.updated_at)}};
  return Emit(outbox, c.property_id, "conversation_assigned", c.conversation_id, data);
}

absl::Status EmitTemplateStatusChanged(EventOutbox& outbox, const std::string& property_id,
                                       const v1::Template& t, v1::TemplateStatus previous) {
  Json data = {{"template_name", t.name()},
               {"language", t.language()},
               {"status", TemplateStatusWord(t.status())},
               {"previous_status", TemplateStatusWord(previous)},
               {"rejection_reason", t.rejection_reason()},
               {"provider_template_id", t.provider_template_id()}};
  // One ordering key per template, so its changes arrive in order.
  return Emit(outbox, property_id, "template_status_changed",
              "template:" + t.name() + ":" + t.language(), data);
}

absl::Status EmitBatchCompleted(EventOutbox& outbox, const storage::BatchRecord& b) {
  Json data = {
      {"batch_id", b.batch_id},
      {"status", Word(v1::BatchStatus_descriptor(), b.status, sizeof("BATCH_STATUS_") - 1, false)},
      {"total", b.total},
      {"staff_member_id", b.staff_member_id},
      {"created_at", Rfc3339(b.created_at)},
      {"completed_at", Rfc3339(b.completed_at)}};
  return Emit(outbox, b.property_id, "batch_completed", "batch:" + b.batch_id, data);
}

}  // namespace wa::domain
