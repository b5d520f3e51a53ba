#include "server/storage/media_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kSelect[] =
    "SELECT media_id, property_id, media_type, mime_type, size_bytes, sha256, filename, "
    "created_at, provider, provider_media_id, provider_uploaded_at FROM media ";

MediaRecord ReadMedia(const Statement& s) {
  MediaRecord m;
  m.media_id = s.ColumnText(0);
  m.property_id = s.ColumnText(1);
  m.media_type = static_cast<v1::MediaType>(s.ColumnInt(2));
  m.mime_type = s.ColumnText(3);
  m.size_bytes = s.ColumnInt(4);
  m.sha256 = s.ColumnText(5);
  m.filename = s.ColumnText(6);
  m.created_at = s.ColumnTime(7);
  m.provider = s.ColumnText(8);
  m.provider_media_id = s.ColumnText(9);
  m.provider_uploaded_at = s.ColumnOptionalTime(10);
  return m;
}

}  // namespace

absl::Status MediaRepository::Insert(const MediaRecord& m) {
  return ExecOne(
      db_,
      "INSERT INTO media (media_id, property_id, media_type, mime_type, size_bytes, sha256, "
      "filename, created_at, provider, provider_media_id, provider_uploaded_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      m.media_id, m.property_id, static_cast<int>(m.media_type), m.mime_type, m.size_bytes,
      m.sha256, m.filename, m.created_at, m.provider, m.provider_media_id, m.provider_uploaded_at);
}

absl::StatusOr<std::optional<MediaRecord>> MediaRepository::Get(const std::string& media_id) {
  static const std::string sql = std::string(kSelect) + "WHERE media_id = ?";
  return QueryOne<MediaRecord>(db_, sql, ReadMedia, media_id);
}

absl::StatusOr<std::optional<MediaRecord>> MediaRepository::FindByContent(
    const std::string& property_id, const std::string& sha256, v1::MediaType media_type) {
  static const std::string sql =
      std::string(kSelect) + "WHERE property_id = ? AND sha256 = ? AND media_type = ?";
  return QueryOne<MediaRecord>(db_, sql, ReadMedia, property_id, sha256,
                               static_cast<int>(media_type));
}

absl::Status MediaRepository::SetProviderMediaId(const std::string& media_id,
                                                 const std::string& provider,
                                                 const std::string& provider_media_id,
                                                 absl::Time uploaded_at) {
  return ExecOne(db_,
                 "UPDATE media SET provider = ?, provider_media_id = ?, provider_uploaded_at = ? "
                 "WHERE media_id = ?",
                 provider, provider_media_id, uploaded_at, media_id);
}

}  // namespace wa::storage
