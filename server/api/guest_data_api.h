#pragma once

#include "hotel/whatsapp/v1/guest_data.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/guest_erasure_service.h"
#include "server/domain/guest_hash.h"

namespace wa::api {

// A guest's erasure and export (admin only; README, "Guest data").
class GuestDataApi : public hotel::whatsapp::v1::GuestDataService::CallbackService {
 public:
  GuestDataApi(const CallRunner& calls, domain::GuestErasureService& erasure, storage::Database& db,
               const domain::GuestHasher& hasher)
      : calls_(calls), erasure_(erasure), db_(db), hasher_(hasher) {}

  grpc::ServerUnaryReactor* EraseGuest(grpc::CallbackServerContext* context,
                                       const hotel::whatsapp::v1::EraseGuestRequest* request,
                                       hotel::whatsapp::v1::GuestErasure* response) override;
  grpc::ServerWriteReactor<hotel::whatsapp::v1::GuestExportChunk>* ExportGuest(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::ExportGuestRequest* request) override;

 private:
  const CallRunner& calls_;
  domain::GuestErasureService& erasure_;
  storage::Database& db_;
  const domain::GuestHasher& hasher_;
};

}  // namespace wa::api
