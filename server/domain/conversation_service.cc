#include "server/domain/conversation_service.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/domain/errors.h"
#include "server/domain/guest_key.h"
#include "server/domain/ids.h"
#include "server/domain/paging.h"
#include "server/domain/phone.h"
#include "server/util/status_macros.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr int kMaxMessages = 500;

std::string EncodePageToken(const storage::ConversationRecord& last) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(absl::ToUnixMicros(last.updated_at), ":", last.conversation_id));
}

absl::Status DecodePageToken(const std::string& token, storage::ConversationFilter& filter) {
  std::string raw;
  int64_t micros = 0;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(token, &raw))
    parts = absl::StrSplit(raw, absl::MaxSplits(':', 1));
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros)) {
    return InvalidArgument("page_token is not a token this service issued", "page_token");
  }
  filter.before_updated_at = absl::FromUnixMicros(micros);
  filter.before_id = parts[1];
  return absl::OkStatus();
}

bool ValidConversationId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

}  // namespace

absl::StatusOr<storage::ConversationRecord> ConversationForMessage(
    storage::ConversationRepository& conversations, const std::string& property_id,
    const std::string& guest_phone, const std::string& requested_id, const std::string& new_id,
    absl::Time now, const std::string& phone_number_id) {
  absl::StatusOr<std::optional<storage::ConversationRecord>> found =
      requested_id.empty() ? conversations.FindActive(property_id, guest_phone)
                           : conversations.Find(requested_id);
  if (!found.ok()) return found.status();
  return ConversationForMessage(conversations, property_id, guest_phone, requested_id,
                                *std::move(found), new_id, now, phone_number_id);
}

absl::StatusOr<storage::ConversationRecord> ConversationForMessage(
    storage::ConversationRepository& conversations, const std::string& property_id,
    const std::string& guest_phone, const std::string& requested_id,
    std::optional<storage::ConversationRecord> found, const std::string& new_id, absl::Time now,
    const std::string& phone_number_id) {
  if (!requested_id.empty()) {
    if (!found || found->property_id != property_id) return NotFound("conversation", requested_id);
    if (found->guest_phone != guest_phone) {
      return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                   "conversation_id belongs to another guest")
          .Detail("conversation_id", requested_id)
          .Detail("guest_phone", guest_phone);
    }
    return *std::move(found);
  }
  if (found) return *std::move(found);
  if (!new_id.empty() && !ValidConversationId(new_id)) {
    return InvalidArgument("conversation_id may hold only letters, digits, '_' and '-' (max 64)",
                           "conversation_id");
  }
  storage::ConversationRecord created;
  created.conversation_id = new_id.empty() ? NewId("conv_") : new_id;
  created.property_id = property_id;
  created.guest_phone = guest_phone;
  created.phone_number_id = phone_number_id;
  created.status = v1::CONVERSATION_STATUS_ACTIVE;
  created.created_at = created.updated_at = now;
  if (absl::Status s = conversations.Insert(created); !s.ok()) {
    if (!new_id.empty()) {
      return Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                   "conversation_id is already used by another conversation")
          .Detail("conversation_id", new_id);
    }
    return s;
  }
  return created;
}

absl::StatusOr<storage::ConversationRecord> ConversationService::Load(
    const std::string& property_id, const std::string& conversation_id) {
  absl::StatusOr<std::optional<storage::ConversationRecord>> found =
      conversations_.Get(conversation_id);
  if (!found.ok()) return found.status();
  if (!*found || (*found)->property_id != property_id) {
    return NotFound("conversation", conversation_id);
  }
  return **found;
}

absl::StatusOr<ConversationView> ConversationService::Get(const std::string& property_id,
                                                          const std::string& conversation_id,
                                                          int message_limit) {
  int limit = message_limit <= 0 ? kMaxMessages : std::min(message_limit, kMaxMessages);
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<ConversationView> {
    ConversationView view;
    absl::StatusOr<storage::ConversationRecord> conversation = Load(property_id, conversation_id);
    if (!conversation.ok()) return conversation.status();
    view.conversation = *std::move(conversation);
    absl::StatusOr<std::vector<storage::MessageRecord>> messages =
        messages_.ListByConversation(conversation_id, limit);
    if (!messages.ok()) return messages.status();
    view.messages = *std::move(messages);
    if (absl::Status s = AddParticipants(property_id, &view); !s.ok()) return s;
    return view;
  });
}

