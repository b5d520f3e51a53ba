#pragma once

#include <optional>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "server/domain/conversation_service.h"
#include "server/domain/guest_key.h"
#include "server/storage/records.h"

// Records and domain views to the contract's messages.
namespace wa::api {

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

// The BSUID shown beside guest_phone: the linked one, else the key's own.
template <typename Record>
std::string GuestUserId(const Record& r) {
  return r.guest_user_id.empty() ? domain::UserIdOfKey(r.guest_phone) : r.guest_user_id;
}

void ToMessage(const storage::MessageRecord& in, hotel::whatsapp::v1::Message* out);
void ToStatus(const storage::MessageRecord& in, hotel::whatsapp::v1::MessageStatusResponse* out);
void ToSendResponse(const storage::MessageRecord& in,
                    hotel::whatsapp::v1::SendMessageResponse* out);
// The conversation's own fields, without messages and participants.
void ToConversation(const storage::ConversationRecord& in, hotel::whatsapp::v1::Conversation* out);
void ToConversation(const domain::ConversationView& in, hotel::whatsapp::v1::Conversation* out);
void ToTokenInfo(const storage::TokenRecord& in, hotel::whatsapp::v1::TokenInfo* out);

}  // namespace wa::api
