#include "server/domain/media_policy.h"

#include "gtest/gtest.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// The refusal's details.reason, "" when accepted.
std::string Reason(v1::MediaType type, const std::string& mime, uint64_t size,
                   bool animated = false) {
  absl::Status s = CheckUpload(type, mime, size, animated);
  if (s.ok()) return "";
  v1::ErrorDetail detail = DetailOf(s);
  EXPECT_EQ(detail.code(), "MEDIA_UPLOAD_FAILED") << s;
  return detail.details().fields().at("reason").string_value();
}

TEST(MediaPolicyTest, EachKindTakesWhatsAppsTypes) {
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/jpeg", 1000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/png", 1000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT, "application/pdf", 1000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT, "text/plain", 1000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT,
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 1000),
            "");
  for (const char* mime : {"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}) {
    EXPECT_EQ(Reason(v1::MEDIA_TYPE_AUDIO, mime, 1000), "") << mime;
  }
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_VIDEO, "video/mp4", 1000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_VIDEO, "video/3gpp", 1000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_STICKER, "image/webp", 1000), "");
}

TEST(MediaPolicyTest, RefusalReasons) {
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/png", 0), "empty");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/gif", 1000), "type_not_allowed");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT, "application/x-msdownload", 1000), "type_not_allowed");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "application/pdf", 1000), "type_mismatch");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/webp", 1000), "type_mismatch") << "a sticker";
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT, "image/png", 1000), "type_mismatch");
  absl::Status unspecified = CheckUpload(v1::MEDIA_TYPE_UNSPECIFIED, "image/png", 10, false);
  EXPECT_EQ(DetailOf(unspecified).code(), "INVALID_ARGUMENT");
}

TEST(MediaPolicyTest, SizeLimitsPerKind) {
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/png", 5'000'000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_IMAGE, "image/png", 5'000'001), "too_large");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT, "application/pdf", 100'000'000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_DOCUMENT, "application/pdf", 100'000'001), "too_large");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_AUDIO, "audio/mpeg", 16'000'001), "too_large");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_VIDEO, "video/mp4", 16'000'001), "too_large");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_STICKER, "image/webp", 100'000), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_STICKER, "image/webp", 100'001), "too_large");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_STICKER, "image/webp", 500'000, /*animated=*/true), "");
  EXPECT_EQ(Reason(v1::MEDIA_TYPE_STICKER, "image/webp", 500'001, /*animated=*/true), "too_large");
  EXPECT_EQ(MaxMediaBytes(), 100'000'000u);
  EXPECT_EQ(MaxMediaBytesFor(v1::MEDIA_TYPE_STICKER), 500'000u);
  v1::ErrorDetail detail =
      DetailOf(CheckUpload(v1::MEDIA_TYPE_IMAGE, "image/png", 6'000'000, false));
  EXPECT_EQ(detail.details().fields().at("max_bytes").number_value(), 5'000'000);
}

TEST(MediaPolicyTest, CanonicalNamesForLibmagicsAnswers) {
  EXPECT_EQ(CanonicalMimeType("audio/x-m4a", v1::MEDIA_TYPE_AUDIO, ""), "audio/mp4");
  EXPECT_EQ(CanonicalMimeType("audio/x-hx-aac-adts", v1::MEDIA_TYPE_AUDIO, ""), "audio/aac");
  EXPECT_EQ(CanonicalMimeType("video/mp4", v1::MEDIA_TYPE_AUDIO, ""), "audio/mp4");
  EXPECT_EQ(CanonicalMimeType("video/mp4", v1::MEDIA_TYPE_VIDEO, ""), "video/mp4");
  EXPECT_EQ(CanonicalMimeType("application/CDFV2", v1::MEDIA_TYPE_DOCUMENT, "rates.XLS"),
            "application/vnd.ms-excel");
  EXPECT_EQ(CanonicalMimeType("application/zip", v1::MEDIA_TYPE_DOCUMENT, "menu.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(CanonicalMimeType("application/zip", v1::MEDIA_TYPE_DOCUMENT, "menu.zip"),
            "application/zip");
  EXPECT_EQ(CanonicalMimeType("image/png", v1::MEDIA_TYPE_IMAGE, "x.jpg"), "image/png")
      << "the extension never overrides what the bytes are";
}

std::string RefusedField(v1::MediaType type, const std::string& caption,
                         const std::string& filename) {
  absl::Status s = CheckMediaSend(type, caption, filename);
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  return DetailOf(s).details().fields().at("field").string_value();
}

TEST(MediaPolicyTest, CaptionsAndFilenamesOnSends) {
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_IMAGE, std::string(1024, 'c'), ""), "");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_IMAGE, std::string(1025, 'c'), ""), "caption");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_VIDEO, "Pool tour", ""), "");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_DOCUMENT, "Guide", "guide.pdf"), "");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_AUDIO, "Hello", ""), "caption");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_STICKER, "Hello", ""), "caption");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_AUDIO, "", ""), "");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_IMAGE, "", "key.png"), "filename");
  EXPECT_EQ(RefusedField(v1::MEDIA_TYPE_UNSPECIFIED, "", ""), "media_type");
}

}  // namespace
}  // namespace wa::domain
