#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/adapters/media_adapters.h"
#include "gateway/adapters/upload_form.h"
#include "gateway/http_response.h"
#include "gateway/limited_server.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

// Slow clients may take a while with 100 MB; a stalled one is cut off by
// httplib's read timeout long before this.
constexpr auto kDeadline = std::chrono::minutes(30);

void WriteInvalid(httplib::Response& res, const std::string& message) {
  WriteGatewayError(res, 400, "INVALID_ARGUMENT", message);
}

// One form relayed into one UploadMedia call; UploadForm decides what the
// form's parts become, this class owns the call and writes the answer.
class UploadRelay {
 public:
  UploadRelay(v1::MediaService::Stub& stub, const httplib::Request& req,
              const httplib::Response& res)
      : form_([this](const v1::UploadMediaRequest& m) { return writer_->Write(m); },
              [this] { context_.TryCancel(); }) {
    AddForwardedMetadata(req, res, &context_);
    context_.set_deadline(std::chrono::system_clock::now() + kDeadline);
    writer_ = stub.UploadMedia(&context_, &media_);
  }

  bool OnPart(const httplib::MultipartFormData& part) {
    return form_.OnPart(part.name, part.filename);
  }
  bool OnData(const char* data, size_t size) { return form_.OnData(data, size); }

  // After the form was read (`read_ok`) or abandoned: ends the call and
  // writes the answer.
  void Finish(bool read_ok, httplib::Response& res) {
    if (read_ok && form_.Complete()) {
      writer_->WritesDone();
      grpc::Status status = writer_->Finish();
      if (status.ok()) {
        WriteMessage(res, media_);
      } else {
        WriteRpcError(res, status);
      }
      return;
    }
    if (form_.rpc_ended()) {  // the server refused first; its status says why
      WriteRpcError(res, writer_->Finish());
      if (!read_ok) res.set_header("Connection", "close");
      return;
    }
    // Our refusal or a broken request: the server must keep nothing.
    context_.TryCancel();
    (void)writer_->Finish();
    if (!read_ok) {
      // The body is partly unread: this connection cannot go on.
      res.set_header("Connection", "close");
      if (res.status == 413 || LimitedServer::CurrentProblem() == RequestProblem::kBodyTooLarge) {
        WriteError(res, {422, ErrorBody("MEDIA_UPLOAD_FAILED", "file too large",
                                        R"({"reason":"too_large"})", {})});
      } else {
        WriteInvalid(res, "the multipart/form-data body is malformed or incomplete");
      }
      return;
    }
    WriteInvalid(res, form_.problem());
  }

 private:
  grpc::ClientContext context_;
  v1::Media media_;
  std::unique_ptr<grpc::ClientWriter<v1::UploadMediaRequest>> writer_;
  UploadForm form_;
};

}  // namespace

void AddMediaUploadAdapter(HttpRouter& router) {
  std::shared_ptr<v1::MediaService::Stub> stub =
      v1::MediaService::NewStub(router.invoker().channel());
  router.AddStreamingRpcAdapter(
      absl::StrCat(v1::MediaService::service_full_name(), ".UploadMedia"),
      [stub](const httplib::Request& req, httplib::Response& res, const PathBindings&,
             const httplib::ContentReader& body) {
        if (!req.is_multipart_form_data()) {
          // Read and drop the body so the connection can serve the next request.
          if (!body([](const char*, size_t) { return true; }))
            res.set_header("Connection", "close");
          WriteInvalid(res,
                       "expected a multipart/form-data body with a 'media' file and a "
                       "'media_type' field");
          return;
        }
        UploadRelay relay(*stub, req, res);
        bool read_ok =
            body([&relay](const httplib::MultipartFormData& part) { return relay.OnPart(part); },
                 [&relay](const char* data, size_t size) { return relay.OnData(data, size); });
        relay.Finish(read_ok, res);
      });
}

}  // namespace wa::gateway
