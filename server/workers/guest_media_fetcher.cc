#include "server/workers/guest_media_fetcher.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/domain/media_policy.h"

namespace wa::workers {
namespace v1 = ::hotel::whatsapp::v1;

absl::Status GuestMediaFetcher::Fetch(const provider::SenderAccount& number,
                                      provider::MetaInbound& message) {
  v1::MediaType kind = domain::MediaTypeFor(message.type);
  if (message.media_id.empty() || kind == v1::MEDIA_TYPE_UNSPECIFIED) return absl::OkStatus();
  absl::Status downloaded;
  absl::StatusOr<storage::MediaRecord> stored = media_.StoreInbound(
      number.property_id, kind, message.filename, [&](const provider::MediaSink& sink) {
        downloaded = provider_.DownloadMedia(number, message.media_id, sink).status();
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
