#include "server/api/media_download_reactor.h"

#include "server/api/status_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Large enough for few messages per file, far below gRPC's 4 MB cap.
constexpr size_t kChunkBytes = 256 * 1024;

}  // namespace

MediaDownloadReactor::MediaDownloadReactor(grpc::CallbackServerContext* context,
                                           const Authenticator& auth, domain::MediaService& media,
                                           const std::string& media_id) {
  absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, v1::ROLE_STAFF);
  if (!caller.ok()) {
    Finish(ToGrpcStatus(caller.status()));
    return;
  }
  absl::StatusOr<storage::MediaRecord> record = media.Get(caller->property_id, media_id);
  if (!record.ok()) {
    Finish(ToGrpcStatus(record.status()));
    return;
  }
  absl::StatusOr<std::unique_ptr<storage::MediaStore::Reader>> reader = media.Open(*record);
  if (!reader.ok()) {
    Finish(ToGrpcStatus(reader.status()));
    return;
  }
  reader_ = *std::move(reader);
  chunk_.set_mime_type(record->mime_type);
  WriteNext();
}

void MediaDownloadReactor::WriteNext() {
  absl::Status status = reader_->Read(kChunkBytes, chunk_.mutable_data());
  if (!status.ok()) {
    Finish(ToGrpcStatus(status));
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
