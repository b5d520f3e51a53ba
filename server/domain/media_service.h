#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "server/domain/token_service.h"
#include "server/storage/database.h"
#include "server/storage/media_repository.h"
#include "server/storage/media_store.h"
#include "server/storage/mime_sniffer.h"

namespace wa::domain {

class MediaService;

// One upload in progress. Bytes go to disk as they arrive and are checked
// at the end: the type is read from the content, never from the client.
// Destroyed without a successful Finish(), it leaves nothing behind.
class MediaUpload {
 public:
  // The kind and filename the client declares, before or after the bytes
  // (a REST form may carry its media_type field after the file).
  absl::Status Declare(hotel::whatsapp::v1::MediaType media_type, const std::string& filename);
  absl::Status Append(absl::string_view chunk);
  // Sniffs, checks, stores and records the file, or refuses it with
  // MEDIA_UPLOAD_FAILED. The same bytes uploaded again as the same kind by
  // the same property answer the first upload's record.
  absl::StatusOr<storage::MediaRecord> Finish();

 private:
  friend class MediaService;
  MediaUpload(MediaService& service, Caller caller,
              std::unique_ptr<storage::MediaStore::Writer> writer)
      : service_(service), caller_(std::move(caller)), writer_(std::move(writer)) {}
  absl::Status Refuse(absl::Status status);

  MediaService& service_;
  Caller caller_;
  std::unique_ptr<storage::MediaStore::Writer> writer_;  // null once refused or finished
  bool declared_ = false;
  hotel::whatsapp::v1::MediaType media_type_ = hotel::whatsapp::v1::MEDIA_TYPE_UNSPECIFIED;
  std::string filename_;
};

// Uploaded media: stored once per content, owned by a property, and handed
// to the provider (uploaded to Meta on first send and reused for as long as
// Meta keeps it).
class MediaService {
 public:
  // Uploads the file at `path` to the provider; returns the provider's id.
  using ProviderUpload =
      std::function<absl::StatusOr<std::string>(const std::string& path, const std::string& mime)>;

  MediaService(storage::Database& db, storage::MediaStore& store, storage::MimeSniffer& sniffer)
      : db_(db), store_(store), sniffer_(sniffer), media_(db) {}

  absl::StatusOr<std::unique_ptr<MediaUpload>> StartUpload(const Caller& caller);
  // Writes a file's bytes through the sink it is given; false from the
  // sink means stop.
  using Fetch = std::function<absl::Status(const std::function<bool(absl::string_view)>& sink)>;
  // Stores media a guest sent, fetched from the provider, with the same
  // checks as an upload: the type read from the bytes must fit `kind`.
  absl::StatusOr<storage::MediaRecord> StoreInbound(const std::string& property_id,
                                                    hotel::whatsapp::v1::MediaType kind,
                                                    const std::string& filename,
                                                    const Fetch& fetch);
  // The media, if it belongs to the property; else MEDIA_NOT_FOUND (404).
  absl::StatusOr<storage::MediaRecord> Get(const std::string& property_id,
                                           const std::string& media_id);
  // The stored file; MEDIA_NOT_FOUND (404) when it is gone from disk,
  // DATA_LOSS when it cannot be read.
  absl::StatusOr<std::unique_ptr<storage::MediaStore::Reader>> Open(
      const storage::MediaRecord& media);
  // The provider's id for our media: cached if `provider` uploaded it less
  // than kProviderMediaReuse ago, else uploaded now and cached.
  absl::StatusOr<std::string> ProviderMediaId(const std::string& property_id,
                                              const std::string& media_id,
                                              const std::string& provider,
                                              const ProviderUpload& upload);

 private:
  friend class MediaUpload;

  storage::Database& db_;
  storage::MediaStore& store_;
  storage::MimeSniffer& sniffer_;
  storage::MediaRepository media_;
};

// Meta keeps uploaded media 30 days; a day less leaves room for a message
// that waits in the queue.
inline constexpr absl::Duration kProviderMediaReuse = absl::Hours(24 * 29);

absl::Status MediaNotFound(const std::string& media_id);

}  // namespace wa::domain
