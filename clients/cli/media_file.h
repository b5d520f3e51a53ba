#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "hotel/whatsapp/v1/media.pb.h"

namespace wa::cli {

// Streams the file at `path` to UploadMedia (metadata first, then 256 KiB
// chunks), never holding it whole.
grpc::Status UploadFile(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                        const std::string& path, hotel::whatsapp::v1::MediaType media_type,
                        hotel::whatsapp::v1::Media* media);

}  // namespace wa::cli
