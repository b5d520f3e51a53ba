#include "server/provider/meta_payloads.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/domain/guest_key.h"

namespace wa::provider {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using nlohmann::json;

// Meta's name for a media kind, which is both the message "type" and the key
// of the media object; "" for unspecified.
std::string MediaKey(v1::MediaType type) {
  switch (type) {
    case v1::MEDIA_TYPE_IMAGE:
      return "image";
    case v1::MEDIA_TYPE_DOCUMENT:
      return "document";
    case v1::MEDIA_TYPE_AUDIO:
      return "audio";
    case v1::MEDIA_TYPE_VIDEO:
      return "video";
    case v1::MEDIA_TYPE_STICKER:
      return "sticker";
    default:
      return "";
  }
}

// {"id":...} or {"link":...}: Meta takes exactly one. An uploaded id wins
// when both are present, since Meta recommends ids and a link may be stale.
absl::StatusOr<json> MediaObject(const std::string& media_id, const std::string& link) {
  if (!media_id.empty()) return json{{"id", media_id}};
  if (!link.empty()) return json{{"link", link}};
  return absl::InvalidArgumentError("media needs a media_id or a link");
}

json TextPayload(const v1::TextContent& text) {
  return json{{"body", text.text()}, {"preview_url", text.preview_url()}};
}

absl::StatusOr<json> MediaPayload(const v1::MediaContent& media) {
  std::string key = MediaKey(media.media_type());
  if (key.empty()) return absl::InvalidArgumentError("media message without a media type");
  absl::StatusOr<json> object = MediaObject(media.media_id(), media.link());
  if (!object.ok()) return object.status();
  // Meta rejects caption on audio/sticker and filename on anything but a
  // document, so they are dropped rather than forwarded.
  bool captioned = key == "image" || key == "video" || key == "document";
  if (captioned && !media.caption().empty()) (*object)["caption"] = media.caption();
  if (key == "document" && !media.filename().empty()) (*object)["filename"] = media.filename();
  return object;
}

json TextParameter(const v1::TemplateParameterValue& value, bool named) {
  json parameter{{"type", "text"}, {"text", value.text()}};
  if (named) {
    // Template authors write {{guest_name}}; Meta wants the bare name.
    absl::string_view name = value.name();
    absl::ConsumePrefix(&name, "{{");
    absl::ConsumeSuffix(&name, "}}");
    parameter["parameter_name"] = std::string(absl::StripAsciiWhitespace(name));
  }
  return parameter;
}

absl::StatusOr<json> TemplateHeader(const v1::TemplateContent& tmpl) {
  json parameters = json::array();
  const v1::TemplateHeaderMedia& media = tmpl.header_media();
  if (tmpl.has_header_media() && media.media_type() != v1::MEDIA_TYPE_UNSPECIFIED) {
    std::string key = MediaKey(media.media_type());
    // Template headers carry only these media formats.
    if (key != "image" && key != "video" && key != "document") {
      return absl::InvalidArgumentError(absl::StrCat("template header cannot be ", key));
    }
    if (tmpl.header_parameters_size() > 0) {
      return absl::InvalidArgumentError("template header has both media and text parameters");
    }
    absl::StatusOr<json> object = MediaObject(media.media_id(), media.link());
    if (!object.ok()) return object.status();
    if (key == "document" && !media.filename().empty()) (*object)["filename"] = media.filename();
    parameters.push_back(json{{"type", key}, {key, *object}});
  }
  for (const v1::TemplateParameterValue& value : tmpl.header_parameters()) {
    parameters.push_back(TextParameter(value, tmpl.named_parameters()));
  }
  if (parameters.empty()) return json();  // null: no header component
  return json{{"type", "header"}, {"parameters", parameters}};
}

absl::StatusOr<json> TemplateButton(const v1::TemplateButtonParameter& button) {
  std::string sub_type = absl::AsciiStrToLower(button.sub_type());
  json parameter;
  if (sub_type == "quick_reply") {
    parameter = json{{"type", "payload"}, {"payload", button.payload()}};
  } else if (sub_type == "url") {
    parameter = json{{"type", "text"}, {"text", button.text()}};
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported template button sub_type: ", button.sub_type()));
  }
  // Meta wants the 0-based position as a string.
  return json{{"type", "button"},
              {"sub_type", sub_type},
              {"index", std::to_string(button.index())},
              {"parameters", json::array({parameter})}};
}

absl::StatusOr<json> TemplatePayload(const v1::TemplateContent& tmpl) {
  if (tmpl.name().empty() || tmpl.language().empty()) {
    return absl::InvalidArgumentError("template needs a name and a language");
  }
  json components = json::array();
  absl::StatusOr<json> header = TemplateHeader(tmpl);
  if (!header.ok()) return header.status();
  if (!header->is_null()) components.push_back(*header);
  if (tmpl.body_parameters_size() > 0) {
    json parameters = json::array();
    for (const v1::TemplateParameterValue& value : tmpl.body_parameters()) {
      parameters.push_back(TextParameter(value, tmpl.named_parameters()));
    }
    components.push_back(json{{"type", "body"}, {"parameters", parameters}});
  }
  for (const v1::TemplateButtonParameter& button : tmpl.buttons()) {
    absl::StatusOr<json> component = TemplateButton(button);
    if (!component.ok()) return component.status();
    components.push_back(*component);
  }
  json payload{{"name", tmpl.name()}, {"language", {{"code", tmpl.language()}}}};
  if (!components.empty()) payload["components"] = components;
  return payload;
}

absl::StatusOr<json> InteractivePayload(const v1::InteractiveMessage& interactive) {
  const v1::InteractiveContent& content = interactive.content();
  json payload;
  json action;
  switch (interactive.type()) {
    case v1::INTERACTIVE_TYPE_BUTTONS: {
      payload["type"] = "button";
      json buttons = json::array();
      for (const v1::InteractiveButton& button : content.buttons()) {
        buttons.push_back(
            json{{"type", "reply"}, {"reply", {{"id", button.id()}, {"title", button.title()}}}});
      }
      action["buttons"] = buttons;
      break;
    }
    case v1::INTERACTIVE_TYPE_LIST: {
      payload["type"] = "list";
      json sections = json::array();
      for (const v1::InteractiveSection& section : content.sections()) {
        json rows = json::array();
        for (const v1::InteractiveRow& row : section.rows()) {
          json entry{{"id", row.id()}, {"title", row.title()}};
          if (!row.description().empty()) entry["description"] = row.description();
          rows.push_back(entry);
        }
        json entry{{"rows", rows}};
        // Meta requires a section title only when there are several sections.
        if (!section.title().empty()) entry["title"] = section.title();
        sections.push_back(entry);
      }
      action["button"] = content.button_text();
      action["sections"] = sections;
      break;
    }
    default:
      return absl::InvalidArgumentError("interactive message without a type");
  }
  if (!content.header().empty()) payload["header"] = {{"type", "text"}, {"text", content.header()}};
  payload["body"] = {{"text", content.text()}};
  if (!content.footer().empty()) payload["footer"] = {{"text", content.footer()}};
  payload["action"] = action;
  return payload;
}

}  // namespace

