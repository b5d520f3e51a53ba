#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

struct magic_set;

namespace wa::storage {

// What a file's bytes are, whatever its name or the client claims.
struct SniffedType {
  std::string mime_type;  // libmagic's answer, e.g. "image/png"
  bool animated = false;  // an animated WebP (a sticker's limit depends on it)
};

// Detects a file's type from its content with libmagic. One libmagic handle
// is not thread-safe, so calls are serialized; uploads are rare enough.
class MimeSniffer {
 public:
  MimeSniffer() = default;
  ~MimeSniffer();
  MimeSniffer(const MimeSniffer&) = delete;
  MimeSniffer& operator=(const MimeSniffer&) = delete;

  absl::StatusOr<SniffedType> SniffFile(const std::string& path);

 private:
  absl::Mutex mu_;
  magic_set* magic_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// True for a WebP whose VP8X header has the animation flag.
bool IsAnimatedWebp(const std::string& first_bytes);

}  // namespace wa::storage
