#include "server/api/media_api.h"

#include "absl/strings/str_cat.h"
#include "server/api/handler.h"
#include "server/api/media_download_reactor.h"
#include "server/api/media_upload_reactor.h"
#include "server/api/proto_mapping.h"

namespace wa::api {

namespace v1 = ::hotel::whatsapp::v1;

std::string MediaUrl(const std::string& media_id) {
  return absl::StrCat("/api/v1/whatsapp/media/", media_id, "/content");
}

void ToMedia(const storage::MediaRecord& in, v1::Media* out) {
  out->set_media_id(in.media_id);
  out->set_media_url(MediaUrl(in.media_id));
  out->set_media_type(in.media_type);
  out->set_mime_type(in.mime_type);
  out->set_size_bytes(in.size_bytes);
  out->set_sha256(in.sha256);
  out->set_filename(in.filename);
  SetTimestamp(in.created_at, out->mutable_created_at());
}

grpc::ServerReadReactor<v1::UploadMediaRequest>* MediaApi::UploadMedia(
    grpc::CallbackServerContext* context, v1::Media* response) {
  return new MediaUploadReactor(context, calls_.auth(), media_, response);
}

grpc::ServerUnaryReactor* MediaApi::GetMedia(grpc::CallbackServerContext* context,
                                             const v1::GetMediaRequest* request,
                                             v1::Media* response) {
  return Handle(context, calls_, v1::ROLE_STAFF, [=, this](const domain::Caller& caller) {
    absl::StatusOr<storage::MediaRecord> media =
        media_.Get(caller.property_id, request->media_id());
    if (media.ok()) ToMedia(*media, response);
    return media.status();
  });
}

grpc::ServerWriteReactor<v1::MediaChunk>* MediaApi::DownloadMedia(
    grpc::CallbackServerContext* context, const v1::DownloadMediaRequest* request) {
  return new MediaDownloadReactor(context, calls_.auth(), media_, request->media_id());
}

}  // namespace wa::api
