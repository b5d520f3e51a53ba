// MessagingService's interactive and media sends.
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/inbound_service.h"
#include "server/domain/media_service.h"
#include "server/domain/messaging_service.h"
#include "server/domain/outbound_content.h"
#include "tests/common/media_samples.h"
#include "tests/unit/server/counting_waker.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class RichMessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    messaging_.set_send_queue(&send_queue_);
    ASSERT_TRUE(store_.Init().ok());
    InboundMessage in;
    in.guest_phone = kGuest;
    in.whatsapp_message_id = "wamid.in.1";
    in.body = "hello";
    in.at = absl::Now() - absl::Hours(1);
    ASSERT_TRUE(inbound_.Record("p1", in).ok());
  }

  std::string UploadAs(const std::string& bytes, v1::MediaType type, const std::string& name) {
    auto upload = media_.StartUpload(staff_);
    EXPECT_TRUE(upload.ok());
    EXPECT_TRUE((*upload)->Declare(type, name).ok());
    EXPECT_TRUE((*upload)->Append(bytes).ok());
    auto stored = (*upload)->Finish();
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? stored->media_id : "";
  }

  OutboundRequest To(const std::string& phone) {
    OutboundRequest r;
    r.guest_phone = phone;
    r.staff_member_id = "staff_456";
    return r;
  }

  static v1::InteractiveContent Buttons() {
    v1::InteractiveContent c;
    c.set_text("How would you like to extend your stay?");
    v1::InteractiveButton* b = c.add_buttons();
    b->set_id("extend_1_night");
    b->set_title("1 More Night");
    return c;
  }

  static constexpr char kGuest[] = "+1234567890";
  testing::TestDb t_;
  storage::MediaStore store_{(t_.dir() / "media").string()};
  storage::MimeSniffer sniffer_;
  MediaService media_{t_.db(), store_, sniffer_};
  testing::CountingWaker<SendQueueWaker> send_queue_;
  MessagingService messaging_{t_.db()};
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  Caller staff_{"tok_1", v1::ROLE_STAFF, "p1"};
};

TEST_F(RichMessagesTest, QueuesAnInteractiveMessageWithItsContent) {
  auto sent =
      messaging_.SendInteractive(staff_, To(kGuest), v1::INTERACTIVE_TYPE_BUTTONS, Buttons());
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->message_type, v1::MESSAGE_TYPE_INTERACTIVE);
  EXPECT_EQ(sent->body, "How would you like to extend your stay?");
  EXPECT_EQ(sent->status, v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(send_queue_.wakes, 1);
  auto content = DecodeContent(sent->payload);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->interactive().type(), v1::INTERACTIVE_TYPE_BUTTONS);
  EXPECT_EQ(content->interactive().content().buttons(0).id(), "extend_1_night");
}

TEST_F(RichMessagesTest, InteractiveRefusals) {
  v1::InteractiveContent bad = Buttons();
  bad.mutable_buttons(0)->set_title(std::string(21, 'x'));
  auto refused = messaging_.SendInteractive(staff_, To(kGuest), v1::INTERACTIVE_TYPE_BUTTONS, bad);
  EXPECT_EQ(DetailOf(refused.status()).details().fields().at("field").string_value(),
            "content.buttons[0].title");
  // The window and the number apply as for text.
  auto closed = messaging_.SendInteractive(staff_, To("+1999888777"), v1::INTERACTIVE_TYPE_BUTTONS,
                                           Buttons());
  EXPECT_EQ(DetailOf(closed.status()).code(), "MESSAGE_WINDOW_EXPIRED");
  auto bad_phone =
      messaging_.SendInteractive(staff_, To("12"), v1::INTERACTIVE_TYPE_BUTTONS, Buttons());
  EXPECT_EQ(DetailOf(bad_phone.status()).code(), "INVALID_PHONE_NUMBER");
  EXPECT_EQ(send_queue_.wakes, 0);
}

TEST_F(RichMessagesTest, QueuesAMediaMessageReferringToTheUpload) {
  std::string id = UploadAs(testing::PdfBytes(), v1::MEDIA_TYPE_DOCUMENT, "guide.pdf");
  auto sent = messaging_.SendMedia(staff_, To(kGuest),
                                   MediaSend{id, v1::MEDIA_TYPE_DOCUMENT, "Complete guide", ""});
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->message_type, v1::MESSAGE_TYPE_DOCUMENT);
  EXPECT_EQ(sent->body, "Complete guide");
  auto content = DecodeContent(sent->payload);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->media().stored_media_id(), id);
  EXPECT_EQ(content->media().media_id(), "") << "the send queue fills in the provider's id";
  EXPECT_EQ(content->media().filename(), "guide.pdf") << "the uploaded name by default";
  EXPECT_EQ(content->media().caption(), "Complete guide");

  auto named = messaging_.SendMedia(
      staff_, To(kGuest), MediaSend{id, v1::MEDIA_TYPE_DOCUMENT, "", "hotel_amenities_guide.pdf"});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(DecodeContent(named->payload)->media().filename(), "hotel_amenities_guide.pdf");
}

TEST_F(RichMessagesTest, MediaRefusals) {
  std::string image = UploadAs(testing::PngBytes(), v1::MEDIA_TYPE_IMAGE, "key.png");
  auto unknown =
      messaging_.SendMedia(staff_, To(kGuest), MediaSend{"med_nope", v1::MEDIA_TYPE_IMAGE, "", ""});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(DetailOf(unknown.status()).code(), "MEDIA_NOT_FOUND");
  Caller other{"tok_2", v1::ROLE_STAFF, "p2"};
  EXPECT_EQ(messaging_.SendMedia(other, To(kGuest), MediaSend{image, v1::MEDIA_TYPE_IMAGE, "", ""})
                .status()
                .code(),
            absl::StatusCode::kNotFound)
      << "another property's media does not exist for this one";
  auto mismatch =
      messaging_.SendMedia(staff_, To(kGuest), MediaSend{image, v1::MEDIA_TYPE_DOCUMENT, "", ""});
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DetailOf(mismatch.status()).details().fields().at("field").string_value(),
            "media_type");
  auto long_caption = messaging_.SendMedia(
      staff_, To(kGuest), MediaSend{image, v1::MEDIA_TYPE_IMAGE, std::string(1025, 'c'), ""});
  EXPECT_EQ(DetailOf(long_caption.status()).details().fields().at("field").string_value(),
            "caption");
  auto no_id =
      messaging_.SendMedia(staff_, To(kGuest), MediaSend{"", v1::MEDIA_TYPE_IMAGE, "", ""});
  EXPECT_EQ(DetailOf(no_id.status()).details().fields().at("field").string_value(), "media_id");
  auto closed = messaging_.SendMedia(staff_, To("+1999888777"),
                                     MediaSend{image, v1::MEDIA_TYPE_IMAGE, "", ""});
  EXPECT_EQ(DetailOf(closed.status()).code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(send_queue_.wakes, 0);
}

}  // namespace
}  // namespace wa::domain
