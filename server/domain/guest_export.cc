#include "server/domain/guest_export.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/domain/consent_service.h"
#include "server/domain/guest_directory.h"
#include "server/domain/message_payload.h"
#include "server/domain/rfc3339.h"
#include "server/storage/consent_repository.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/guest_erasure_repository.h"
#include "server/storage/media_repository.h"
#include "server/storage/message_repository.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

using Json = nlohmann::json;

constexpr int kConversationsPage = 100;
constexpr int kMessagesPage = 500;
constexpr int kConsentHistory = 10000;
constexpr int kExportVersion = 1;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// An object's text without its closing brace, for members that follow.
std::string Opened(const Json& object) {
  std::string text = Dump(object);
  text.pop_back();
  return text;
}

// The contract's word for an enum value: "MESSAGE_STATUS_READ" -> "read".
std::string Word(const std::string& name, absl::string_view prefix) {
  if (name.size() <= prefix.size()) return "";
  return absl::AsciiStrToLower(name.substr(prefix.size()));
}

Json Time(std::optional<absl::Time> t) { return t ? Json(Rfc3339(*t)) : Json(nullptr); }

// The content as it is stored: JSON when it is JSON, else text.
Json Content(const std::string& payload) {
  if (payload.empty()) return nullptr;
  Json parsed = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json(payload) : parsed;
}

Json MessageJson(const storage::MessageRecord& m,
                 const std::optional<storage::MediaRecord>& media) {
  Json j = {{"message_id", m.message_id},
            {"direction", Word(v1::Direction_Name(m.direction), "DIRECTION_")},
            {"message_type", Word(v1::MessageType_Name(m.message_type), "MESSAGE_TYPE_")},
            {"text", m.body},
            {"content", Content(m.payload)},
            {"status", Word(v1::MessageStatus_Name(m.status), "MESSAGE_STATUS_")},
            {"staff_member_id", m.staff_member_id},
            {"whatsapp_message_id", m.whatsapp_message_id},
            {"reply_to_message_id", m.reply_to_message_id},
            {"created_at", Rfc3339(m.created_at)},
            {"sent_at", Time(m.sent_at)},
            {"delivered_at", Time(m.delivered_at)},
            {"read_at", Time(m.read_at)},
            {"failed_at", Time(m.failed_at)},
            {"failure_code", m.failure_code},
            {"failure_reason", m.failure_reason},
            {"media", nullptr}};
  if (media) {
    j["media"] = {{"media_id", media->media_id},
                  {"mime_type", media->mime_type},
                  {"size_bytes", media->size_bytes},
                  {"filename", media->filename},
                  {"url", absl::StrCat("/api/v1/whatsapp/media/", media->media_id, "/content")}};
  }
  return j;
}

Json ConversationJson(const storage::ConversationRecord& c) {
  return {{"conversation_id", c.conversation_id},
          {"status", Word(v1::ConversationStatus_Name(c.status), "CONVERSATION_STATUS_")},
          {"metadata", Json(c.metadata)},
          {"created_at", Rfc3339(c.created_at)},
          {"updated_at", Rfc3339(c.updated_at)},
          {"resolved_at", Time(c.resolved_at)},
          {"resolved_by", c.resolved_by},
          {"resolution_notes", c.resolution_notes},
          {"satisfaction_rating", c.satisfaction_rating},
          {"assigned_to", c.assigned_to},
          {"department", c.department},
          {"phone_number_id", c.phone_number_id}};
}

}  // namespace

absl::StatusOr<std::unique_ptr<GuestExport>> GuestExport::Open(storage::Database& db,
                                                               const GuestHasher* hasher,
                                                               const std::string& property_id,
                                                               const std::string& guest_phone,
                                                               const std::string& guest_user_id) {
  absl::StatusOr<GuestAddress> address = ParseNamedGuest(guest_phone, guest_user_id);
  if (!address.ok()) return address.status();
  GuestDirectory directory(db);
  absl::StatusOr<std::string> key =
      storage::ReadValue(db, [&] { return directory.KeyFor(property_id, *address); });
  if (!key.ok()) return key.status();
  return std::unique_ptr<GuestExport>(new GuestExport(db, hasher, property_id, *key));
}

