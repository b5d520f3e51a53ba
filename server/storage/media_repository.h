#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "server/storage/database.h"

namespace wa::storage {

// An uploaded media file: the bytes live once in the MediaStore under their
// SHA-256, this row says whose they are and what they are.
struct MediaRecord {
  std::string media_id;
  std::string property_id;
  hotel::whatsapp::v1::MediaType media_type = hotel::whatsapp::v1::MEDIA_TYPE_UNSPECIFIED;
  std::string mime_type;  // as detected from the content
  int64_t size_bytes = 0;
  std::string sha256;  // lower-case hex
  std::string filename;
  absl::Time created_at;
  // The provider's copy, so the file is uploaded to Meta once per 30 days.
  std::string provider;  // whose id provider_media_id is ("cloud", "sandbox")
  std::string provider_media_id;
  std::optional<absl::Time> provider_uploaded_at;
};

class MediaRepository {
 public:
  explicit MediaRepository(Database& db) : db_(db) {}

  absl::Status Insert(const MediaRecord& media);
  absl::StatusOr<std::optional<MediaRecord>> Get(const std::string& media_id);
  // The property's earlier upload of the same bytes as the same kind.
  absl::StatusOr<std::optional<MediaRecord>> FindByContent(
      const std::string& property_id, const std::string& sha256,
      hotel::whatsapp::v1::MediaType media_type);
  absl::Status SetProviderMediaId(const std::string& media_id, const std::string& provider,
                                  const std::string& provider_media_id, absl::Time uploaded_at);

 private:
  Database& db_;
};

}  // namespace wa::storage
