#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/adapters/media_adapters.h"
#include "gateway/enum_spelling.h"
#include "gateway/http_response.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"

namespace wa::gateway {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

constexpr char kPath[] = "/api/v1/whatsapp/media/upload";
constexpr char kFilePart[] = "media";
constexpr char kTypeField[] = "media_type";
// httplib hands the body over in small pieces; gRPC messages of this size
// keep the per-message cost low and memory bounded.
constexpr size_t kChunkBytes = 64 * 1024;
constexpr size_t kMaxFieldBytes = 256;
// Slow clients may take a while with 100 MB; a stalled one is cut off by
// httplib's read timeout long before this.
constexpr auto kDeadline = std::chrono::minutes(30);

void WriteInvalid(httplib::Response& res, const std::string& message) {
  WriteGatewayError(res, 400, "INVALID_ARGUMENT", message);
}

// One form relayed into one UploadMedia call. Once the call is refused
// (by the server, or here for a malformed form) the rest of the body is
// still read and dropped, so the client, still sending, gets the answer
// and the connection stays usable.
class UploadRelay {
 public:
  UploadRelay(v1::MediaService::Stub& stub, const httplib::Request& req) {
    AddForwardedMetadata(req, &context_);
    context_.set_deadline(std::chrono::system_clock::now() + kDeadline);
    writer_ = stub.UploadMedia(&context_, &media_);
  }

  bool OnPart(const httplib::MultipartFormData& part) {
    if (ended() || !FlushChunk()) return true;
    part_ = part.name;
    if (part_ == kFilePart) {
      if (seen_file_) return Refuse("the form has more than one 'media' file");
      seen_file_ = true;
      filename_ = part.filename;
      // Declared before the file: the server can refuse an oversized file early.
      if (!type_text_.empty()) SendMetadata();
    } else if (part_ == kTypeField) {
      type_text_.clear();
    }
    return true;
  }

  bool OnData(const char* data, size_t size) {
    if (ended()) return true;  // drained
    if (part_ == kFilePart) {
      pending_.append(data, size);
      if (pending_.size() >= kChunkBytes) FlushChunk();
    } else if (part_ == kTypeField) {
      if (type_text_.size() + size > kMaxFieldBytes) return Refuse("media_type is too long");
      type_text_.append(data, size);
    }
    return true;  // other fields are not ours
  }

  // After the form was read (`read_ok`) or abandoned: ends the call and
  // writes the answer.
  void Finish(bool read_ok, httplib::Response& res) {
    if (read_ok && !ended() && FlushChunk() && (metadata_sent_ || SendMetadata())) {
      writer_->WritesDone();
      grpc::Status status = writer_->Finish();
      if (status.ok()) {
        WriteMessage(res, media_);
      } else {
        WriteRpcError(res, status);
      }
      return;
    }
    if (rpc_ended_) {  // the server refused first; its status says why
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
      if (res.status == 413) {
        WriteError(res, {422, ErrorBody("MEDIA_UPLOAD_FAILED", "file too large",
                                        R"({"reason":"too_large"})", {})});
      } else {
        WriteInvalid(res, "the multipart/form-data body is malformed or incomplete");
      }
      return;
    }
    WriteInvalid(res, problem_);
  }

 private:
  bool ended() const { return rpc_ended_ || !problem_.empty(); }

  bool Refuse(std::string problem) {
    problem_ = std::move(problem);
    context_.TryCancel();  // the server drops what it has
    return true;           // and the rest of the body is drained
  }

  bool Write(const v1::UploadMediaRequest& message) {
    if (writer_->Write(message)) return true;
    rpc_ended_ = true;
    return false;
  }

  bool FlushChunk() {
    if (pending_.empty()) return true;
    v1::UploadMediaRequest message;
    message.set_chunk(std::move(pending_));
    pending_.clear();
    return Write(message);
  }

  bool SendMetadata() {
    v1::MediaType type = v1::MEDIA_TYPE_UNSPECIFIED;
    if (!type_text_.empty()) {
      const EnumSpelling& spelling = EnumSpelling::For(v1::MediaType_descriptor());
      std::optional<int> parsed = spelling.Parse(type_text_);
      if (!parsed) {
        Refuse(absl::StrCat("media_type: unknown value '", type_text_, "'; expected ",
                            spelling.accepted()));
        return false;
      }
      type = static_cast<v1::MediaType>(*parsed);
    }
    metadata_sent_ = true;
    v1::UploadMediaRequest message;
    message.mutable_metadata()->set_media_type(type);
    message.mutable_metadata()->set_filename(filename_);
    return Write(message);
  }

  grpc::ClientContext context_;
  v1::Media media_;
  std::unique_ptr<grpc::ClientWriter<v1::UploadMediaRequest>> writer_;
  std::string part_;
  std::string pending_;
  std::string type_text_;
  std::string filename_;
  std::string problem_;
  bool seen_file_ = false;
  bool metadata_sent_ = false;
  bool rpc_ended_ = false;
};

}  // namespace

void AddMediaUploadAdapter(HttpGateway& gateway) {
  std::shared_ptr<v1::MediaService::Stub> stub =
      v1::MediaService::NewStub(gateway.invoker().channel());
  gateway.AddStreamingAdapter(
      "POST", kPath,
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
        UploadRelay relay(*stub, req);
        bool read_ok =
            body([&relay](const httplib::MultipartFormData& part) { return relay.OnPart(part); },
                 [&relay](const char* data, size_t size) { return relay.OnData(data, size); });
        relay.Finish(read_ok, res);
      });
}

}  // namespace wa::gateway
