#include "server/provider/meta_payloads.h"

#include <gtest/gtest.h>

namespace wa::provider {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using nlohmann::json;

OutboundMessage Message() {
  OutboundMessage message;
  message.message_id = "msg_123";
  message.property_id = "prop_1";
  message.guest_phone = "+447700900123";
  return message;
}

json Envelope(const std::string& type, json body) {
  return json{{"messaging_product", "whatsapp"},
              {"recipient_type", "individual"},
              {"to", "447700900123"},
              {"type", type},
              {type, std::move(body)},
              {"biz_opaque_callback_data", "msg_123"}};
}

json Build(const OutboundMessage& message) {
  absl::StatusOr<json> payload = BuildMessagePayload(message);
  EXPECT_TRUE(payload.ok()) << payload.status();
  return payload.ok() ? *payload : json();
}

TEST(MetaPayloadsTest, Text) {
  OutboundMessage message = Message();
  message.content.mutable_text()->set_text("Your room is ready.");
  EXPECT_EQ(Build(message),
            Envelope("text", {{"body", "Your room is ready."}, {"preview_url", false}}));
}

TEST(MetaPayloadsTest, TextWithPreviewAndReplyContext) {
  OutboundMessage message = Message();
  message.content.mutable_text()->set_text("See https://example.com/spa");
  message.content.mutable_text()->set_preview_url(true);
  message.reply_to_message_id = "wamid.ABC";
  json expected =
      Envelope("text", {{"body", "See https://example.com/spa"}, {"preview_url", true}});
  expected["context"] = {{"message_id", "wamid.ABC"}};
  EXPECT_EQ(Build(message), expected);
}

TEST(MetaPayloadsTest, PhoneWithoutPlusIsKept) {
  OutboundMessage message = Message();
  message.guest_phone = "447700900123";
  message.content.mutable_text()->set_text("x");
  EXPECT_EQ(Build(message)["to"], "447700900123");
}

TEST(MetaPayloadsTest, NoCallbackDataWithoutMessageId) {
  OutboundMessage message = Message();
  message.message_id.clear();
  message.content.mutable_text()->set_text("x");
  EXPECT_FALSE(Build(message).contains("biz_opaque_callback_data"));
}

TEST(MetaPayloadsTest, ImageByIdWithCaptionAndReply) {
  // Meta's documented image-by-id example.
  OutboundMessage message = Message();
  v1::MediaContent* media = message.content.mutable_media();
  media->set_media_type(v1::MEDIA_TYPE_IMAGE);
  media->set_media_id("1357924680135792");
  media->set_caption("Here is the map to the pool (level -1).");
  media->set_filename("ignored.jpg");
  message.reply_to_message_id = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMTExMjIyMzMzNDQ0NTU1NjYA";
  json expected = json::parse(R"({
    "messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"image",
    "image":{"id":"1357924680135792","caption":"Here is the map to the pool (level -1)."},
    "context":{"message_id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMTExMjIyMzMzNDQ0NTU1NjYA"},
    "biz_opaque_callback_data":"msg_123"})");
  EXPECT_EQ(Build(message), expected);
}

TEST(MetaPayloadsTest, DocumentByLinkWithFilenameAndCaption) {
  OutboundMessage message = Message();
  v1::MediaContent* media = message.content.mutable_media();
  media->set_media_type(v1::MEDIA_TYPE_DOCUMENT);
  media->set_link("https://hotel.example/invoice.pdf");
  media->set_caption("Your invoice");
  media->set_filename("invoice.pdf");
  EXPECT_EQ(Build(message), Envelope("document", {{"link", "https://hotel.example/invoice.pdf"},
                                                  {"caption", "Your invoice"},
                                                  {"filename", "invoice.pdf"}}));
}

TEST(MetaPayloadsTest, VideoCaptionKeptFilenameDropped) {
  OutboundMessage message = Message();
  v1::MediaContent* media = message.content.mutable_media();
  media->set_media_type(v1::MEDIA_TYPE_VIDEO);
  media->set_media_id("v1");
  media->set_caption("Tour");
  media->set_filename("tour.mp4");
  EXPECT_EQ(Build(message), Envelope("video", {{"id", "v1"}, {"caption", "Tour"}}));
}

TEST(MetaPayloadsTest, AudioAndStickerCarryNoCaptionOrFilename) {
  for (auto [type, key] :
       {std::pair{v1::MEDIA_TYPE_AUDIO, "audio"}, std::pair{v1::MEDIA_TYPE_STICKER, "sticker"}}) {
    OutboundMessage message = Message();
    v1::MediaContent* media = message.content.mutable_media();
    media->set_media_type(type);
    media->set_media_id("m1");
    media->set_caption("dropped");
    media->set_filename("dropped.bin");
    EXPECT_EQ(Build(message), Envelope(key, {{"id", "m1"}})) << key;
  }
}