absl::Status ConversationService::AddParticipants(const std::string& property_id,
                                                  ConversationView* view) {
  absl::StatusOr<std::vector<std::string>> staff =
      messages_.StaffParticipants(view->conversation.conversation_id);
  if (!staff.ok()) return staff.status();
  view->staff_participants = *std::move(staff);
  absl::StatusOr<std::optional<storage::GuestRecord>> guest =
      guests_.Get(property_id, view->conversation.guest_phone);
  if (!guest.ok()) return guest.status();
  if (*guest) {
    view->guest_profile_name = (*guest)->profile_name;
    view->last_guest_message_at = (*guest)->last_inbound_at;
  }
  return absl::OkStatus();
}

absl::StatusOr<ConversationPage> ConversationService::List(const std::string& property_id,
                                                           const ConversationQuery& query) {
  storage::ConversationFilter filter;
  filter.property_id = property_id;
  filter.status = query.status;
  filter.assigned_to = query.assigned_to;
  filter.department = query.department;
  filter.updated_after = query.updated_after;
  filter.updated_before = query.updated_before;
  ASSIGN_OR_RETURN(int limit, PageLimit(query.page_size));
  std::optional<GuestAddress> guest;
  if (!query.guest_phone.empty() || !query.guest_user_id.empty()) {
    absl::StatusOr<GuestAddress> address =
        ParseGuestAddress(query.guest_phone, query.guest_user_id);
    if (!address.ok()) return address.status();
    guest = *address;
  }
  if (!query.page_token.empty()) RETURN_IF_ERROR(DecodePageToken(query.page_token, filter));
  filter.limit = limit + 1;
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<ConversationPage> {
    if (guest) {
      ASSIGN_OR_RETURN(filter.guest_phone, directory_.KeyFor(property_id, *guest));
    }
    ASSIGN_OR_RETURN(std::vector<storage::ConversationRecord> rows, conversations_.List(filter));
    ConversationPage out;
    out.next_page_token = TrimPage(rows, limit, EncodePageToken);
    // Each row as GetConversation shows it, in the same read.
    for (storage::ConversationRecord& row : rows) {
      ConversationView& view = out.conversations.emplace_back();
      view.conversation = std::move(row);
      RETURN_IF_ERROR(AddParticipants(property_id, &view));
    }
    return out;
  });
}

absl::StatusOr<storage::MessageRecord> ConversationService::LatestGuestMessage(
    const std::string& property_id, const std::string& conversation_id) {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<storage::MessageRecord> {
    absl::StatusOr<storage::ConversationRecord> conversation = Load(property_id, conversation_id);
    if (!conversation.ok()) return conversation.status();
    absl::StatusOr<std::optional<storage::MessageRecord>> latest =
        messages_.LatestInbound(conversation_id);
    if (!latest.ok()) return latest.status();
    if (!*latest || (*latest)->whatsapp_message_id.empty()) {
      return Error(absl::StatusCode::kFailedPrecondition, "FAILED_PRECONDITION",
                   absl::StrCat("conversation ", conversation_id,
                                " has no message from the guest to mark read"))
          .Detail("conversation_id", conversation_id)
          .Recovery({"Mark a conversation read once the guest has written in it",
                     "Check the conversation with GET /api/v1/whatsapp/conversations/{id}"});
    }
    return **latest;
  });
}

absl::StatusOr<WindowView> ConversationService::Window(const std::string& property_id,
                                                       const std::string& conversation_id,
                                                       absl::Time now) {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<WindowView> {
    absl::StatusOr<storage::ConversationRecord> conversation = Load(property_id, conversation_id);
    if (!conversation.ok()) return conversation.status();
    absl::StatusOr<std::optional<storage::GuestRecord>> guest =
        guests_.Get(property_id, conversation->guest_phone);
    if (!guest.ok()) return guest.status();
    std::optional<absl::Time> last = *guest ? (*guest)->last_inbound_at : std::nullopt;
    return WindowView{*std::move(conversation), EvaluateWindow(last, now)};
  });
}

}  // namespace wa::domain
