#include "server/domain/media_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/domain/media_policy.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// Keeps the name's last path component, without control characters, so a
// client's filename can never name a path or break a header.
std::string CleanFilename(const std::string& name) {
  std::string base =
      name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  std::string clean;
  for (char c : base) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F && c != '"') clean.push_back(c);
  }
  constexpr size_t kMax = 240;
  if (clean.size() > kMax) clean.resize(kMax);
  return clean;
}

}  // namespace

absl::Status MediaNotFound(const std::string& media_id) {
  return Error(absl::StatusCode::kNotFound, "MEDIA_NOT_FOUND",
               absl::StrCat("media ", media_id, " not found"))
      .Detail("media_id", media_id)
      .Recovery({"Upload the file first and use the media_id it returns"});
}

absl::Status MediaUpload::Refuse(absl::Status status) {
  writer_.reset();  // removes the partial file
  return status;
}

absl::Status MediaUpload::Declare(v1::MediaType media_type, const std::string& filename) {
  if (writer_ == nullptr) return absl::FailedPreconditionError("upload already ended");
  if (declared_) {
    return Refuse(InvalidArgument("the upload's metadata may be sent only once", "metadata"));
  }
  if (RuleFor(media_type) == nullptr) {
    return Refuse(InvalidArgument(
        "media_type is required: image, document, audio, video or sticker", "media_type"));
  }
  declared_ = true;
  media_type_ = media_type;
  filename_ = CleanFilename(filename);
  const uint64_t max = MaxMediaBytesFor(media_type_);
  if (writer_->size() > max) return Refuse(UploadTooLarge(media_type_, writer_->size(), max));
  return absl::OkStatus();
}

absl::Status MediaUpload::Append(absl::string_view chunk) {
  if (writer_ == nullptr) return absl::FailedPreconditionError("upload already ended");
  // Refused as soon as it is too large, not after the whole file arrived.
  const uint64_t max = declared_ ? MaxMediaBytesFor(media_type_) : MaxMediaBytes();
  if (writer_->size() + chunk.size() > max) {
    return Refuse(UploadTooLarge(media_type_, writer_->size() + chunk.size(), max));
  }
  if (absl::Status s = writer_->Append(chunk); !s.ok()) return Refuse(s);
  return absl::OkStatus();
}

absl::StatusOr<storage::MediaRecord> MediaUpload::Finish() {
  if (writer_ == nullptr) return absl::FailedPreconditionError("upload already ended");
  if (!declared_) {
    return Refuse(InvalidArgument(
        "media_type is required: image, document, audio, video or sticker", "media_type"));
  }
  const uint64_t size = writer_->size();
  if (size == 0) return Refuse(UploadFailed("empty", "the file is empty"));
  absl::StatusOr<std::string> sha256 = writer_->Finish();
  if (!sha256.ok()) return Refuse(sha256.status());
  absl::StatusOr<storage::SniffedType> sniffed = service_.sniffer_.SniffFile(writer_->temp_path());
  if (!sniffed.ok()) return Refuse(sniffed.status());
  const std::string mime = CanonicalMimeType(sniffed->mime_type, media_type_, filename_);
  if (absl::Status s = CheckUpload(media_type_, mime, size, sniffed->animated); !s.ok()) {
    return Refuse(s);
  }
  if (absl::Status s = writer_->Commit(); !s.ok()) return Refuse(s);
  writer_.reset();

  storage::MediaRecord record;
  record.media_id = NewId("med_");
  record.property_id = caller_.property_id;
  record.media_type = media_type_;
  record.mime_type = mime;
  record.size_bytes = static_cast<int64_t>(size);
  record.sha256 = *sha256;
  record.filename = filename_;
  record.created_at = absl::Now();
  storage::MediaRepository& media = service_.media_;
  return storage::TransactValue(service_.db_, [&]() -> absl::StatusOr<storage::MediaRecord> {
    absl::StatusOr<std::optional<storage::MediaRecord>> existing =
        media.FindByContent(record.property_id, record.sha256, record.media_type);
    if (!existing.ok()) return existing.status();
    if (*existing) return **existing;
    if (absl::Status s = media.Insert(record); !s.ok()) return s;
    return record;
  });
}

absl::StatusOr<std::unique_ptr<MediaUpload>> MediaService::StartUpload(const Caller& caller) {
  absl::StatusOr<std::unique_ptr<storage::MediaStore::Writer>> writer = store_.NewWriter();
  if (!writer.ok()) return writer.status();
  return std::unique_ptr<MediaUpload>(new MediaUpload(*this, caller, *std::move(writer)));
}

absl::StatusOr<storage::MediaRecord> MediaService::StoreInbound(const std::string& property_id,
                                                                v1::MediaType kind,
                                                                const std::string& filename,
                                                                const Fetch& fetch) {
  absl::StatusOr<std::unique_ptr<MediaUpload>> upload =
      StartUpload(Caller{"guest", v1::ROLE_STAFF, property_id});
  if (!upload.ok()) return upload.status();
  if (auto s = (*upload)->Declare(kind, filename); !s.ok()) return s;
  absl::Status appended;
  absl::Status fetched = fetch([&](absl::string_view chunk) {
    appended = (*upload)->Append(chunk);
    return appended.ok();
  });
  if (!appended.ok()) return appended;
  if (!fetched.ok()) return fetched;
  return (*upload)->Finish();
}

absl::StatusOr<storage::MediaRecord> MediaService::Get(const std::string& property_id,
                                                       const std::string& media_id) {
  absl::StatusOr<std::optional<storage::MediaRecord>> found =
      storage::ReadValue(db_, [&] { return media_.Get(media_id); });
  if (!found.ok()) return found.status();
  if (!*found || (*found)->property_id != property_id) return MediaNotFound(media_id);
  return **found;
}

absl::StatusOr<std::unique_ptr<storage::MediaStore::Reader>> MediaService::Open(
    const storage::MediaRecord& media) {
  absl::StatusOr<std::unique_ptr<storage::MediaStore::Reader>> reader = store_.Open(media.sha256);
  if (reader.ok() || !absl::IsNotFound(reader.status())) return reader;
  // Gone from disk (a restore without the media folder, a manual clean-up):
  // the client can do something about it, unlike an unreadable file.
  return Error(absl::StatusCode::kNotFound, "MEDIA_NOT_FOUND",
               absl::StrCat("The file of media ", media.media_id, " is no longer stored"))
      .Detail("media_id", media.media_id)
      .Detail("reason", "file_missing")
      .Recovery({"Upload the file again"});
}

absl::StatusOr<std::string> MediaService::ProviderMediaId(const std::string& property_id,
                                                          const std::string& media_id,
                                                          const std::string& provider,
                                                          const ProviderUpload& upload) {
  absl::StatusOr<storage::MediaRecord> media = Get(property_id, media_id);
  if (!media.ok()) return media.status();
  const absl::Time now = absl::Now();
  if (media->provider == provider && !media->provider_media_id.empty() &&
      media->provider_uploaded_at && now - *media->provider_uploaded_at < kProviderMediaReuse) {
    return media->provider_media_id;
  }
  // Outside any transaction: an upload may take a while.
  absl::StatusOr<std::string> id = upload(store_.PathFor(media->sha256), media->mime_type);
  if (!id.ok()) return id.status();
  if (absl::Status s =
          db_.Transaction([&] { return media_.SetProviderMediaId(media_id, provider, *id, now); });
      !s.ok()) {
    return s;
  }
  return *id;
}

}  // namespace wa::domain
