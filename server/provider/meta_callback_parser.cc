#include "server/provider/meta_callback_parser.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "server/provider/meta_json_fields.h"

namespace wa::provider {
namespace {

using Json = nlohmann::json;
namespace v1 = hotel::whatsapp::v1;

using meta_json::IdText;
using meta_json::IntegerValue;
using meta_json::IsDigits;
using meta_json::Malformed;
using meta_json::Member;
using meta_json::OptionalObject;
using meta_json::OptionalString;
using meta_json::Required;
using meta_json::RequiredObject;
using meta_json::RequiredString;
using meta_json::RequiredTimestamp;

std::string Join(const std::string& where, absl::string_view part) {
  return where.empty() ? std::string(part) : absl::StrCat(where, ".", part);
}

// A skipped item is counted and kept whole, so that the operator sees it
// and nothing Meta sent is lost.
void Skip(MetaNotification& out, const std::string& where, absl::string_view reason,
          const std::string& field, const Json& item) {
  ++out.skipped;
  out.skip_reasons.push_back(absl::StrCat(where, ": ", reason));
  out.unparsed.push_back(MetaUnparsed{field, where, std::string(reason),
                                      item.dump(-1, ' ', false, Json::error_handler_t::replace)});
}

// The field a change names, when it names one, for keeping it apart.
std::string FieldOf(const Json& change, const std::string& fallback) {
  const Json* field = change.is_object() ? Member(change, "field") : nullptr;
  return field != nullptr && field->is_string() ? field->get<std::string>() : fallback;
}

// Runs `parse` on each element of obj[key]; an element that is malformed is
// skipped and counted, the others still count.
template <typename Fn>
void ForEachItem(const Json& obj, const char* key, const std::string& where, MetaNotification& out,
                 Fn parse) {
  const Json* items = Member(obj, key);
  if (items == nullptr) return;
  std::string here = Join(where, key);
  if (!items->is_array()) {
    Skip(out, here, "not an array", key, *items);
    return;
  }
  for (size_t i = 0; i < items->size(); ++i) {
    std::string item_where = absl::StrCat(here, "[", i, "]");
    const Json& item = (*items)[i];
    std::string field = std::string(key) == "changes" ? FieldOf(item, key) : std::string(key);
    try {
      parse(item, item_where);
    } catch (const Malformed& m) {
      Skip(out, item_where, m.reason, field, item);
    } catch (const Json::exception& e) {
      Skip(out, item_where, e.what(), field, item);
    }
  }
}

MetaCallbackError ParseError(const Json& e, const std::string& phone_number_id) {
  if (!e.is_object()) throw Malformed{"error is not an object"};
  MetaCallbackError error;
  error.phone_number_id = phone_number_id;
  error.code = IntegerValue(Required(e, "code"), "code");
  error.title = OptionalString(e, "title");
  if (error.title.empty()) error.title = OptionalString(e, "message");
  if (const Json* data = OptionalObject(e, "error_data"))
    error.details = OptionalString(*data, "details");
  // Older payloads (e.g. unsupported messages) put `details` beside `code`.
  if (error.details.empty()) error.details = OptionalString(e, "details");
  return error;
}

struct Contact {
  std::string wa_id;
  std::string name;
  std::string user_id;
  std::string parent_user_id;
  std::string username;
};

// contacts[] only annotates messages, so a malformed contact is dropped
// quietly rather than costing the message it describes.
std::vector<Contact> ReadContacts(const Json& value) {
  std::vector<Contact> contacts;
  const Json* list = Member(value, "contacts");
  if (list == nullptr || !list->is_array()) return contacts;
  for (const Json& c : *list) {
    try {
      Contact contact;
      contact.wa_id = OptionalString(c, "wa_id");
      contact.user_id = OptionalString(c, "user_id");
      contact.parent_user_id = OptionalString(c, "parent_user_id");
      if (const Json* profile = OptionalObject(c, "profile")) {
        contact.name = OptionalString(*profile, "name");
        contact.username = OptionalString(*profile, "username");
      }
      contacts.push_back(std::move(contact));
    } catch (const Malformed&) {
    }
  }
  return contacts;
}

v1::MessageType MediaType(absl::string_view meta_type) {
  if (meta_type == "image") return v1::MESSAGE_TYPE_IMAGE;
  if (meta_type == "document") return v1::MESSAGE_TYPE_DOCUMENT;
  if (meta_type == "audio") return v1::MESSAGE_TYPE_AUDIO;
  if (meta_type == "video") return v1::MESSAGE_TYPE_VIDEO;
  if (meta_type == "sticker") return v1::MESSAGE_TYPE_STICKER;
  return v1::MESSAGE_TYPE_UNSPECIFIED;
}

void ReadMedia(const Json& m, MetaInbound& in) {
  const Json& media = RequiredObject(m, in.meta_type.c_str());
  in.media_id = RequiredString(media, "id");
  in.mime_type = OptionalString(media, "mime_type");
  in.sha256 = OptionalString(media, "sha256");
  in.body = OptionalString(media, "caption");
  if (in.type == v1::MESSAGE_TYPE_DOCUMENT) in.filename = OptionalString(media, "filename");
}

void ReadLocation(const Json& m, MetaInbound& in) {
  const Json& loc = RequiredObject(m, "location");
  const Json& lat = Required(loc, "latitude");
  const Json& lng = Required(loc, "longitude");
  if (!lat.is_number() || !lng.is_number()) throw Malformed{"location coordinates are not numbers"};
  std::vector<std::string> parts;
  for (const char* key : {"name", "address"}) {
    std::string part = OptionalString(loc, key);
    if (!part.empty()) parts.push_back(std::move(part));
  }
  // dump() prints the shortest text that reads back as the same double.
  in.body = parts.empty() ? absl::StrCat(lat.dump(), ",", lng.dump()) : absl::StrJoin(parts, ", ");
}

void ReadContactCards(const Json& m, MetaInbound& in) {
  const Json& cards = Required(m, "contacts");
  if (!cards.is_array() || cards.empty()) throw Malformed{"contacts is not a non-empty array"};
  std::vector<std::string> names;
  for (const Json& card : cards) {
    const Json* name = OptionalObject(card, "name");
    if (name == nullptr) continue;
    std::string formatted = OptionalString(*name, "formatted_name");
    if (formatted.empty()) {
      formatted = absl::StrJoin(
          {OptionalString(*name, "first_name"), OptionalString(*name, "last_name")}, " ");
      absl::StripAsciiWhitespace(&formatted);
    }
    if (!formatted.empty()) names.push_back(std::move(formatted));
  }
  in.body = absl::StrJoin(names, ", ");
}

void ReadInteractive(const Json& m, MetaInbound& in) {
  const Json& interactive = RequiredObject(m, "interactive");
  std::string kind = RequiredString(interactive, "type");
  if (kind == "button_reply" || kind == "list_reply") {
    const Json& reply = RequiredObject(interactive, kind.c_str());
    in.reply_id = RequiredString(reply, "id");
    in.body = OptionalString(reply, "title");
  } else if (kind == "nfm_reply") {
    // A WhatsApp Flow's answer: its fields stay in `payload`.
    if (const Json* nfm = OptionalObject(interactive, "nfm_reply"))
      in.body = OptionalString(*nfm, "body");
  }
}

// Fills type, body and the type's own fields from the message object.
void ReadContent(const Json& m, MetaInbound& in) {
  const std::string& t = in.meta_type;
  if (t == "text") {
    in.type = v1::MESSAGE_TYPE_TEXT;
    const Json& text = RequiredObject(m, "text");
    const Json& body = Required(text, "body");
    if (!body.is_string()) throw Malformed{"text.body is not a string"};
    in.body = body.get<std::string>();
  } else if (v1::MessageType media = MediaType(t); media != v1::MESSAGE_TYPE_UNSPECIFIED) {
    in.type = media;
    ReadMedia(m, in);
  } else if (t == "location") {
    in.type = v1::MESSAGE_TYPE_LOCATION;
    ReadLocation(m, in);
  } else if (t == "contacts") {
    in.type = v1::MESSAGE_TYPE_CONTACTS;
    ReadContactCards(m, in);
  } else if (t == "interactive") {
    in.type = v1::MESSAGE_TYPE_INTERACTIVE;
    ReadInteractive(m, in);
  } else if (t == "button") {
    // A template's quick-reply button: `payload` is what we put in the
    // template, `text` the label the guest tapped.
    in.type = v1::MESSAGE_TYPE_BUTTON;
    const Json& button = RequiredObject(m, "button");
    in.body = OptionalString(button, "text");
    in.reply_id = OptionalString(button, "payload");
  } else if (t == "reaction") {
    in.type = v1::MESSAGE_TYPE_REACTION;
    const Json& reaction = RequiredObject(m, "reaction");
    in.reacted_wamid = RequiredString(reaction, "message_id");
    in.body = OptionalString(reaction, "emoji");  // empty when a reaction is removed
  } else {
    // unsupported, system, order, request_welcome and types Meta adds later:
    // kept (the guest did write) but flagged; meta_type tells them apart.
    in.type = v1::MESSAGE_TYPE_UNSUPPORTED;
    if (const Json* system = OptionalObject(m, "system")) {
      in.body = OptionalString(*system, "body");
      // Meta has spelled the new number both ways over the API's versions.
      in.new_wa_id = OptionalString(*system, "wa_id");
      if (in.new_wa_id.empty()) in.new_wa_id = OptionalString(*system, "new_wa_id");
      if (!in.new_wa_id.empty() && !IsDigits(in.new_wa_id)) throw Malformed{"wa_id is not a wa_id"};
      in.new_user_id = OptionalString(*system, "user_id");
    }
  }
}

MetaInbound ParseInbound(const Json& m, const MetaInbound& base,
                         const std::vector<Contact>& contacts) {
  if (!m.is_object()) throw Malformed{"message is not an object"};
  MetaInbound in = base;
  // A guest with a username may come without a phone: then from_user_id
  // (the BSUID) is who wrote.
  in.from = OptionalString(m, "from");
  in.user_id = OptionalString(m, "from_user_id");
  if (in.from.empty() && in.user_id.empty()) throw Malformed{"no from or from_user_id"};
  if (!in.from.empty() && !IsDigits(in.from)) throw Malformed{"from is not a wa_id"};
  in.wamid = RequiredString(m, "id");
  in.timestamp = RequiredTimestamp(m);
  in.meta_type = RequiredString(m, "type");
  if (const Json* context = OptionalObject(m, "context"))
    in.context_wamid = OptionalString(*context, "id");
  for (const Contact& c : contacts) {
    bool same = (!in.from.empty() && c.wa_id == in.from) ||
                (!in.user_id.empty() && c.user_id == in.user_id);
    if (!same) continue;
    in.profile_name = c.name;
    if (in.user_id.empty()) in.user_id = c.user_id;
    in.parent_user_id = c.parent_user_id;
    in.username = c.username;
    break;
  }
  if (const Json* errors = Member(m, "errors"); errors != nullptr && errors->is_array()) {
    for (const Json& e : *errors) in.errors.push_back(ParseError(e, base.phone_number_id));
  }
  ReadContent(m, in);
  if (in.type != v1::MESSAGE_TYPE_TEXT) in.payload = m.dump();
  return in;
}

MetaStatus ParseStatus(const Json& s, const std::string& phone_number_id) {
  if (!s.is_object()) throw Malformed{"status is not an object"};
  MetaStatus st;
  st.phone_number_id = phone_number_id;
  st.wamid = RequiredString(s, "id");
  st.meta_status = RequiredString(s, "status");
  if (st.meta_status == "sent") {
    st.status = v1::MESSAGE_STATUS_SENT;
  } else if (st.meta_status == "delivered") {
    st.status = v1::MESSAGE_STATUS_DELIVERED;
  } else if (st.meta_status == "read" || st.meta_status == "played") {
    st.status = v1::MESSAGE_STATUS_READ;
  } else if (st.meta_status == "failed") {
    st.status = v1::MESSAGE_STATUS_FAILED;
  } else {
    throw Malformed{absl::StrCat("unknown status ", st.meta_status)};
  }
  st.timestamp = RequiredTimestamp(s);
  st.recipient_id = OptionalString(s, "recipient_id");
  st.recipient_user_id = OptionalString(s, "recipient_user_id");
  st.biz_opaque_callback_data = OptionalString(s, "biz_opaque_callback_data");
  if (const Json* errors = Member(s, "errors")) {
    if (!errors->is_array()) throw Malformed{"errors is not an array"};
    if (!errors->empty()) {
      MetaCallbackError first = ParseError(errors->front(), phone_number_id);
      st.error_code = first.code;
      st.error_title = std::move(first.title);
      st.error_details = std::move(first.details);
    }
  }
  if (const Json* pricing = OptionalObject(s, "pricing")) {
    st.pricing_category = OptionalString(*pricing, "category");
  }
  return st;
}

// Meta names the recipient of a status by wa_id, by BSUID or both, and may
// add a contacts[] entry that carries the other id: read it, so that a send
// by phone teaches us the guest's BSUID.
void AddRecipientContact(const std::vector<Contact>& contacts, MetaStatus& st) {
  for (const Contact& c : contacts) {
    bool same = (!st.recipient_id.empty() && c.wa_id == st.recipient_id) ||
                (!st.recipient_user_id.empty() && c.user_id == st.recipient_user_id);
    if (!same) continue;
    if (st.recipient_id.empty()) st.recipient_id = c.wa_id;
    if (st.recipient_user_id.empty()) st.recipient_user_id = c.user_id;
    st.recipient_username = c.username;
    return;
  }
}

// Reads metadata shared by a change's items; a change without it cannot be
// routed to a property, so the whole change is malformed.
MetaInbound ReadMetadata(const Json& value) {
  const Json& metadata = RequiredObject(value, "metadata");
  MetaInbound base;
  base.phone_number_id = RequiredString(metadata, "phone_number_id");
  base.display_phone_number = OptionalString(metadata, "display_phone_number");
  return base;
}

void ParseMessagesChange(const Json& value, const std::string& where, MetaNotification& out) {
  MetaInbound base = ReadMetadata(value);
  const std::string& pnid = base.phone_number_id;
  std::vector<Contact> contacts = ReadContacts(value);
  ForEachItem(value, "messages", where, out, [&](const Json& m, const std::string&) {
    out.messages.push_back(ParseInbound(m, base, contacts));
  });
  ForEachItem(value, "statuses", where, out, [&](const Json& s, const std::string&) {
    out.statuses.push_back(ParseStatus(s, pnid));
    AddRecipientContact(contacts, out.statuses.back());
  });
  ForEachItem(value, "errors", where, out, [&](const Json& e, const std::string&) {
    out.errors.push_back(ParseError(e, pnid));
  });
}

void ParsePreferencesChange(const Json& value, const std::string& where, MetaNotification& out) {
  std::string pnid = ReadMetadata(value).phone_number_id;
  ForEachItem(value, "user_preferences", where, out, [&](const Json& p, const std::string&) {
    if (!p.is_object()) throw Malformed{"preference is not an object"};
    MetaPreference pref;
    pref.phone_number_id = pnid;
    pref.wa_id = OptionalString(p, "wa_id");
    pref.user_id = OptionalString(p, "user_id");
    if (pref.wa_id.empty() && pref.user_id.empty()) throw Malformed{"no wa_id or user_id"};
    pref.category = RequiredString(p, "category");
    pref.value = RequiredString(p, "value");
    pref.timestamp = RequiredTimestamp(p);
    out.preferences.push_back(std::move(pref));
  });
}

// {"user_id": {"previous": "...", "current": "..."}} beside the guest's
// wa_id (when shared) and the time of the change.
void ParseUserIdUpdates(const Json& value, const std::string& where, MetaNotification& out) {
  std::string pnid = ReadMetadata(value).phone_number_id;
  ForEachItem(value, "user_id_update", where, out, [&](const Json& u, const std::string&) {
    if (!u.is_object()) throw Malformed{"user_id_update is not an object"};
    const Json& ids = RequiredObject(u, "user_id");
    MetaUserIdChange change;
    change.phone_number_id = pnid;
    change.wa_id = OptionalString(u, "wa_id");
    change.previous_user_id = RequiredString(ids, "previous");
    change.current_user_id = RequiredString(ids, "current");
    change.timestamp = RequiredTimestamp(u);
    out.user_id_changes.push_back(std::move(change));
  });
}

MetaTemplateStatus ParseTemplateStatus(const Json& value, const std::string& waba_id) {
  MetaTemplateStatus ts;
  ts.waba_id = waba_id;
  ts.event = RequiredString(value, "event");
  ts.template_id = IdText(value, "message_template_id", /*required=*/true);
  ts.name = OptionalString(value, "message_template_name");
  ts.language = OptionalString(value, "message_template_language");
  ts.reason = OptionalString(value, "reason");
  ts.category = OptionalString(value, "message_template_category");
  return ts;
}

MetaQualityUpdate ParseQualityUpdate(const Json& value, const std::string& waba_id) {
  MetaQualityUpdate q;
  q.waba_id = waba_id;
  q.display_phone_number = RequiredString(value, "display_phone_number");
  q.event = OptionalString(value, "event");
  q.current_limit = OptionalString(value, "current_limit");
  // Meta retires current_limit in 2026 for this one.
  if (q.current_limit.empty()) {
    q.current_limit = IdText(value, "max_daily_conversations_per_business", /*required=*/false);
  }
  return q;
}

void ParseEntry(const Json& entry, const std::string& where, MetaNotification& out) {
  if (!entry.is_object()) throw Malformed{"entry is not an object"};
  std::string waba_id = IdText(entry, "id", /*required=*/false);
  if (!Required(entry, "changes").is_array()) throw Malformed{"changes is not an array"};
  ForEachItem(entry, "changes", where, out, [&](const Json& change, const std::string& here) {
    if (!change.is_object()) throw Malformed{"change is not an object"};
    std::string field = RequiredString(change, "field");
    const Json& value = RequiredObject(change, "value");
    std::string value_where = Join(here, "value");
    if (field == "messages") {
      ParseMessagesChange(value, value_where, out);
    } else if (field == "user_preferences") {
      ParsePreferencesChange(value, value_where, out);
    } else if (field == "message_template_status_update") {
      out.template_statuses.push_back(ParseTemplateStatus(value, waba_id));
    } else if (field == "phone_number_quality_update") {
      out.quality_updates.push_back(ParseQualityUpdate(value, waba_id));
    } else if (field == "user_id_update") {
      ParseUserIdUpdates(value, value_where, out);
    } else {
      // Not consumed here, but Meta said it: kept for the operator.
      ++out.ignored_changes;
      out.unparsed.push_back(
          MetaUnparsed{field, here, "a field this service does not apply",
                       change.dump(-1, ' ', false, Json::error_handler_t::replace)});
    }
  });
}

}  // namespace

absl::StatusOr<MetaNotification> ParseMetaNotification(absl::string_view raw_body) {
  Json doc = Json::parse(raw_body.begin(), raw_body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("webhook body is not JSON");
  if (!doc.is_object()) return absl::InvalidArgumentError("webhook body is not a JSON object");
  const Json* object = Member(doc, "object");
  if (object == nullptr || !object->is_string() ||
      object->get<std::string>() != "whatsapp_business_account") {
    return absl::InvalidArgumentError("webhook object is not whatsapp_business_account");
  }
  const Json* entries = Member(doc, "entry");
  if (entries == nullptr || !entries->is_array()) {
    return absl::InvalidArgumentError("webhook body has no entry array");
  }
  MetaNotification out;
  ForEachItem(doc, "entry", "", out,
              [&](const Json& entry, const std::string& where) { ParseEntry(entry, where, out); });
  return out;
}

}  // namespace wa::provider
