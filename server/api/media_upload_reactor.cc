#include "server/api/media_upload_reactor.h"

#include "server/api/media_api.h"
#include "server/api/request_id_interceptor.h"
#include "server/api/status_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

MediaUploadReactor::MediaUploadReactor(grpc::CallbackServerContext* context,
                                       const Authenticator& auth, domain::MediaService& media,
                                       v1::Media* response)
    : context_(context), response_(response) {
  absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, v1::ROLE_STAFF);
  if (!caller.ok()) {
    Fail(caller.status());
    return;
  }
  absl::StatusOr<std::unique_ptr<domain::MediaUpload>> upload = media.StartUpload(*caller);
  if (!upload.ok()) {
    Fail(upload.status());
    return;
  }
  upload_ = *std::move(upload);
  StartRead(&request_);
}

void MediaUploadReactor::Fail(const absl::Status& status) {
  upload_.reset();  // discards what was written
  Finish(ToGrpcStatus(status, RequestIdOf(*context_)));
}

void MediaUploadReactor::OnReadDone(bool ok) {
  if (!ok) {
    // The client half-closed (or went away: then nothing is kept).
    if (context_->IsCancelled()) {
      Fail(absl::CancelledError("upload cancelled"));
      return;
    }
    absl::StatusOr<storage::MediaRecord> stored = upload_->Finish();
    upload_.reset();
    if (!stored.ok()) {
      Finish(ToGrpcStatus(stored.status(), RequestIdOf(*context_)));
      return;
    }
    ToMedia(*stored, response_);
    Finish(grpc::Status::OK);
    return;
  }
  absl::Status status;
  switch (request_.part_case()) {
    case v1::UploadMediaRequest::kMetadata:
      status = upload_->Declare(request_.metadata().media_type(), request_.metadata().filename());
      break;
    case v1::UploadMediaRequest::kChunk:
      status = upload_->Append(request_.chunk());
      break;
    default:
      status = absl::OkStatus();  // an empty message carries nothing
  }
  if (!status.ok()) {
    Fail(status);
    return;
  }
  StartRead(&request_);
}

}  // namespace wa::api
