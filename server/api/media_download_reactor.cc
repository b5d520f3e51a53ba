#include "server/api/media_download_reactor.h"

#include "server/api/request_id_interceptor.h"
#include "server/api/status_mapping.h"
#include "server/util/log.h"
#include "server/util/metrics.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Large enough for few messages per file, far below gRPC's 4 MB cap.
constexpr size_t kChunkBytes = 256 * 1024;

// A stored file that cannot be served is the operator's to know of.
void NoteFileError(const std::string& media_id, const absl::Status& status) {
  const char* reason = absl::IsNotFound(status) ? "missing" : "unreadable";
  util::LogError("media ", media_id, " download refused, file ", reason, ": ",
                 status.ToString(absl::StatusToStringMode::kWithNoExtraData));
  util::Metrics::Global().CountMediaFileError(reason);
}

}  // namespace

MediaDownloadReactor::MediaDownloadReactor(grpc::CallbackServerContext* context,
                                           const Authenticator& auth, domain::MediaService& media,
                                           const std::string& media_id)
    : request_id_(RequestIdOf(*context)), media_id_(media_id) {
  util::ScopedRequestId scoped(request_id_);
  absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, v1::ROLE_STAFF);
  if (!caller.ok()) {
    Finish(ToGrpcStatus(caller.status(), request_id_));
    return;
  }
  absl::StatusOr<storage::MediaRecord> record = media.Get(caller->property_id, media_id);
  if (!record.ok()) {
    Finish(ToGrpcStatus(record.status(), request_id_));
    return;
  }
  // Opened before anything is sent: a file that is gone is a whole error
  // answer, never a stream (or a REST 200) cut short.
  absl::StatusOr<std::unique_ptr<storage::MediaStore::Reader>> reader = media.Open(*record);
  if (!reader.ok()) {
    NoteFileError(media_id, reader.status());
    Finish(ToGrpcStatus(reader.status(), request_id_));
    return;
  }
  reader_ = *std::move(reader);
  chunk_.set_mime_type(record->mime_type);
  WriteNext();
}

void MediaDownloadReactor::WriteNext() {
  absl::Status status = reader_->Read(kChunkBytes, chunk_.mutable_data());
  if (!status.ok()) {
    util::ScopedRequestId scoped(request_id_);
    NoteFileError(media_id_, status);
    Finish(ToGrpcStatus(status, request_id_));
    return;
  }
  // The first chunk goes out even if empty: it carries the MIME type.
  if (chunk_.data().empty() && !first_) {
    Finish(grpc::Status::OK);
    return;
  }
  first_ = false;
  StartWrite(&chunk_);
}

void MediaDownloadReactor::OnWriteDone(bool ok) {
  if (!ok) {
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "download interrupted"));
    return;
  }
  chunk_.clear_mime_type();
  WriteNext();
}

}  // namespace wa::api
