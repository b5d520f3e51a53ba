#include "server/domain/media_policy.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/domain/errors.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr uint64_t kKB = 1000;
constexpr uint64_t kMB = 1000 * 1000;

const std::vector<MediaKindRule>& Rules() {
  static const auto* rules = new std::vector<MediaKindRule>{
      {v1::MEDIA_TYPE_IMAGE, "image", {"image/jpeg", "image/png"}, 5 * kMB, 5 * kMB},
      {v1::MEDIA_TYPE_DOCUMENT,
       "document",
       {"text/plain", "application/pdf", "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
       100 * kMB,
       100 * kMB},
      {v1::MEDIA_TYPE_AUDIO,
       "audio",
       {"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"},
       16 * kMB,
       16 * kMB},
      {v1::MEDIA_TYPE_VIDEO, "video", {"video/mp4", "video/3gpp"}, 16 * kMB, 16 * kMB},
      {v1::MEDIA_TYPE_STICKER, "sticker", {"image/webp"}, 100 * kKB, 500 * kKB},
  };
  return *rules;
}

std::string Extension(const std::string& filename) {
  size_t dot = filename.rfind('.');
  return dot == std::string::npos ? "" : absl::AsciiStrToLower(filename.substr(dot + 1));
}

// The kinds whose lists hold `mime`, by name.
std::vector<std::string> KindsAccepting(const std::string& mime) {
  std::vector<std::string> kinds;
  for (const MediaKindRule& rule : Rules()) {
    if (std::find(rule.mime_types.begin(), rule.mime_types.end(), mime) != rule.mime_types.end()) {
      kinds.push_back(rule.name);
    }
  }
  return kinds;
}

}  // namespace

const MediaKindRule* RuleFor(v1::MediaType type) {
  for (const MediaKindRule& rule : Rules()) {
    if (rule.media_type == type) return &rule;
  }
  return nullptr;
}

std::string MediaKindName(v1::MediaType type) {
  const MediaKindRule* rule = RuleFor(type);
  return rule == nullptr ? "" : rule->name;
}

uint64_t MaxMediaBytes() {
  uint64_t max = 0;
  for (const MediaKindRule& rule : Rules())
    max = std::max({max, rule.max_bytes, rule.max_bytes_animated});
  return max;
}

uint64_t MaxMediaBytesFor(v1::MediaType type) {
  const MediaKindRule* rule = RuleFor(type);
  return rule == nullptr ? MaxMediaBytes() : std::max(rule->max_bytes, rule->max_bytes_animated);
}

std::string CanonicalMimeType(const std::string& detected, v1::MediaType declared,
                              const std::string& filename) {
  if (detected == "audio/x-m4a" || detected == "audio/x-mp4") return "audio/mp4";
  if (detected == "audio/x-hx-aac-adts" || detected == "audio/x-aac") return "audio/aac";
  if (detected == "audio/x-amr") return "audio/amr";
  if (detected == "video/3gpp2") return "video/3gpp";
  // An audio-only MP4 often looks like a video container to libmagic.
  if (detected == "video/mp4" && declared == v1::MEDIA_TYPE_AUDIO) return "audio/mp4";
  // Office files libmagic knows only as their container (OLE2 or ZIP).
  const std::string ext = Extension(filename);
  if (detected == "application/CDFV2" || detected == "application/x-ole-storage") {
    if (ext == "doc") return "application/msword";
    if (ext == "xls") return "application/vnd.ms-excel";
    if (ext == "ppt") return "application/vnd.ms-powerpoint";
  }
  if (detected == "application/zip") {
    if (ext == "docx") {
      return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    }
    if (ext == "xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (ext == "pptx") {
      return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    }
  }
  return detected;
}

absl::Status UploadFailed(const std::string& reason, const std::string& message) {
  return Error(absl::StatusCode::kInvalidArgument, "MEDIA_UPLOAD_FAILED", message)
      .Detail("reason", reason)
      .Recovery({"Check the file against WhatsApp's supported media types and sizes",
                 "Declare the media_type that matches the file"});
}

absl::Status UploadTooLarge(v1::MediaType declared, uint64_t size_bytes, uint64_t max_bytes) {
  std::string kind = MediaKindName(declared);
  return Error(absl::StatusCode::kInvalidArgument, "MEDIA_UPLOAD_FAILED",
               absl::StrCat("file too large: ", kind.empty() ? "media" : kind,
                            " files may be at most ", max_bytes, " bytes"))
      .Detail("reason", "too_large")
      .Detail("size_bytes", static_cast<double>(size_bytes))
      .Detail("max_bytes", static_cast<double>(max_bytes))
      .Detail("media_type", kind)
      .Recovery({"Compress or shorten the file", "Send a link to the file instead"});
}