TEST(MetaPayloadsTest, MediaIdWinsOverLink) {
  OutboundMessage message = Message();
  v1::MediaContent* media = message.content.mutable_media();
  media->set_media_type(v1::MEDIA_TYPE_IMAGE);
  media->set_media_id("m1");
  media->set_link("https://example.com/a.jpg");
  EXPECT_EQ(Build(message), Envelope("image", {{"id", "m1"}}));
}

TEST(MetaPayloadsTest, NamedTemplateWithImageHeaderAndButtons) {
  // Meta's documented template example, without the currency/date_time parameters our
  // content model does not carry.
  OutboundMessage message = Message();
  v1::TemplateContent* tmpl = message.content.mutable_template_();
  tmpl->set_name("checkin_ready");
  tmpl->set_language("en_GB");
  tmpl->set_named_parameters(true);
  tmpl->mutable_header_media()->set_media_type(v1::MEDIA_TYPE_IMAGE);
  tmpl->mutable_header_media()->set_media_id("987654321098765");
  v1::TemplateParameterValue* p = tmpl->add_body_parameters();
  p->set_name("guest_name");
  p->set_text("Maria");
  p = tmpl->add_body_parameters();
  p->set_name("{{room_number}}");  // braces are stripped
  p->set_text("412");
  v1::TemplateButtonParameter* b = tmpl->add_buttons();
  b->set_sub_type("url");
  b->set_index(0);
  b->set_text("R7F3K9");
  b = tmpl->add_buttons();
  b->set_sub_type("QUICK_REPLY");
  b->set_index(1);
  b->set_payload("LATE_ARRIVAL:R7F3K9");
  json expected = json::parse(R"({
   "name":"checkin_ready","language":{"code":"en_GB"},"components":[
    {"type":"header","parameters":[{"type":"image","image":{"id":"987654321098765"}}]},
    {"type":"body","parameters":[
      {"type":"text","parameter_name":"guest_name","text":"Maria"},
      {"type":"text","parameter_name":"room_number","text":"412"}]},
    {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"R7F3K9"}]},
    {"type":"button","sub_type":"quick_reply","index":"1",
     "parameters":[{"type":"payload","payload":"LATE_ARRIVAL:R7F3K9"}]}]})");
  EXPECT_EQ(Build(message), Envelope("template", expected));
}

TEST(MetaPayloadsTest, PositionalTemplateWithTextHeader) {
  OutboundMessage message = Message();
  v1::TemplateContent* tmpl = message.content.mutable_template_();
  tmpl->set_name("booking_confirmed");
  tmpl->set_language("en_US");
  // Names present but ignored: the template is positional.
  v1::TemplateParameterValue* p = tmpl->add_header_parameters();
  p->set_name("1");
  p->set_text("Grand Harbour");
  tmpl->add_body_parameters()->set_text("Maria");
  tmpl->add_body_parameters()->set_text("3 January");
  json expected = json::parse(R"({
   "name":"booking_confirmed","language":{"code":"en_US"},"components":[
    {"type":"header","parameters":[{"type":"text","text":"Grand Harbour"}]},
    {"type":"body","parameters":[{"type":"text","text":"Maria"},{"type":"text","text":"3 January"}]}]})");
  EXPECT_EQ(Build(message), Envelope("template", expected));
}

TEST(MetaPayloadsTest, DocumentHeaderByLinkWithFilename) {
  OutboundMessage message = Message();
  v1::TemplateContent* tmpl = message.content.mutable_template_();
  tmpl->set_name("invoice");
  tmpl->set_language("de");
  tmpl->mutable_header_media()->set_media_type(v1::MEDIA_TYPE_DOCUMENT);
  tmpl->mutable_header_media()->set_link("https://hotel.example/i.pdf");
  tmpl->mutable_header_media()->set_filename("Rechnung.pdf");
  json expected = json::parse(R"({
   "name":"invoice","language":{"code":"de"},"components":[
    {"type":"header","parameters":[{"type":"document",
      "document":{"link":"https://hotel.example/i.pdf","filename":"Rechnung.pdf"}}]}]})");
  EXPECT_EQ(Build(message), Envelope("template", expected));
}

TEST(MetaPayloadsTest, TemplateWithoutParametersHasNoComponents) {
  OutboundMessage message = Message();
  v1::TemplateContent* tmpl = message.content.mutable_template_();
  tmpl->set_name("hello_world");
  tmpl->set_language("en_US");
  tmpl->mutable_header_media();  // present but unspecified: no header
  EXPECT_EQ(Build(message),
            Envelope("template", {{"name", "hello_world"}, {"language", {{"code", "en_US"}}}}));
}

