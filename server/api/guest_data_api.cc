#include "server/api/guest_data_api.h"

#include "server/api/guest_export_reactor.h"
#include "server/api/proto_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

grpc::ServerUnaryReactor* GuestDataApi::EraseGuest(grpc::CallbackServerContext* context,
                                                   const v1::EraseGuestRequest* request,
                                                   v1::GuestErasure* response) {
  return Handle(context, calls_, v1::ROLE_ADMIN, [=, this](const domain::Caller& caller) {
    absl::StatusOr<domain::ErasureResult> erased = erasure_.Erase(
        caller.property_id, domain::ErasureRequest{request->guest_phone(), request->guest_user_id(),
                                                   request->reason()});
    if (!erased.ok()) return erased.status();
    response->set_guest_hash(erased->guest_hash);
    SetTimestamp(erased->erased_at, response->mutable_erased_at());
    response->set_messages(erased->messages);
    response->set_conversations(erased->conversations);
    response->set_media_files(erased->media_files);
    response->set_raw_callbacks(erased->raw_callbacks);
    response->set_webhook_events(erased->webhook_events);
    response->set_already_erased(erased->already_erased);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::GuestExportChunk>* GuestDataApi::ExportGuest(
    grpc::CallbackServerContext* context, const v1::ExportGuestRequest* request) {
  return new GuestExportReactor(context, calls_.auth(), db_, &hasher_, *request);
}

}  // namespace wa::api
