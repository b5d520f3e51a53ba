#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/adapters/media_adapters.h"
#include "gateway/http_response.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr char kPath[] = "/api/v1/whatsapp/media/{media_id}/content";
constexpr char kGetMedia[] = "/hotel.whatsapp.v1.MediaService/GetMedia";
constexpr auto kDeadline = std::chrono::minutes(30);

// One DownloadMedia call feeding httplib's content provider, one chunk per
// call, so the file is never held in memory. Lives as long as httplib
// keeps the provider.
class DownloadRelay {
 public:
  DownloadRelay(v1::MediaService::Stub& stub, const httplib::Request& req,
                const httplib::Response& res, const std::string& media_id) {
    AddForwardedMetadata(req, res, &context_);
    context_.set_deadline(std::chrono::system_clock::now() + kDeadline);
    v1::DownloadMediaRequest request;
    request.set_media_id(media_id);
    reader_ = stub.DownloadMedia(&context_, request);
  }
  ~DownloadRelay() {
    if (finished_) return;
    context_.TryCancel();  // a client that went away stops the stream
    (void)reader_->Finish();
  }

  // Waits for the first chunk, which the server sends only once the file
  // is open: before the status line goes out, so a file that cannot be
  // served gets a whole error answer. The call's status when it failed.
  grpc::Status Start() {
    if (reader_->Read(&chunk_)) {
      pending_ = true;
      return grpc::Status::OK;
    }
    finished_ = true;
    grpc::Status status = reader_->Finish();
    return status.ok() ? grpc::Status(grpc::StatusCode::INTERNAL, "empty download") : status;
  }

  bool Next(httplib::DataSink& sink) {
    if (!pending_ && !reader_->Read(&chunk_)) return false;  // ended before the promised length
    pending_ = false;
    return chunk_.data().empty() || sink.write(chunk_.data().data(), chunk_.data().size());
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::MediaChunk>> reader_;
  v1::MediaChunk chunk_;
  bool pending_ = false;   // chunk_ holds a chunk not yet written
  bool finished_ = false;  // Finish() was called
};

std::string Disposition(const v1::Media& media) {
  const std::string& mime = media.mime_type();
  const bool inline_kind = absl::StartsWith(mime, "image/") || absl::StartsWith(mime, "audio/") ||
                           absl::StartsWith(mime, "video/");
  std::string value = inline_kind ? "inline" : "attachment";
  if (!media.filename().empty()) absl::StrAppend(&value, "; filename=\"", media.filename(), "\"");
  return value;
}

}  // namespace

void AddMediaDownloadAdapter(HttpGateway& gateway) {
  std::shared_ptr<v1::MediaService::Stub> stub =
      v1::MediaService::NewStub(gateway.invoker().channel());
  gateway.AddBoundAdapter(
      "GET", kPath,
      [&gateway, stub](const httplib::Request& req, httplib::Response& res,
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
            gateway.invoker().Call(kGetMedia, get, &media, ForwardedMetadata(req, res));
        if (!status.ok()) {
          WriteRpcError(res, status);
          return;
        }
        auto relay = std::make_shared<DownloadRelay>(*stub, req, res, media_id);
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