absl::Status GuestExport::Head(std::string* out) {
  return db_.Read([&]() -> absl::Status {
    GuestDirectory directory(db_);
    absl::StatusOr<GuestView> guest = directory.Describe(property_id_, key_);
    if (!guest.ok()) return guest.status();
    absl::StatusOr<std::vector<storage::GuestIdentityRecord>> ids =
        storage::GuestErasureRepository(db_).Identities(property_id_, key_);
    if (!ids.ok()) return ids.status();
    Json identities = Json::array();
    for (const storage::GuestIdentityRecord& id : *ids) {
      identities.push_back({{"user_id", id.user_id},
                            {"parent_user_id", id.parent_user_id},
                            {"username", id.username},
                            {"profile_name", id.profile_name}});
    }
    storage::ConsentRepository consent(db_);
    absl::StatusOr<storage::ConsentRecord> state =
        EffectiveConsent(consent, property_id_, key_, hasher_);
    if (!state.ok()) return state.status();
    absl::StatusOr<std::vector<storage::ConsentEventRecord>> history =
        consent.History(property_id_, key_, kConsentHistory);
    if (!history.ok()) return history.status();
    Json events = Json::array();
    for (const storage::ConsentEventRecord& e : *history) {
      events.push_back({{"scope", e.scope},
                        {"opted_in", e.opted_in},
                        {"source", e.source},
                        {"reason", e.reason},
                        {"at", Rfc3339(e.at)}});
    }
    Json head = {{"export_version", kExportVersion},
                 {"property_id", property_id_},
                 {"generated_at", Rfc3339(absl::Now())},
                 {"guest",
                  {{"guest_phone", guest->phone},
                   {"guest_user_id", guest->user_id},
                   {"guest_username", guest->username},
                   {"identities", identities}}},
                 {"consent",
                  {{"opted_out", state->opted_out},
                   {"marketing_opted_out", state->marketing_opted_out},
                   {"updated_at", Time(state->updated_at)},
                   {"history", events}}}};
    absl::StrAppend(out, Opened(head), ",\"conversations\":[");
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> GuestExport::NextConversation(std::string* out) {
  if (next_in_page_ == page_.size()) {
    if (!conversations_left_) return false;
    storage::ConversationFilter filter;
    filter.property_id = property_id_;
    filter.guest_phone = key_;
    filter.limit = kConversationsPage;
    filter.before_updated_at = before_updated_at_;
    filter.before_id = before_id_;
    absl::StatusOr<std::vector<storage::ConversationRecord>> page =
        storage::ReadValue(db_, [&] { return storage::ConversationRepository(db_).List(filter); });
    if (!page.ok()) return page.status();
    page_ = *std::move(page);
    next_in_page_ = 0;
    conversations_left_ = page_.size() == kConversationsPage;
    if (page_.empty()) return false;
    before_updated_at_ = page_.back().updated_at;
    before_id_ = page_.back().conversation_id;
  }
  const storage::ConversationRecord& c = page_[next_in_page_++];
  absl::StrAppend(out, first_conversation_ ? "" : ",", Opened(ConversationJson(c)),
                  ",\"messages\":[");
  first_conversation_ = false;
  conversation_id_ = c.conversation_id;
  after_seq_ = 0;
  first_message_ = true;
  return true;
}

absl::StatusOr<bool> GuestExport::NextMessages(std::string* out) {
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<bool> {
    absl::StatusOr<std::vector<storage::MessageRecord>> page =
        storage::MessageRepository(db_).ListAfter(conversation_id_, after_seq_, kMessagesPage);
    if (!page.ok()) return page.status();
    storage::MediaRepository media(db_);
    for (const storage::MessageRecord& m : *page) {
      std::optional<storage::MediaRecord> file;
      if (std::string id = MediaIdOf(m); !id.empty()) {
        absl::StatusOr<std::optional<storage::MediaRecord>> found = media.Get(id);
        if (!found.ok()) return found.status();
        if (*found && (*found)->property_id == property_id_) file = **found;
      }
      absl::StrAppend(out, first_message_ ? "" : ",", Dump(MessageJson(m, file)));
      first_message_ = false;
      after_seq_ = m.seq;
    }
    return page->size() == kMessagesPage;
  });
}

absl::StatusOr<bool> GuestExport::Next(std::string* out, size_t target) {
  const size_t start = out->size();
  while (out->size() - start < target) {
    switch (stage_) {
      case Stage::kHead:
        if (absl::Status s = Head(out); !s.ok()) return s;
        stage_ = Stage::kConversations;
        break;
      case Stage::kConversations: {
        absl::StatusOr<bool> opened = NextConversation(out);
        if (!opened.ok()) return opened.status();
        stage_ = *opened ? Stage::kMessages : Stage::kTail;
        break;
      }
      case Stage::kMessages: {
        absl::StatusOr<bool> more = NextMessages(out);
        if (!more.ok()) return more.status();
        if (!*more) {
          out->append("]}");
          stage_ = Stage::kConversations;
        }
        break;
      }
      case Stage::kTail:
        out->append("]}");
        stage_ = Stage::kDone;
        return true;
      case Stage::kDone:
        return out->size() > start;
    }
  }
  return true;
}

}  // namespace wa::domain
