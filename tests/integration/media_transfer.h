#pragma once

// Media upload and download as each surface does them: REST through the
// gateway's multipart and download adapters, gRPC through the streaming
// RPCs. Results in the shared Outcome terms of surface.h.
#include <string>

#include "hotel/whatsapp/v1/media.pb.h"
#include "tests/integration/surface.h"

namespace wa::testing {

struct UploadRequest {
  std::string bytes;
  std::string media_type;  // as REST spells it ("image"); "" leaves it out
  std::string filename = "upload.bin";
  // gRPC: send the metadata after the chunks; REST: put the media_type
  // field before the file (the reference puts it after).
  bool reverse_order = false;
};

Outcome UploadViaRest(int http_port, const std::string& token, const UploadRequest& upload,
                      hotel::whatsapp::v1::Media* out);
Outcome UploadViaGrpc(const std::string& address, const std::string& token,
                      const UploadRequest& upload, hotel::whatsapp::v1::Media* out);

struct Downloaded {
  std::string bytes;
  std::string content_type;
};

// REST: GET `media_url`; gRPC: DownloadMedia.
Outcome DownloadViaRest(int http_port, const std::string& token, const std::string& media_url,
                        Downloaded* out);
Outcome DownloadViaGrpc(const std::string& address, const std::string& token,
                        const std::string& media_id, Downloaded* out);

}  // namespace wa::testing
