#include "tests/integration/media_transfer.h"

#include <algorithm>

#include "gateway/enum_spelling.h"
#include "gateway/json_transcoder.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "hotel/whatsapp/v1/media.grpc.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

Outcome FromGrpc(const grpc::Status& status) {
  Outcome outcome;
  outcome.ok = status.ok();
  outcome.grpc_code = status.error_code();
  google::rpc::Status details;
  if (!status.ok() && details.ParseFromString(status.error_details()) &&
      details.details_size() > 0) {
    details.details(0).UnpackTo(&outcome.error);
  }
  return outcome;
}

// A REST answer: the message on 200, else the reference's error body.
Outcome FromRest(const httplib::Result& result, google::protobuf::Message* out) {
  Outcome outcome;
  if (!result) {
    outcome.grpc_code = grpc::UNAVAILABLE;
    return outcome;
  }
  outcome.http_status = result->status;
  outcome.raw_body = result->body;
  outcome.ok = result->status == 200;
  if (outcome.ok) {
    if (out != nullptr) outcome.ok = gateway::MergeJsonText(result->body, out).ok();
    return outcome;
  }
  nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
  if (body.is_object() && body.contains("error")) {
    const nlohmann::json& e = body["error"];
    outcome.error.set_code(e.value("code", ""));
    outcome.error.set_message(e.value("message", ""));
    (void)gateway::MergeJsonIntoField(e.value("details", nlohmann::json::object()),
                                      outcome.error.GetDescriptor()->FindFieldByName("details"),
                                      &outcome.error);
  }
  switch (result->status) {
    case 400:
      outcome.grpc_code = grpc::INVALID_ARGUMENT;
      break;
    case 401:
      outcome.grpc_code = grpc::UNAUTHENTICATED;
      break;
    case 403:
      outcome.grpc_code = grpc::PERMISSION_DENIED;
      break;
    case 404:
      outcome.grpc_code = grpc::NOT_FOUND;
      break;
    case 422:
      outcome.grpc_code = grpc::INVALID_ARGUMENT;
      break;  // MEDIA_UPLOAD_FAILED
    default:
      outcome.grpc_code = grpc::UNKNOWN;
  }
  return outcome;
}

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
  return FromRest(client.Post("/api/v1/whatsapp/media/upload", Auth(token), items), out);
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
  return FromGrpc(writer->Finish());
}

Outcome DownloadViaRest(int http_port, const std::string& token, const std::string& media_url,
                        Downloaded* out) {
  httplib::Client client("127.0.0.1", http_port);
  httplib::Result result = client.Get(media_url, Auth(token));
  Outcome outcome = FromRest(result, nullptr);
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
  return FromGrpc(reader->Finish());
}

}  // namespace wa::testing
