#include "server/domain/message_events.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "nlohmann/json.hpp"
#include "server/domain/guest_key.h"
#include "server/domain/rfc3339.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

namespace {

// "MESSAGE_TYPE_IMAGE" -> "image": the contract's REST spelling.
std::string Spelling(const google::protobuf::EnumDescriptor* type, int value, const char* prefix) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return "";
  std::string name = v->name();
  if (absl::StartsWith(name, prefix)) name = name.substr(std::char_traits<char>::length(prefix));
  return absl::AsciiStrToLower(name);
}

std::string TypeName(v1::MessageType type) {
  return Spelling(v1::MessageType_descriptor(), type, "MESSAGE_TYPE_");
}

std::string StatusName(v1::MessageStatus status) {
  return Spelling(v1::MessageStatus_descriptor(), status, "MESSAGE_STATUS_");
}

std::string GuestUserId(const storage::MessageRecord& m) {
  return m.guest_user_id.empty() ? UserIdOfKey(m.guest_phone) : m.guest_user_id;
}

Json OptionalTime(const std::optional<absl::Time>& t) { return t ? Json(Rfc3339(*t)) : Json(); }

Json StatusData(const storage::MessageRecord& m, v1::MessageStatus reached, absl::Time at) {
  Json data = {{"message_id", m.message_id},
               {"conversation_id", m.conversation_id},
               {"guest_phone", PhoneOfKey(m.guest_phone)},
               {"guest_user_id", GuestUserId(m)},
               {"guest_username", m.guest_username},
               {"status", StatusName(reached)},
               {"timestamp", Rfc3339(at)},
               {"whatsapp_message_id", m.whatsapp_message_id},
               {"message_type", TypeName(m.message_type)},
               {"staff_member_id", m.staff_member_id},
               {"sent_at", OptionalTime(m.sent_at)},
               {"delivered_at", OptionalTime(m.delivered_at)},
               {"read_at", OptionalTime(m.read_at)},
               {"phone_number_id", m.phone_number_id}};
  if (reached == v1::MESSAGE_STATUS_FAILED) {
    data["failed_at"] = OptionalTime(m.failed_at);
    data["failure_code"] = m.failure_code;
    data["failure_reason"] = m.failure_reason;
  }
  return data;
}

absl::Status Emit(EventOutbox& outbox, const storage::MessageRecord& m, const char* event,
                  const Json& data, absl::Time at) {
  std::string json = data.dump(-1, ' ', false, Json::error_handler_t::replace);
  return outbox.EmitInTransaction(m.property_id, event, m.conversation_id, json, at).status();
}

bool IsMedia(v1::MessageType type) {
  return type == v1::MESSAGE_TYPE_IMAGE || type == v1::MESSAGE_TYPE_DOCUMENT ||
         type == v1::MESSAGE_TYPE_AUDIO || type == v1::MESSAGE_TYPE_VIDEO ||
         type == v1::MESSAGE_TYPE_STICKER;
}

Json InboundData(const storage::MessageRecord& m) {
  return {{"message_id", m.message_id},
          {"conversation_id", m.conversation_id},
          {"guest_phone", PhoneOfKey(m.guest_phone)},
          {"guest_user_id", GuestUserId(m)},
          {"guest_username", m.guest_username},
          {"message_type", TypeName(m.message_type)},
          {"message_content", m.body},
          {"whatsapp_message_id", m.whatsapp_message_id},
          {"reply_to_message_id", m.reply_to_message_id},
          {"received_at", Rfc3339(m.created_at)},
          {"phone_number_id", m.phone_number_id}};
}

std::string StringField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The media object of an inbound message's payload, in Meta's shape
// ({"type": "image", "image": {"id", "mime_type", "sha256", ...}}); the
// sandbox stores the same shape with one of our uploads' ids.
Json MediaData(const storage::MessageRecord& m) {
  Json data = InboundData(m);
  std::string kind = TypeName(m.message_type);
  Json payload = Json::parse(m.payload, nullptr, /*allow_exceptions=*/false);
  Json media = payload.is_object() && payload.contains(kind) && payload[kind].is_object()
                   ? payload[kind]
                   : Json::object();
  data["media_type"] = kind;
  data["caption"] = m.body;
  data["media_id"] = StringField(media, "id");
  data["mime_type"] = StringField(media, "mime_type");
  data["sha256"] = StringField(media, "sha256");
  data["filename"] = StringField(media, "filename");
  data["media_url"] = payload.is_object() ? StringField(payload, "media_url") : "";
  return data;
}

}  // namespace

absl::Status EmitStatusEvents(EventOutbox& outbox, const storage::MessageRecord& before,
                              const storage::MessageRecord& after) {
  struct Step {
    const std::optional<absl::Time>& was;
    const std::optional<absl::Time>& now;
    v1::MessageStatus status;
    const char* event;
  };
  const Step steps[] = {
      {before.sent_at, after.sent_at, v1::MESSAGE_STATUS_SENT, "message_sent"},
      {before.delivered_at, after.delivered_at, v1::MESSAGE_STATUS_DELIVERED, "message_delivered"},
      {before.read_at, after.read_at, v1::MESSAGE_STATUS_READ, "message_read"},
      {before.failed_at, after.failed_at, v1::MESSAGE_STATUS_FAILED, "message_failed"}};
  for (const Step& step : steps) {
    if (step.was || !step.now) continue;
    if (absl::Status s =
            Emit(outbox, after, step.event, StatusData(after, step.status, *step.now), *step.now);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status EmitScheduleEvents(EventOutbox& outbox, const storage::MessageRecord& m,
                                absl::Time at) {
  Json data = StatusData(m, m.status, at);
  data["scheduled_for"] = OptionalTime(m.scheduled_for);
  data["valid_until"] = OptionalTime(m.valid_until);
  if (m.status != v1::MESSAGE_STATUS_SCHEDULED) {
    data["failed_at"] = OptionalTime(m.failed_at);
    data["failure_code"] = m.failure_code;
    data["failure_reason"] = m.failure_reason;
  }
  switch (m.status) {
    case v1::MESSAGE_STATUS_SCHEDULED:
      return Emit(outbox, m, "message_scheduled", data, at);
    case v1::MESSAGE_STATUS_CANCELLED:
      return Emit(outbox, m, "message_cancelled", data, at);
    case v1::MESSAGE_STATUS_EXPIRED:
      if (absl::Status s = Emit(outbox, m, "message_failed", data, at); !s.ok()) return s;
      return Emit(outbox, m, "message_expired", data, at);
    case v1::MESSAGE_STATUS_FAILED:
      return Emit(outbox, m, "message_failed", data, at);
    default:
      return absl::OkStatus();
  }
}

absl::Status EmitInboundEvents(EventOutbox& outbox, const storage::MessageRecord& message) {
  if (absl::Status s =
          Emit(outbox, message, "inbound_message", InboundData(message), message.created_at);
      !s.ok()) {
    return s;
  }
  if (!IsMedia(message.message_type)) return absl::OkStatus();
  return Emit(outbox, message, "media_received", MediaData(message), message.created_at);
}

}  // namespace wa::domain
