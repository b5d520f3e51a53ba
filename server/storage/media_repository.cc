#include "server/storage/media_repository.h"

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
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO media (media_id, property_id, media_type, mime_type, size_bytes, sha256, "
      "filename, created_at, provider, provider_media_id, provider_uploaded_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, m.media_id)
      .Bind(2, m.property_id)
      .Bind(3, static_cast<int>(m.media_type))
      .Bind(4, m.mime_type)
      .Bind(5, m.size_bytes)
      .Bind(6, m.sha256)
      .Bind(7, m.filename)
      .BindTime(8, m.created_at)
      .Bind(9, m.provider)
      .Bind(10, m.provider_media_id)
      .BindOptionalTime(11, m.provider_uploaded_at);
  return stmt->Run();
}

absl::StatusOr<std::optional<MediaRecord>> MediaRepository::Get(const std::string& media_id) {
  static const std::string sql = std::string(kSelect) + "WHERE media_id = ?";
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, media_id);
  return FirstRow<MediaRecord>(*stmt, ReadMedia);
}

absl::StatusOr<std::optional<MediaRecord>> MediaRepository::FindByContent(
    const std::string& property_id, const std::string& sha256, v1::MediaType media_type) {
  static const std::string sql =
      std::string(kSelect) + "WHERE property_id = ? AND sha256 = ? AND media_type = ?";
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, sha256).Bind(3, static_cast<int>(media_type));
  return FirstRow<MediaRecord>(*stmt, ReadMedia);
}

absl::Status MediaRepository::SetProviderMediaId(const std::string& media_id,
                                                 const std::string& provider,
                                                 const std::string& provider_media_id,
                                                 absl::Time uploaded_at) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "UPDATE media SET provider = ?, provider_media_id = ?, provider_uploaded_at = ? "
      "WHERE media_id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, provider).Bind(2, provider_media_id).BindTime(3, uploaded_at).Bind(4, media_id);
  return stmt->Run();
}

}  // namespace wa::storage
