#include "server/domain/message_payload.h"

#include "nlohmann/json.hpp"
#include "server/domain/outbound_content.h"

namespace wa::domain {
namespace {

using Json = nlohmann::json;

std::string Text(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& Member(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

}  // namespace

PayloadView ReadPayload(const storage::MessageRecord& message) {
  PayloadView view;
  if (message.direction != hotel::whatsapp::v1::DIRECTION_INBOUND || message.payload.empty()) {
    return view;
  }
  Json payload = Json::parse(message.payload, nullptr, /*allow_exceptions=*/false);
  std::string kind = Text(payload, "type");
  view.media_url = Text(payload, "media_url");
  if (!view.media_url.empty()) view.media_id = Text(Member(payload, kind.c_str()), "id");
  const Json& interactive = Member(payload, "interactive");
  for (const char* reply : {"button_reply", "list_reply"}) {
    if (std::string id = Text(Member(interactive, reply), "id"); !id.empty()) view.reply_id = id;
  }
  if (std::string id = Text(Member(payload, "button"), "payload"); !id.empty()) {
    view.reply_id = id;
  }
  return view;
}

std::string MediaIdOf(const storage::MessageRecord& message) {
  if (message.direction == hotel::whatsapp::v1::DIRECTION_INBOUND) {
    return ReadPayload(message).media_id;
  }
  if (message.payload.empty()) return "";
  absl::StatusOr<hotel::whatsapp::v1::OutboundContent> content = DecodeContent(message.payload);
  return content.ok() ? content->media().stored_media_id() : "";
}

}  // namespace wa::domain
