#pragma once

#include <memory>
#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "server/api/auth.h"
#include "server/domain/media_service.h"

namespace wa::api {

// One DownloadMedia call: authorizes like every RPC, then streams the
// stored file in chunks, reading the next one only when the previous one
// has been written, so a slow client never makes the server buffer.
class MediaDownloadReactor : public grpc::ServerWriteReactor<hotel::whatsapp::v1::MediaChunk> {
 public:
  MediaDownloadReactor(grpc::CallbackServerContext* context, const Authenticator& auth,
                       domain::MediaService& media, const std::string& media_id);

  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void WriteNext();

  const std::string request_id_;
  const std::string media_id_;
  hotel::whatsapp::v1::MediaChunk chunk_;
  std::unique_ptr<storage::MediaStore::Reader> reader_;
  bool first_ = true;
};

}  // namespace wa::api