std::string MetaMessageType(const v1::OutboundContent& content) {
  switch (content.kind_case()) {
    case v1::OutboundContent::kText:
      return "text";
    case v1::OutboundContent::kTemplate:
      return "template";
    case v1::OutboundContent::kMedia:
      return MediaKey(content.media().media_type());
    case v1::OutboundContent::kInteractive:
      return "interactive";
    default:
      return "";
  }
}

absl::StatusOr<nlohmann::json> BuildMessagePayload(const OutboundMessage& message) {
  const v1::OutboundContent& content = message.content;
  std::string type = MetaMessageType(content);
  absl::StatusOr<json> body;
  switch (content.kind_case()) {
    case v1::OutboundContent::kText:
      body = TextPayload(content.text());
      break;
    case v1::OutboundContent::kTemplate:
      body = TemplatePayload(content.template_());
      break;
    case v1::OutboundContent::kMedia:
      body = MediaPayload(content.media());
      break;
    case v1::OutboundContent::kInteractive:
      body = InteractivePayload(content.interactive());
      break;
    default:
      return absl::InvalidArgumentError("outbound message without content");
  }
  if (!body.ok()) return body.status();

  json payload{{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}};
  if (std::string user_id = domain::UserIdOfKey(message.guest_phone); !user_id.empty()) {
    // A guest known only by a business-scoped user id (usernames, 2026).
    payload["recipient"] = user_id;
  } else {
    absl::string_view to = message.guest_phone;
    // Meta accepts "+" but digits are the wa_id form its own answers use.
    absl::ConsumePrefix(&to, "+");
    payload["to"] = std::string(to);
  }
  payload["type"] = type;
  payload[type] = *body;
  if (!message.message_id.empty()) payload["biz_opaque_callback_data"] = message.message_id;
  if (!message.reply_to_message_id.empty()) {
    payload["context"] = {{"message_id", message.reply_to_message_id}};
  }
  return payload;
}

nlohmann::json BuildReadPayload(const std::string& wamid, bool typing) {
  nlohmann::json body = {
      {"messaging_product", "whatsapp"}, {"status", "read"}, {"message_id", wamid}};
  if (typing) body["typing_indicator"] = {{"type", "text"}};
  return body;
}

}  // namespace wa::provider
