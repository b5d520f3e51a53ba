#include "tests/integration/media_transfer.h"

#include "gateway/enum_spelling.h"
#include "grpcpp/create_channel.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"
#include "httplib.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

httplib::Headers Auth(const std::string& token) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  return headers;
}

std::unique_ptr<v1::MediaService::Stub> Stub(const std::string& address) {
  return v1::MediaService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

}  // namespace

Outcome UploadViaRest(int http_port, const std::string& token, const UploadRequest& upload,
                      v1::Media* out) {
  httplib::Client client("127.0.0.1", http_port);
  client.set_read_timeout(60, 0);
  client.set_write_timeout(60, 0);
  httplib::MultipartFormData file{"media", upload.bytes, upload.filename,
                                  "application/octet-stream"};
  httplib::MultipartFormData type{"media_type", upload.media_type, "", ""};
  httplib::MultipartFormDataItems items;
  if (upload.reverse_order && !upload.media_type.empty()) items.push_back(type);
  items.push_back(file);
  if (!upload.reverse_order && !upload.media_type.empty()) items.push_back(type);
  return OutcomeFromRest(client.Post("/api/v1/whatsapp/media/upload", Auth(token), items), out);
}

Outcome UploadViaGrpc(const std::string& address, const std::string& token,
                      const UploadRequest& upload, v1::Media* out) {
  auto stub = Stub(address);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  std::unique_ptr<grpc::ClientWriter<v1::UploadMediaRequest>> writer =
      stub->UploadMedia(&context, out);
  v1::UploadMediaRequest metadata;
  std::optional<int> type =
      gateway::EnumSpelling::For(v1::MediaType_descriptor()).Parse(upload.media_type);
  metadata.mutable_metadata()->set_media_type(static_cast<v1::MediaType>(type.value_or(0)));
  metadata.mutable_metadata()->set_filename(upload.filename);
  bool open = upload.reverse_order || writer->Write(metadata);
  constexpr size_t kChunk = 64 * 1024;
  for (size_t at = 0; open && at < upload.bytes.size(); at += kChunk) {
    v1::UploadMediaRequest chunk;
    chunk.set_chunk(upload.bytes.substr(at, kChunk));
    open = writer->Write(chunk);
  }
  if (open && upload.reverse_order) open = writer->Write(metadata);
  if (open) writer->WritesDone();
  return OutcomeFromGrpc(writer->Finish());
}

Outcome DownloadViaRest(int http_port, const std::string& token, const std::string& media_url,
                        Downloaded* out) {
  httplib::Client client("127.0.0.1", http_port);
  httplib::Result result = client.Get(media_url, Auth(token));
  Outcome outcome = OutcomeFromRest(result, nullptr);
  if (outcome.ok) {
    out->bytes = result->body;
    out->content_type = result->get_header_value("Content-Type");
  }
  return outcome;
}

Outcome DownloadViaGrpc(const std::string& address, const std::string& token,
                        const std::string& media_id, Downloaded* out) {
  auto stub = Stub(address);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  v1::DownloadMediaRequest request;
  request.set_media_id(media_id);
  std::unique_ptr<grpc::ClientReader<v1::MediaChunk>> reader =
      stub->DownloadMedia(&context, request);
  v1::MediaChunk chunk;
  bool first = true;
  while (reader->Read(&chunk)) {
    if (first) out->content_type = chunk.mime_type();
    first = false;
    out->bytes += chunk.data();
  }
  return OutcomeFromGrpc(reader->Finish());
}

}  // namespace wa::testing
