#pragma once

#include <memory>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "server/api/auth.h"
#include "server/domain/media_service.h"

namespace wa::api {

// One UploadMedia call: authorizes like every RPC, then feeds each message
// to a domain upload as it arrives (one message in memory at a time; flow
// control holds the client back while a chunk is written) and answers the
// stored media or the refusal. A cancelled call stores nothing.
class MediaUploadReactor : public grpc::ServerReadReactor<hotel::whatsapp::v1::UploadMediaRequest> {
 public:
  MediaUploadReactor(grpc::CallbackServerContext* context, const Authenticator& auth,
                     domain::MediaService& media, hotel::whatsapp::v1::Media* response);

  void OnReadDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void Fail(const absl::Status& status);

  grpc::CallbackServerContext* context_;
  hotel::whatsapp::v1::Media* response_;
  hotel::whatsapp::v1::UploadMediaRequest request_;
  std::unique_ptr<domain::MediaUpload> upload_;
};

}  // namespace wa::api
