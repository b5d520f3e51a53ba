#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/adapters/media_adapters.h"
#include "gateway/adapters/stream_relay.h"
#include "gateway/http_response.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr char kGetMedia[] = "/hotel.whatsapp.v1.MediaService/GetMedia";
constexpr auto kDeadline = std::chrono::seconds(30 * 60);

using DownloadRelay = StreamRelay<v1::MediaChunk>;

std::string Disposition(const v1::Media& media) {
  const std::string& mime = media.mime_type();
  const bool inline_kind = absl::StartsWith(mime, "image/") || absl::StartsWith(mime, "audio/") ||
                           absl::StartsWith(mime, "video/");
  std::string value = inline_kind ? "inline" : "attachment";
  if (!media.filename().empty()) absl::StrAppend(&value, "; filename=\"", media.filename(), "\"");
  return value;
}

}  // namespace

void AddMediaDownloadAdapter(HttpRouter& router) {
  std::shared_ptr<v1::MediaService::Stub> stub =
      v1::MediaService::NewStub(router.invoker().channel());
  router.AddRpcAdapter(
      absl::StrCat(v1::MediaService::service_full_name(), ".DownloadMedia"),
      [&router, stub](const httplib::Request& req, httplib::Response& res,
                      const PathBindings& bindings) {
        std::string media_id;
        for (const auto& [field, value] : bindings) {
          if (field == "media_id") media_id = value;
        }
        // Authorizes and gives the type and length before any byte is sent.
        v1::GetMediaRequest get;
        get.set_media_id(media_id);
        v1::Media media;
        grpc::Status status =
            router.invoker().Call(kGetMedia, get, &media, ForwardedMetadata(req, res));
        if (!status.ok()) {
          WriteRpcError(res, status);
          return;
        }
        auto relay = std::make_shared<DownloadRelay>(
            req, res, kDeadline, [&stub, &media_id](grpc::ClientContext* context) {
              v1::DownloadMediaRequest request;
              request.set_media_id(media_id);
              return stub->DownloadMedia(context, request);
            });
        if (grpc::Status started = relay->Start(); !started.ok()) {
          WriteRpcError(res, started);
          return;
        }
        res.status = 200;
        res.set_header("Content-Disposition", Disposition(media));
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("ETag", absl::StrCat("\"", media.sha256(), "\""));
        // Ranges are not served (README): always the whole file with 200.
        res.set_header("Accept-Ranges", "none");
        if (req.method == "HEAD") {
          res.set_header("Content-Length", std::to_string(media.size_bytes()));
          res.set_header("Content-Type", media.mime_type());
          return;
        }
        res.set_content_provider(
            static_cast<size_t>(media.size_bytes()), media.mime_type(),
            [relay](size_t, size_t, httplib::DataSink& sink) { return relay->Next(sink); });
      });
}

}  // namespace wa::gateway
