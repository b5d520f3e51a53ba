#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::domain {

// WhatsApp's media rules (Meta's supported media types and sizes): which MIME types
// each kind accepts and how large a file may be. Sizes are decimal (5 MB =
// 5,000,000 bytes), the stricter reading, so Meta never refuses what we
// accepted.
struct MediaKindRule {
  hotel::whatsapp::v1::MediaType media_type;
  const char* name;  // "image", as REST spells it
  std::vector<std::string> mime_types;
  uint64_t max_bytes;
  uint64_t max_bytes_animated;  // stickers only; else max_bytes
};

const MediaKindRule* RuleFor(hotel::whatsapp::v1::MediaType type);
// "image", "document", ...; "" for an unknown kind.
std::string MediaKindName(hotel::whatsapp::v1::MediaType type);

// The message type a media kind travels as, and back (UNSPECIFIED for
// what is not media).
hotel::whatsapp::v1::MessageType MessageTypeFor(hotel::whatsapp::v1::MediaType type);
hotel::whatsapp::v1::MediaType MediaTypeFor(hotel::whatsapp::v1::MessageType type);
// The largest file any kind accepts (a document's 100 MB).
uint64_t MaxMediaBytes();
// The largest file `type` accepts (an animated sticker's limit for stickers).
uint64_t MaxMediaBytesFor(hotel::whatsapp::v1::MediaType type);

// libmagic's name for a type, in WhatsApp's vocabulary: "audio/x-m4a" is
// "audio/mp4", an AAC stream "audio/aac", and an Office file libmagic only
// knows as a container is named by the filename's extension.
std::string CanonicalMimeType(const std::string& detected, hotel::whatsapp::v1::MediaType declared,
                              const std::string& filename);

// Checks an uploaded file against the kind the client declared. Refusals
// are MEDIA_UPLOAD_FAILED (HTTP 422) with details.reason one of "empty",
// "too_large", "type_not_allowed", "type_mismatch".
absl::Status CheckUpload(hotel::whatsapp::v1::MediaType declared, const std::string& mime_type,
                         uint64_t size_bytes, bool animated);
// The refusal of a file already known to be larger than `max_bytes`.
absl::Status UploadTooLarge(hotel::whatsapp::v1::MediaType declared, uint64_t size_bytes,
                            uint64_t max_bytes);
absl::Status UploadFailed(const std::string& reason, const std::string& message);

// Checks a media send's own fields: caption (<= 1024 characters, not for
// audio or stickers) and filename (documents only).
absl::Status CheckMediaSend(hotel::whatsapp::v1::MediaType type, const std::string& caption,
                            const std::string& filename);

inline constexpr size_t kMaxCaptionLength = 1024;

}  // namespace wa::domain
