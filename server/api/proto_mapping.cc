#include "server/api/proto_mapping.h"

#include "server/domain/message_payload.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

void ToMessage(const storage::MessageRecord& in, v1::Message* out) {
  out->set_message_id(in.message_id);
  out->set_direction(in.direction);
  out->set_message_type(in.message_type);
  out->set_text(in.body);
  out->set_status(in.status);
  out->set_staff_member_id(in.staff_member_id);
  out->set_whatsapp_message_id(in.whatsapp_message_id);
  SetTimestamp(in.created_at, out->mutable_created_at());
  if (in.sent_at) SetTimestamp(*in.sent_at, out->mutable_sent_at());
  if (in.delivered_at) SetTimestamp(*in.delivered_at, out->mutable_delivered_at());
  if (in.read_at) SetTimestamp(*in.read_at, out->mutable_read_at());
  out->set_failure_reason(in.failure_reason);
  out->set_reply_to_message_id(in.reply_to_message_id);
  domain::PayloadView payload = domain::ReadPayload(in);
  out->set_media_id(payload.media_id);
  out->set_media_url(payload.media_url);
  out->set_reply_id(payload.reply_id);
}

void ToStatus(const storage::MessageRecord& in, v1::MessageStatusResponse* out) {
  out->set_message_id(in.message_id);
  out->set_status(in.status);
  if (in.sent_at) SetTimestamp(*in.sent_at, out->mutable_sent_at());
  if (in.delivered_at) SetTimestamp(*in.delivered_at, out->mutable_delivered_at());
  if (in.read_at) SetTimestamp(*in.read_at, out->mutable_read_at());
  if (in.failed_at) SetTimestamp(*in.failed_at, out->mutable_failed_at());
  // While queued, failure_reason holds the last transient error; only a
  // failed message reports a failure.
  if (in.status == v1::MESSAGE_STATUS_FAILED) {
    out->set_failure_reason(in.failure_reason);
    out->set_failure_code(in.failure_code);
  }
  if (in.status == v1::MESSAGE_STATUS_CANCELLED || in.status == v1::MESSAGE_STATUS_EXPIRED) {
    out->set_end_reason(in.failure_reason);
  }
  if (in.scheduled_for) SetTimestamp(*in.scheduled_for, out->mutable_scheduled_for());
  if (in.valid_until) SetTimestamp(*in.valid_until, out->mutable_valid_until());
  out->set_whatsapp_message_id(in.whatsapp_message_id);
  out->set_conversation_id(in.conversation_id);
  out->set_guest_phone(domain::PhoneOfKey(in.guest_phone));
  out->set_guest_user_id(GuestUserId(in));
  out->set_guest_username(in.guest_username);
  SetTimestamp(in.created_at, out->mutable_created_at());
  out->set_phone_number_id(in.phone_number_id);
}

void ToSendResponse(const storage::MessageRecord& in, v1::SendMessageResponse* out) {
  out->set_message_id(in.message_id);
  out->set_status(in.status);
  out->set_conversation_id(in.conversation_id);
  SetTimestamp(in.created_at, out->mutable_created_at());
  out->set_phone_number_id(in.phone_number_id);
  if (in.scheduled_for) SetTimestamp(*in.scheduled_for, out->mutable_scheduled_for());
}

void ToConversation(const storage::ConversationRecord& in, v1::Conversation* out) {
  out->set_conversation_id(in.conversation_id);
  out->set_guest_phone(domain::PhoneOfKey(in.guest_phone));
  out->set_guest_user_id(GuestUserId(in));
  out->set_guest_username(in.guest_username);
  out->set_status(in.status);
  out->mutable_metadata()->insert(in.metadata.begin(), in.metadata.end());
  SetTimestamp(in.created_at, out->mutable_created_at());
  SetTimestamp(in.updated_at, out->mutable_updated_at());
  if (in.resolved_at) SetTimestamp(*in.resolved_at, out->mutable_resolved_at());
  out->set_resolved_by(in.resolved_by);
  out->set_resolution_notes(in.resolution_notes);
  out->set_satisfaction_rating(in.satisfaction_rating);
  out->set_follow_up_required(in.follow_up_required);
  out->set_message_count(static_cast<int32_t>(in.message_count));
  out->set_assigned_to(in.assigned_to);
  out->set_department(in.department);
}

void ToConversation(const domain::ConversationView& in, v1::Conversation* out) {
  ToConversation(in.conversation, out);
  for (const storage::MessageRecord& m : in.messages) ToMessage(m, out->add_messages());
  v1::Participant* guest = out->add_participants();
  guest->set_role("guest");
  guest->set_guest_phone(domain::PhoneOfKey(in.conversation.guest_phone));
  guest->set_guest_user_id(GuestUserId(in.conversation));
  guest->set_guest_username(in.conversation.guest_username);
  guest->set_display_name(in.guest_profile_name);
  for (const std::string& staff : in.staff_participants) {
    v1::Participant* p = out->add_participants();
    p->set_role("staff");
    p->set_staff_member_id(staff);
  }
  if (in.last_guest_message_at) {
    SetTimestamp(*in.last_guest_message_at, out->mutable_last_guest_message_at());
  }
}

void ToTokenInfo(const storage::TokenRecord& in, v1::TokenInfo* out) {
  out->set_token_id(in.token_id);
  out->set_name(in.name);
  out->set_role(in.role);
  out->set_property_id(in.property_id);
  SetTimestamp(in.created_at, out->mutable_created_at());
  out->set_revoked(in.revoked_at.has_value());
}

}  // namespace wa::api
