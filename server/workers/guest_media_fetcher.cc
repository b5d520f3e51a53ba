#include "server/workers/guest_media_fetcher.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace wa::workers {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

v1::MediaType KindOf(v1::MessageType type) {
  switch (type) {
    case v1::MESSAGE_TYPE_IMAGE:
      return v1::MEDIA_TYPE_IMAGE;
    case v1::MESSAGE_TYPE_DOCUMENT:
      return v1::MEDIA_TYPE_DOCUMENT;
    case v1::MESSAGE_TYPE_AUDIO:
      return v1::MEDIA_TYPE_AUDIO;
    case v1::MESSAGE_TYPE_VIDEO:
      return v1::MEDIA_TYPE_VIDEO;
    case v1::MESSAGE_TYPE_STICKER:
      return v1::MEDIA_TYPE_STICKER;
    default:
      return v1::MEDIA_TYPE_UNSPECIFIED;
  }
}

}  // namespace

absl::Status GuestMediaFetcher::Fetch(const std::string& property_id,
                                      provider::MetaInbound& message) {
  v1::MediaType kind = KindOf(message.type);
  if (message.media_id.empty() || kind == v1::MEDIA_TYPE_UNSPECIFIED) return absl::OkStatus();
  absl::Status downloaded;
  absl::StatusOr<storage::MediaRecord> stored = media_.StoreInbound(
      property_id, kind, message.filename, [&](const provider::MediaSink& sink) {
        downloaded = provider_.DownloadMedia(message.media_id, sink).status();
        return downloaded;
      });
  if (!downloaded.ok()) return downloaded;
  if (!stored.ok()) return absl::FailedPreconditionError(stored.status().ToString());
  nlohmann::json payload = nlohmann::json::parse(message.payload, nullptr, false);
  if (!payload.is_object()) payload = nlohmann::json::object();
  const std::string& key = message.meta_type;
  nlohmann::json& media = payload[key];
  if (!media.is_object()) media = nlohmann::json::object();
  media["provider_media_id"] = message.media_id;
  media["id"] = stored->media_id;
  media["mime_type"] = stored->mime_type;
  media["sha256"] = stored->sha256;
  payload["type"] = key;
  payload["media_url"] = absl::StrCat("/api/v1/whatsapp/media/", stored->media_id, "/content");
  message.payload = payload.dump();
  message.media_id = stored->media_id;
  return absl::OkStatus();
}

}  // namespace wa::workers
