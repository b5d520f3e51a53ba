#include "server/domain/media_service.h"

#include <filesystem>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/ids.h"
#include "server/storage/mime_sniffer.h"
#include "tests/common/media_samples.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
namespace fs = std::filesystem;

class MediaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(store_.Init().ok()); }

  absl::StatusOr<storage::MediaRecord> Upload(
      const std::string& bytes, v1::MediaType type, const std::string& filename = "file",
      bool metadata_last = false, const Caller& caller = Caller{"tok", v1::ROLE_STAFF, "p1"}) {
    absl::StatusOr<std::unique_ptr<MediaUpload>> upload = media_.StartUpload(caller);
    if (!upload.ok()) return upload.status();
    if (!metadata_last) {
      if (absl::Status s = (*upload)->Declare(type, filename); !s.ok()) return s;
    }
    for (size_t at = 0; at < bytes.size(); at += 4096) {
      if (absl::Status s = (*upload)->Append(absl::string_view(bytes).substr(at, 4096)); !s.ok()) {
        return s;
      }
    }
    if (metadata_last) {
      if (absl::Status s = (*upload)->Declare(type, filename); !s.ok()) return s;
    }
    return (*upload)->Finish();
  }

  // Every regular file under the media folder, temporary ones included.
  int FilesOnDisk() {
    int n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(t_.dir() / "media")) {
      if (entry.is_regular_file()) ++n;
    }
    return n;
  }

  std::string Reason(const absl::Status& s) {
    v1::ErrorDetail detail = DetailOf(s);
    EXPECT_EQ(detail.code(), "MEDIA_UPLOAD_FAILED") << s;
    auto it = detail.details().fields().find("reason");
    return it == detail.details().fields().end() ? "" : it->second.string_value();
  }

  testing::TestDb t_;
  storage::MediaStore store_{(t_.dir() / "media").string()};
  storage::MimeSniffer sniffer_;
  MediaService media_{t_.db(), store_, sniffer_};
};

TEST_F(MediaServiceTest, StoresByContentAndDetectsTheType) {
  const std::string png = testing::PngBytes(4, 4);
  absl::StatusOr<storage::MediaRecord> stored =
      Upload(png, v1::MEDIA_TYPE_IMAGE, "../../room_key_info.png");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->mime_type, "image/png");
  EXPECT_EQ(stored->size_bytes, static_cast<int64_t>(png.size()));
  EXPECT_EQ(stored->sha256, Sha256Hex(png));
  EXPECT_EQ(stored->filename, "room_key_info.png") << "only the name, never a path";
  EXPECT_TRUE(fs::exists(store_.PathFor(stored->sha256)));
  EXPECT_EQ(FilesOnDisk(), 1);

  absl::StatusOr<storage::MediaRecord> got = media_.Get("p1", stored->media_id);
  ASSERT_TRUE(got.ok());
  auto reader = media_.Open(*got);
  ASSERT_TRUE(reader.ok());
  std::string back, chunk;
  do {
    ASSERT_TRUE((*reader)->Read(100, &chunk).ok());
    back += chunk;
  } while (!chunk.empty());
  EXPECT_EQ(back, png);
}

