#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "hotel/whatsapp/v1/media.pb.h"

namespace wa::gateway {

// The media upload form (multipart/form-data: a `media` file and a
// `media_type` field, in either order) as httplib hands it over, part by
// part, turned into the UploadMedia stream's messages. Kept apart from the
// gRPC call so that its rules are unit-tested and fuzzed without a server.
class UploadForm {
 public:
  // Writes one UploadMedia message; false once the call has ended.
  using Writer = std::function<bool(const hotel::whatsapp::v1::UploadMediaRequest&)>;
  // Called when the form is refused, so that the server drops what it has.
  using Canceller = std::function<void()>;

  UploadForm(Writer write, Canceller cancel)
      : write_(std::move(write)), cancel_(std::move(cancel)) {}

  // httplib's part-header and data callbacks. Both always return true: once
  // the call is refused the rest of the body is still read and dropped, so
  // the client, still sending, gets the answer and the connection stays usable.
  bool OnPart(absl::string_view name, absl::string_view filename);
  bool OnData(const char* data, size_t size);

  // After the whole form was read: writes what is left (the last chunk, and
  // the metadata if no file part carried it). True when every message was
  // written, so the call may end normally.
  bool Complete();

  // The server ended the call first (its status says why).
  bool rpc_ended() const { return rpc_ended_; }
  // Why the form was refused here; empty when it was not.
  const std::string& problem() const { return problem_; }

 private:
  bool ended() const { return rpc_ended_ || !problem_.empty(); }
  bool Refuse(std::string problem);
  bool Write(const hotel::whatsapp::v1::UploadMediaRequest& message);
  bool FlushChunk();
  bool SendMetadata();

  Writer write_;
  Canceller cancel_;
  std::string part_;
  std::string pending_;
  std::string type_text_;
  std::string filename_;
  std::string problem_;
  bool seen_file_ = false;
  bool metadata_sent_ = false;
  bool rpc_ended_ = false;
};

}  // namespace wa::gateway
