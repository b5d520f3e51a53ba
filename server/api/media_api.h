#pragma once

#include <string>

#include "hotel/whatsapp/v1/media.grpc.pb.h"
#include "server/api/handler.h"
#include "server/domain/media_service.h"

namespace wa::api {

// Media upload (client streaming), metadata and download (server
// streaming). The REST upload and download are gateway adapters over these.
class MediaApi : public hotel::whatsapp::v1::MediaService::CallbackService {
 public:
  MediaApi(const CallRunner& calls, domain::MediaService& media) : calls_(calls), media_(media) {}

  grpc::ServerReadReactor<hotel::whatsapp::v1::UploadMediaRequest>* UploadMedia(
      grpc::CallbackServerContext* context, hotel::whatsapp::v1::Media* response) override;
  grpc::ServerUnaryReactor* GetMedia(grpc::CallbackServerContext* context,
                                     const hotel::whatsapp::v1::GetMediaRequest* request,
                                     hotel::whatsapp::v1::Media* response) override;
  grpc::ServerWriteReactor<hotel::whatsapp::v1::MediaChunk>* DownloadMedia(
      grpc::CallbackServerContext* context,
      const hotel::whatsapp::v1::DownloadMediaRequest* request) override;

 private:
  const CallRunner& calls_;
  domain::MediaService& media_;
};

// The REST address of a media file's bytes (served by the gateway's
// download adapter).
std::string MediaUrl(const std::string& media_id);
void ToMedia(const storage::MediaRecord& in, hotel::whatsapp::v1::Media* out);

}  // namespace wa::api