TEST_F(MediaServiceTest, TheSameBytesAreStoredOnce) {
  const std::string pdf = testing::PdfBytes();
  auto first = Upload(pdf, v1::MEDIA_TYPE_DOCUMENT, "a.pdf");
  auto second = Upload(pdf, v1::MEDIA_TYPE_DOCUMENT, "b.pdf", /*metadata_last=*/true);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->media_id, second->media_id);
  EXPECT_EQ(FilesOnDisk(), 1);
  // Another property gets its own record of the same file.
  auto other =
      Upload(pdf, v1::MEDIA_TYPE_DOCUMENT, "a.pdf", false, Caller{"t", v1::ROLE_STAFF, "p2"});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->media_id, first->media_id);
  EXPECT_EQ(FilesOnDisk(), 1);
  EXPECT_EQ(media_.Get("p1", other->media_id).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(MediaServiceTest, RefusalsLeaveNothingBehind) {
  EXPECT_EQ(Reason(Upload("", v1::MEDIA_TYPE_IMAGE).status()), "empty");
  EXPECT_EQ(Reason(Upload(testing::PdfBytes(), v1::MEDIA_TYPE_IMAGE).status()), "type_mismatch");
  EXPECT_EQ(Reason(Upload(testing::GifBytes(), v1::MEDIA_TYPE_IMAGE).status()), "type_not_allowed");
  EXPECT_EQ(Reason(Upload(testing::WebpBytes(150'000, false), v1::MEDIA_TYPE_STICKER).status()),
            "too_large");
  EXPECT_TRUE(Upload(testing::WebpBytes(150'000, true), v1::MEDIA_TYPE_STICKER).ok())
      << "animated stickers may be 500 KB";
  // Declared first: refused as soon as the bytes pass the limit.
  const std::string big = testing::PngBytes(1300, 1300);  // ~5.07 MB
  EXPECT_EQ(Reason(Upload(big, v1::MEDIA_TYPE_IMAGE).status()), "too_large");
  EXPECT_EQ(Reason(Upload(big, v1::MEDIA_TYPE_IMAGE, "x", /*metadata_last=*/true).status()),
            "too_large");
  absl::Status undeclared = Upload(testing::PngBytes(), v1::MEDIA_TYPE_UNSPECIFIED).status();
  EXPECT_EQ(DetailOf(undeclared).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(FilesOnDisk(), 1) << "only the accepted animated sticker";
}

TEST_F(MediaServiceTest, AnAbandonedUploadLeavesNothing) {
  {
    auto upload = media_.StartUpload(Caller{"t", v1::ROLE_STAFF, "p1"});
    ASSERT_TRUE(upload.ok());
    ASSERT_TRUE((*upload)->Append(testing::PngBytes()).ok());
    EXPECT_EQ(FilesOnDisk(), 1);
  }
  EXPECT_EQ(FilesOnDisk(), 0);
}

TEST_F(MediaServiceTest, TheProvidersCopyIsReusedFor29Days) {
  auto stored = Upload(testing::PngBytes(), v1::MEDIA_TYPE_IMAGE);
  ASSERT_TRUE(stored.ok());
  int uploads = 0;
  std::string uploaded_path;
  MediaService::ProviderUpload upload = [&](const std::string& path, const std::string& mime) {
    ++uploads;
    uploaded_path = path;
    EXPECT_EQ(mime, "image/png");
    return absl::StatusOr<std::string>("meta-" + std::to_string(uploads));
  };
  EXPECT_EQ(*media_.ProviderMediaId("p1", stored->media_id, "cloud", upload), "meta-1");
  EXPECT_EQ(uploaded_path, store_.PathFor(stored->sha256));
  EXPECT_EQ(*media_.ProviderMediaId("p1", stored->media_id, "cloud", upload), "meta-1");
  EXPECT_EQ(uploads, 1);
  // Another provider has no copy yet.
  EXPECT_EQ(*media_.ProviderMediaId("p1", stored->media_id, "sandbox", upload), "meta-2");
  // An old copy is uploaded again.
  storage::MediaRepository repo(t_.db());
  ASSERT_TRUE(t_.db()
                  .Transaction([&] {
                    return repo.SetProviderMediaId(stored->media_id, "cloud", "meta-old",
                                                   absl::Now() - absl::Hours(24 * 29 + 1));
                  })
                  .ok());
  EXPECT_EQ(*media_.ProviderMediaId("p1", stored->media_id, "cloud", upload), "meta-3");
  // A failed upload is the caller's to retry; nothing is cached.
  MediaService::ProviderUpload failing = [](const std::string&, const std::string&) {
    return absl::StatusOr<std::string>(absl::UnavailableError("Graph API down"));
  };
  EXPECT_EQ(media_.ProviderMediaId("p1", stored->media_id, "other", failing).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(media_.ProviderMediaId("p2", stored->media_id, "cloud", upload).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MediaServiceTest, StartUpRemovesTemporaryFilesOfACrash) {
  auto writer = store_.NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("partial").ok());
  std::string path = (*writer)->temp_path();
  storage::MediaStore restarted((t_.dir() / "media").string());
  ASSERT_TRUE(restarted.Init().ok());
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace wa::domain