TEST(MetaPayloadsTest, InteractiveButtonsWithHeaderAndFooter) {
  OutboundMessage message = Message();
  v1::InteractiveMessage* interactive = message.content.mutable_interactive();
  interactive->set_type(v1::INTERACTIVE_TYPE_BUTTONS);
  v1::InteractiveContent* content = interactive->mutable_content();
  content->set_header("Late checkout");
  content->set_text("Would you like a late checkout?");
  content->set_footer("Grand Harbour Hotel");
  v1::InteractiveButton* button = content->add_buttons();
  button->set_id("late_checkout_yes");
  button->set_title("Yes, 2 pm");
  button = content->add_buttons();
  button->set_id("late_checkout_no");
  button->set_title("No, thanks");
  json expected = json::parse(R"({"type":"button",
    "header":{"type":"text","text":"Late checkout"},
    "body":{"text":"Would you like a late checkout?"},
    "footer":{"text":"Grand Harbour Hotel"},
    "action":{"buttons":[
      {"type":"reply","reply":{"id":"late_checkout_yes","title":"Yes, 2 pm"}},
      {"type":"reply","reply":{"id":"late_checkout_no","title":"No, thanks"}}]}})");
  EXPECT_EQ(Build(message), Envelope("interactive", expected));
}

TEST(MetaPayloadsTest, InteractiveButtonsWithoutOptionalParts) {
  OutboundMessage message = Message();
  v1::InteractiveMessage* interactive = message.content.mutable_interactive();
  interactive->set_type(v1::INTERACTIVE_TYPE_BUTTONS);
  interactive->mutable_content()->set_text("Towels?");
  v1::InteractiveButton* button = interactive->mutable_content()->add_buttons();
  button->set_id("yes");
  button->set_title("Yes");
  json expected = json::parse(R"({"type":"button","body":{"text":"Towels?"},
    "action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes"}}]}})");
  EXPECT_EQ(Build(message), Envelope("interactive", expected));
}

TEST(MetaPayloadsTest, InteractiveList) {
  // Meta's documented list example, plus a row without description and an untitled
  // single-section case covered by the second message.
  OutboundMessage message = Message();
  v1::InteractiveMessage* interactive = message.content.mutable_interactive();
  interactive->set_type(v1::INTERACTIVE_TYPE_LIST);
  v1::InteractiveContent* content = interactive->mutable_content();
  content->set_header("Spa & Wellness");
  content->set_text("Which treatment time would you like to book for tomorrow?");
  content->set_footer("Grand Harbour Hotel");
  content->set_button_text("See time slots");
  v1::InteractiveSection* section = content->add_sections();
  section->set_title("Massage");
  auto add_row = [](v1::InteractiveSection* s, const char* id, const char* title,
                    const char* description) {
    v1::InteractiveRow* row = s->add_rows();
    row->set_id(id);
    row->set_title(title);
    row->set_description(description);
  };
  add_row(section, "spa_1600", "Spa 16:00", "60-min massage");
  add_row(section, "spa_1800", "Spa 18:00", "60-min massage, 1 slot left");
  section = content->add_sections();
  section->set_title("Facial");
  add_row(section, "facial_1700", "Facial 17:00", "");
  json expected = json::parse(R"({"type":"list",
    "header":{"type":"text","text":"Spa & Wellness"},
    "body":{"text":"Which treatment time would you like to book for tomorrow?"},
    "footer":{"text":"Grand Harbour Hotel"},
    "action":{"button":"See time slots","sections":[
      {"title":"Massage","rows":[
        {"id":"spa_1600","title":"Spa 16:00","description":"60-min massage"},
        {"id":"spa_1800","title":"Spa 18:00","description":"60-min massage, 1 slot left"}]},
      {"title":"Facial","rows":[{"id":"facial_1700","title":"Facial 17:00"}]}]}})");
  EXPECT_EQ(Build(message), Envelope("interactive", expected));
}

TEST(MetaPayloadsTest, MessageTypeNames) {
  v1::OutboundContent content;
  EXPECT_EQ(MetaMessageType(content), "");
  content.mutable_media()->set_media_type(v1::MEDIA_TYPE_STICKER);
  EXPECT_EQ(MetaMessageType(content), "sticker");
  content.mutable_interactive();
  EXPECT_EQ(MetaMessageType(content), "interactive");
}

absl::StatusCode BuildError(const OutboundMessage& message) {
  return BuildMessagePayload(message).status().code();
}

TEST(MetaPayloadsTest, RejectsContentThatCannotBeExpressed) {
  OutboundMessage message = Message();
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // no content

  message.content.mutable_media()->set_media_id("m1");
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // no media type

  message.content.mutable_media()->set_media_type(v1::MEDIA_TYPE_IMAGE);
  message.content.mutable_media()->clear_media_id();
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // neither id nor link

  message.content.mutable_interactive()->mutable_content()->set_text("x");
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // no interactive type

  v1::TemplateContent* tmpl = message.content.mutable_template_();
  tmpl->set_name("t");
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // no language
  tmpl->set_language("en");
  tmpl->add_buttons()->set_sub_type("copy_code");
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // unknown sub_type
  tmpl->clear_buttons();
  tmpl->mutable_header_media()->set_media_type(v1::MEDIA_TYPE_AUDIO);
  tmpl->mutable_header_media()->set_media_id("a1");
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // audio header
  tmpl->mutable_header_media()->set_media_type(v1::MEDIA_TYPE_IMAGE);
  tmpl->add_header_parameters()->set_text("both");
  EXPECT_EQ(BuildError(message), absl::StatusCode::kInvalidArgument);  // media and text
}

}  // namespace
}  // namespace wa::provider
