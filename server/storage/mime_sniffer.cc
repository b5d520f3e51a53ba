#include "server/storage/mime_sniffer.h"

#include <magic.h>

#include <fstream>

#include "absl/strings/str_cat.h"

namespace wa::storage {

MimeSniffer::~MimeSniffer() {
  absl::MutexLock lock(&mu_);
  if (magic_ != nullptr) magic_close(magic_);
}

bool IsAnimatedWebp(const std::string& head) {
  // RIFF <size> WEBP VP8X <chunk size> <flags>: flag 0x02 is "animation".
  return head.size() >= 21 && head.compare(0, 4, "RIFF") == 0 && head.compare(8, 4, "WEBP") == 0 &&
         head.compare(12, 4, "VP8X") == 0 && (static_cast<unsigned char>(head[20]) & 0x02) != 0;
}

absl::StatusOr<SniffedType> MimeSniffer::SniffFile(const std::string& path) {
  SniffedType sniffed;
  {
    absl::MutexLock lock(&mu_);
    if (magic_ == nullptr) {
      magic_t handle = magic_open(MAGIC_MIME_TYPE);
      if (handle == nullptr) return absl::InternalError("libmagic: cannot open a handle");
      if (magic_load(handle, nullptr) != 0) {
        std::string error = magic_error(handle) ? magic_error(handle) : "unknown error";
        magic_close(handle);
        return absl::InternalError(absl::StrCat("libmagic: cannot load its database: ", error));
      }
      magic_ = handle;
    }
    const char* mime = magic_file(magic_, path.c_str());
    if (mime == nullptr) {
      const char* error = magic_error(magic_);
      return absl::InternalError(
          absl::StrCat("libmagic cannot read ", path, ": ", error ? error : "unknown error"));
    }
    sniffed.mime_type = mime;
  }
  if (sniffed.mime_type == "image/webp") {
    std::ifstream in(path, std::ios::binary);
    std::string head(32, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    sniffed.animated = IsAnimatedWebp(head);
  }
  return sniffed;
}

}  // namespace wa::storage
