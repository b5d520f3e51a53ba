#pragma once

#include <memory>
#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "hotel/whatsapp/v1/guest_data.pb.h"
#include "server/api/auth.h"
#include "server/domain/guest_export.h"

namespace wa::api {

// One ExportGuest call (admin): authorizes, resolves the guest, then
// streams the export document a piece at a time, making the next piece
// only once the previous one is written, so a slow client never makes the
// server hold more than a piece.
class GuestExportReactor : public grpc::ServerWriteReactor<hotel::whatsapp::v1::GuestExportChunk> {
 public:
  GuestExportReactor(grpc::CallbackServerContext* context, const Authenticator& auth,
                     storage::Database& db, const domain::GuestHasher* hasher,
                     const hotel::whatsapp::v1::ExportGuestRequest& request);

  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void WriteNext();

  const std::string request_id_;
  std::unique_ptr<domain::GuestExport> export_;
  hotel::whatsapp::v1::GuestExportChunk chunk_;
};

}  // namespace wa::api
