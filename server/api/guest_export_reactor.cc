#include "server/api/guest_export_reactor.h"

#include "server/api/request_id_interceptor.h"
#include "server/api/status_mapping.h"
#include "server/util/log.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

GuestExportReactor::GuestExportReactor(grpc::CallbackServerContext* context,
                                       const Authenticator& auth, storage::Database& db,
                                       const domain::GuestHasher* hasher,
                                       const v1::ExportGuestRequest& request)
    : request_id_(RequestIdOf(*context)) {
  util::ScopedRequestId scoped(request_id_);
  absl::StatusOr<domain::Caller> caller = auth.Authorize(*context, v1::ROLE_ADMIN);
  if (!caller.ok()) {
    Finish(ToGrpcStatus(caller.status(), request_id_));
    return;
  }
  absl::StatusOr<std::unique_ptr<domain::GuestExport>> opened = domain::GuestExport::Open(
      db, hasher, caller->property_id, request.guest_phone(), request.guest_user_id());
  if (!opened.ok()) {
    Finish(ToGrpcStatus(opened.status(), request_id_));
    return;
  }
  export_ = *std::move(opened);
  WriteNext();
}

void GuestExportReactor::WriteNext() {
  util::ScopedRequestId scoped(request_id_);
  chunk_.clear_data();
  absl::StatusOr<bool> more = export_->Next(chunk_.mutable_data());
  if (!more.ok()) {
    // Before the first piece: a whole error answer; later: a cut stream.
    util::LogError("guest export failed: ", more.status().ToString());
    Finish(ToGrpcStatus(more.status(), request_id_));
    return;
  }
  if (!*more) {
    Finish(grpc::Status::OK);
    return;
  }
  StartWrite(&chunk_);
}

void GuestExportReactor::OnWriteDone(bool ok) {
  if (!ok) {
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "export interrupted"));
    return;
  }
  WriteNext();
}

}  // namespace wa::api
