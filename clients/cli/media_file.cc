#include "clients/cli/media_file.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "hotel/whatsapp/v1/media.grpc.pb.h"

namespace wa::cli {

namespace v1 = ::hotel::whatsapp::v1;

grpc::Status UploadFile(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                        const std::string& path, v1::MediaType media_type, v1::Media* media) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return grpc::Status(grpc::INVALID_ARGUMENT, "--file: cannot read " + path);
  v1::MediaService::Stub stub(channel);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  std::unique_ptr<grpc::ClientWriter<v1::UploadMediaRequest>> writer =
      stub.UploadMedia(&context, media);
  v1::UploadMediaRequest part;
  part.mutable_metadata()->set_media_type(media_type);
  part.mutable_metadata()->set_filename(std::filesystem::path(path).filename().string());
  bool open = writer->Write(part);
  std::vector<char> buffer(256 * 1024);
  while (open && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() == 0) break;
    part.set_chunk(buffer.data(), static_cast<size_t>(in.gcount()));
    open = writer->Write(part);
  }
  writer->WritesDone();
  return writer->Finish();
}

}  // namespace wa::cli