absl::Status CheckUpload(v1::MediaType declared, const std::string& mime_type, uint64_t size_bytes,
                         bool animated) {
  const MediaKindRule* rule = RuleFor(declared);
  if (rule == nullptr) {
    return InvalidArgument("media_type is required: image, document, audio, video or sticker",
                           "media_type");
  }
  if (size_bytes == 0) return UploadFailed("empty", "the file is empty");
  const std::vector<std::string>& allowed = rule->mime_types;
  if (std::find(allowed.begin(), allowed.end(), mime_type) == allowed.end()) {
    std::vector<std::string> kinds = KindsAccepting(mime_type);
    const bool mismatch = !kinds.empty();
    return Error(absl::StatusCode::kInvalidArgument, "MEDIA_UPLOAD_FAILED",
                 mismatch ? absl::StrCat("type does not match: the file is ", mime_type,
                                         ", which WhatsApp takes as ", absl::StrJoin(kinds, " or "),
                                         ", not as ", rule->name)
                          : absl::StrCat("type not allowed: WhatsApp does not take ", mime_type,
                                         " files as ", rule->name))
        .Detail("reason", mismatch ? "type_mismatch" : "type_not_allowed")
        .Detail("detected_mime_type", mime_type)
        .Detail("media_type", rule->name)
        .Detail("allowed_mime_types", allowed)
        .Recovery({"Declare the media_type that matches the file",
                   "Convert the file to a type WhatsApp supports"});
  }
  const uint64_t max = animated ? rule->max_bytes_animated : rule->max_bytes;
  if (size_bytes > max) return UploadTooLarge(declared, size_bytes, max);
  return absl::OkStatus();
}

absl::Status CheckMediaSend(v1::MediaType type, const std::string& caption,
                            const std::string& filename) {
  const MediaKindRule* rule = RuleFor(type);
  if (rule == nullptr) {
    return InvalidArgument("media_type is required: image, document, audio, video or sticker",
                           "media_type");
  }
  if (!caption.empty()) {
    if (type == v1::MEDIA_TYPE_AUDIO || type == v1::MEDIA_TYPE_STICKER) {
      return InvalidArgument(absl::StrCat("caption is not allowed on ", rule->name, " messages"),
                             "caption");
    }
    if (size_t length = Utf8Length(caption); length > kMaxCaptionLength) {
      return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                   "caption is longer than WhatsApp's 1024 characters")
          .Detail("field", "caption")
          .Detail("length", static_cast<double>(length))
          .Detail("max_length", static_cast<double>(kMaxCaptionLength));
    }
  }
  if (!filename.empty() && type != v1::MEDIA_TYPE_DOCUMENT) {
    return InvalidArgument("filename is only for documents", "filename");
  }
  if (filename.size() > 240) return InvalidArgument("filename is too long", "filename");
  return absl::OkStatus();
}

namespace {

constexpr std::pair<v1::MediaType, v1::MessageType> kMediaMessageTypes[] = {
    {v1::MEDIA_TYPE_IMAGE, v1::MESSAGE_TYPE_IMAGE},
    {v1::MEDIA_TYPE_DOCUMENT, v1::MESSAGE_TYPE_DOCUMENT},
    {v1::MEDIA_TYPE_AUDIO, v1::MESSAGE_TYPE_AUDIO},
    {v1::MEDIA_TYPE_VIDEO, v1::MESSAGE_TYPE_VIDEO},
    {v1::MEDIA_TYPE_STICKER, v1::MESSAGE_TYPE_STICKER},
};

}  // namespace

v1::MessageType MessageTypeFor(v1::MediaType type) {
  for (const auto& [media, message] : kMediaMessageTypes) {
    if (media == type) return message;
  }
  return v1::MESSAGE_TYPE_UNSPECIFIED;
}

v1::MediaType MediaTypeFor(v1::MessageType type) {
  for (const auto& [media, message] : kMediaMessageTypes) {
    if (message == type) return media;
  }
  return v1::MEDIA_TYPE_UNSPECIFIED;
}

}  // namespace wa::domain
