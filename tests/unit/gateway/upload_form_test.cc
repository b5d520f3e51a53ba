#include "gateway/adapters/upload_form.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::testing::HasSubstr;

// Records what the form writes; `writes_allowed` < 0 means no limit.
struct Call {
  std::vector<v1::UploadMediaRequest> messages;
  int writes_allowed = -1;
  bool cancelled = false;

  UploadForm Form() {
    return UploadForm(
        [this](const v1::UploadMediaRequest& m) {
          if (writes_allowed == 0) return false;
          if (writes_allowed > 0) --writes_allowed;
          messages.push_back(m);
          return true;
        },
        [this] { cancelled = true; });
  }
};

void Data(UploadForm& form, const std::string& bytes) {
  ASSERT_TRUE(form.OnData(bytes.data(), bytes.size()));
}

TEST(UploadFormTest, TypeBeforeFileSendsMetadataFirst) {
  Call call;
  UploadForm form = call.Form();
  form.OnPart("media_type", "");
  Data(form, "image");
  form.OnPart("media", "key.jpg");
  Data(form, "abc");
  Data(form, "def");
  ASSERT_TRUE(form.Complete());
  ASSERT_EQ(call.messages.size(), 2u);
  EXPECT_EQ(call.messages[0].metadata().media_type(), v1::MEDIA_TYPE_IMAGE);
  EXPECT_EQ(call.messages[0].metadata().filename(), "key.jpg");
  EXPECT_EQ(call.messages[1].chunk(), "abcdef");
}

TEST(UploadFormTest, TypeAfterFileSendsMetadataAtTheEnd) {
  Call call;
  UploadForm form = call.Form();
  form.OnPart("media", "a.pdf");
  Data(form, "%PDF");
  form.OnPart("media_type", "");
  Data(form, "DOCUMENT");
  ASSERT_TRUE(form.Complete());
  ASSERT_EQ(call.messages.size(), 2u);
  EXPECT_EQ(call.messages[0].chunk(), "%PDF");
  EXPECT_EQ(call.messages[1].metadata().media_type(), v1::MEDIA_TYPE_DOCUMENT);
}

TEST(UploadFormTest, LargeFilesGoInChunks) {
  Call call;
  UploadForm form = call.Form();
  form.OnPart("media", "v.mp4");
  Data(form, std::string(100 * 1024, 'x'));
  ASSERT_TRUE(form.Complete());
  ASSERT_EQ(call.messages.size(), 2u);  // the 100 KiB chunk, then the metadata
  EXPECT_EQ(call.messages[0].chunk().size(), 100u * 1024);
}

TEST(UploadFormTest, RefusesASecondFile) {
  Call call;
  UploadForm form = call.Form();
  form.OnPart("media", "a");
  EXPECT_TRUE(form.OnPart("media", "b"));  // the body is still drained
  EXPECT_FALSE(form.Complete());
  EXPECT_TRUE(call.cancelled);
  EXPECT_THAT(form.problem(), HasSubstr("more than one 'media' file"));
}

TEST(UploadFormTest, RefusesAnUnknownOrOverlongType) {
  Call call;
  UploadForm form = call.Form();
  form.OnPart("media_type", "");
  Data(form, "hologram");
  form.OnPart("media", "a");
  EXPECT_FALSE(form.Complete());
  EXPECT_THAT(form.problem(), HasSubstr("media_type: unknown value 'hologram'"));
  EXPECT_TRUE(call.messages.empty());

  Call second;
  UploadForm longer = second.Form();
  longer.OnPart("media_type", "");
  Data(longer, std::string(300, 'a'));
  EXPECT_FALSE(longer.Complete());
  EXPECT_EQ(longer.problem(), "media_type is too long");
}

TEST(UploadFormTest, StopsWritingOnceTheCallEnded) {
  Call call;
  call.writes_allowed = 0;
  UploadForm form = call.Form();
  form.OnPart("media", "a");
  Data(form, "x");
  EXPECT_FALSE(form.Complete());
  EXPECT_TRUE(form.rpc_ended());
  EXPECT_TRUE(form.problem().empty());
  EXPECT_FALSE(call.cancelled);
}

TEST(UploadFormTest, OtherFieldsAreIgnored) {
  Call call;
  UploadForm form = call.Form();
  form.OnPart("caption", "");
  Data(form, "hello");
  form.OnPart("media", "a");
  Data(form, "x");
  ASSERT_TRUE(form.Complete());
  ASSERT_EQ(call.messages.size(), 2u);
  EXPECT_EQ(call.messages[0].chunk(), "x");
  EXPECT_EQ(call.messages[1].metadata().media_type(), v1::MEDIA_TYPE_UNSPECIFIED);
}

}  // namespace
}  // namespace wa::gateway
