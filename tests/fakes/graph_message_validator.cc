#include "tests/fakes/graph_message_validator.h"

#include <initializer_list>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;

// Thrown by the checks below and caught in ValidateSendRequest only.
struct Invalid {
  std::string details;
};

[[noreturn]] void Fail(const std::string& where, absl::string_view what) {
  throw Invalid{absl::StrCat("Param ", where, " ", what)};
}

// Meta counts characters, not bytes.
size_t CharCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void OnlyKeys(const Json& obj, const std::string& where, std::initializer_list<const char*> keys) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) Fail(absl::StrCat(where, "['", it.key(), "']"), "is not a valid parameter");
  }
}

const Json& Object(const Json& parent, const char* key, const std::string& where) {
  auto it = parent.find(key);
  std::string here = absl::StrCat(where, "['", key, "']");
  if (it == parent.end()) Fail(here, "is required");
  if (!it->is_object()) Fail(here, "must be an object");
  return *it;
}

// Returns the string at parent[key]; "" when absent and not required.
std::string Text(const Json& parent, const char* key, const std::string& where, bool required,
                 size_t max_chars, bool allow_empty = false) {
  auto it = parent.find(key);
  std::string here = absl::StrCat(where, "['", key, "']");
  if (it == parent.end()) {
    if (required) Fail(here, "is required");
    return "";
  }
  if (!it->is_string()) Fail(here, "must be a string");
  std::string s = it->get<std::string>();
  if (s.empty() && !allow_empty) Fail(here, "must not be empty");
  if (CharCount(s) > max_chars)
    Fail(here, absl::StrCat("must be at most ", max_chars, " characters"));
  return s;
}

bool IsDigits(const std::string& s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void Coordinate(const Json& parent, const char* key, const std::string& where) {
  auto it = parent.find(key);
  std::string here = absl::StrCat(where, "['", key, "']");
  if (it == parent.end()) Fail(here, "is required");
  if (it->is_number()) return;
  if (it->is_string()) {
    try {
      size_t used = 0;
      std::stod(it->get<std::string>(), &used);
      if (used == it->get_ref<const std::string&>().size()) return;
    } catch (const std::exception&) {
    }
  }
  Fail(here, "must be a number");
}

void Media(const Json& m, const std::string& where, bool caption, bool filename) {
  if (caption && filename) {
    OnlyKeys(m, where, {"id", "link", "caption", "filename"});
  } else if (caption) {
    OnlyKeys(m, where, {"id", "link", "caption"});
  } else {
    OnlyKeys(m, where, {"id", "link"});
  }
  bool has_id = m.contains("id"), has_link = m.contains("link");
  if (has_id == has_link) Fail(where, "must have exactly one of id and link");
  if (has_id) Text(m, "id", where, true, 256);
  if (has_link) {
    std::string link = Text(m, "link", where, true, 2048);
    if (!absl::StartsWith(link, "http://") && !absl::StartsWith(link, "https://")) {
      Fail(where + "['link']", "must be an http(s) URL");
    }
  }
  if (caption) Text(m, "caption", where, false, 1024);
  if (filename) Text(m, "filename", where, false, 240);
}

void Location(const Json& l, const std::string& where) {
  OnlyKeys(l, where, {"latitude", "longitude", "name", "address"});
  Coordinate(l, "latitude", where);
  Coordinate(l, "longitude", where);
  Text(l, "name", where, false, 1000);
  Text(l, "address", where, false, 1000);
}

void Contacts(const Json& c, const std::string& where) {
  if (!c.is_array() || c.empty() || c.size() > 5) Fail(where, "must hold 1 to 5 contacts");
  for (size_t i = 0; i < c.size(); ++i) {
    std::string here = absl::StrCat(where, "[", i, "]");
    if (!c[i].is_object()) Fail(here, "must be an object");
    Text(Object(c[i], "name", here), "formatted_name", here + "['name']", true, 1000);
  }
}

void Parameter(const Json& p, const std::string& where) {
  if (!p.is_object()) Fail(where, "must be an object");
  std::string type = Text(p, "type", where, true, 32);
  Text(p, "parameter_name", where, false, 512);
  if (type == "text") {
    Text(p, "text", where, true, 32768);
  } else if (type == "payload") {
    Text(p, "payload", where, true, 1000);
  } else if (type == "currency") {
    const Json& c = Object(p, "currency", where);
    Text(c, "fallback_value", where + "['currency']", true, 1000);
    Text(c, "code", where + "['currency']", true, 3);
    if (!c.contains("amount_1000") || !c["amount_1000"].is_number_integer()) {
      Fail(where + "['currency']['amount_1000']", "must be an integer");
    }
  } else if (type == "date_time") {
    Text(Object(p, "date_time", where), "fallback_value", where + "['date_time']", true, 1000);
  } else if (type == "image" || type == "video" || type == "document") {
    Media(Object(p, type.c_str(), where), absl::StrCat(where, "['", type, "']"), false,
          type == "document");
  } else if (type == "location") {
    Location(Object(p, "location", where), where + "['location']");
  } else if (type != "coupon_code" && type != "action" && type != "order_status") {
    Fail(where + "['type']", absl::StrCat("has unknown value ", type));
  }
}

void Template(const Json& t, const std::string& where) {
  OnlyKeys(t, where, {"name", "language", "components", "namespace"});
  std::string name = Text(t, "name", where, true, 512);
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      Fail(where + "['name']", "must match [a-z0-9_]+");
    }
  }
  const Json& language = Object(t, "language", where);
  OnlyKeys(language, where + "['language']", {"code", "policy"});
  Text(language, "code", where + "['language']", true, 16);
  if (!t.contains("components")) return;
  const Json& components = t["components"];
  if (!components.is_array()) Fail(where + "['components']", "must be an array");
  for (size_t i = 0; i < components.size(); ++i) {
    const Json& c = components[i];
    std::string here = absl::StrCat(where, "['components'][", i, "]");
    if (!c.is_object()) Fail(here, "must be an object");
    OnlyKeys(c, here, {"type", "sub_type", "index", "parameters", "cards"});
    std::string type = Text(c, "type", here, true, 32);
    if (type == "button") {
      Text(c, "sub_type", here, true, 32);
      bool index_ok = (c.contains("index") && c["index"].is_string() &&
                       IsDigits(c["index"].get<std::string>(), 1, 1)) ||
                      (c.contains("index") && c["index"].is_number_unsigned() && c["index"] < 10);
      if (!index_ok) Fail(here + "['index']", "must be a button position 0-9");
    } else if (type != "header" && type != "body" && type != "carousel" &&
               type != "limited_time_offer") {
      Fail(here + "['type']", absl::StrCat("has unknown value ", type));
    }
    if (!c.contains("parameters")) continue;
    if (!c["parameters"].is_array()) Fail(here + "['parameters']", "must be an array");
    for (size_t j = 0; j < c["parameters"].size(); ++j) {
      Parameter(c["parameters"][j], absl::StrCat(here, "['parameters'][", j, "]"));
    }
  }
}

void ReplyButtons(const Json& action, const std::string& where) {
  OnlyKeys(action, where, {"buttons"});
  const Json& buttons = action.contains("buttons") ? action["buttons"] : Json();
  if (!buttons.is_array() || buttons.empty() || buttons.size() > 3) {
    Fail(where + "['buttons']", "must hold 1 to 3 buttons");
  }
  std::set<std::string> ids, titles;
  for (size_t i = 0; i < buttons.size(); ++i) {
    std::string here = absl::StrCat(where, "['buttons'][", i, "]");
    if (!buttons[i].is_object()) Fail(here, "must be an object");
    OnlyKeys(buttons[i], here, {"type", "reply"});
    if (Text(buttons[i], "type", here, true, 16) != "reply")
      Fail(here + "['type']", "must be reply");
    const Json& reply = Object(buttons[i], "reply", here);
    OnlyKeys(reply, here + "['reply']", {"id", "title"});
    std::string id = Text(reply, "id", here + "['reply']", true, 256);
    if (id.front() == ' ' || id.back() == ' ') Fail(here + "['reply']['id']", "has outer spaces");
    if (!ids.insert(id).second) Fail(here + "['reply']['id']", "must be unique");
    if (!titles.insert(Text(reply, "title", here + "['reply']", true, 20)).second) {
      Fail(here + "['reply']['title']", "must be unique");
    }
  }
}

void ListAction(const Json& action, const std::string& where) {
  OnlyKeys(action, where, {"button", "sections"});
  Text(action, "button", where, true, 20);
  const Json& sections = action.contains("sections") ? action["sections"] : Json();
  if (!sections.is_array() || sections.empty() || sections.size() > 10) {
    Fail(where + "['sections']", "must hold 1 to 10 sections");
  }
  size_t rows_total = 0;
  std::set<std::string> ids;
  for (size_t i = 0; i < sections.size(); ++i) {
    std::string here = absl::StrCat(where, "['sections'][", i, "]");
    if (!sections[i].is_object()) Fail(here, "must be an object");
    OnlyKeys(sections[i], here, {"title", "rows"});
    Text(sections[i], "title", here, sections.size() > 1, 24);
    const Json& rows = sections[i].contains("rows") ? sections[i]["rows"] : Json();
    if (!rows.is_array() || rows.empty()) Fail(here + "['rows']", "must hold at least one row");
    for (size_t j = 0; j < rows.size(); ++j) {
      std::string row = absl::StrCat(here, "['rows'][", j, "]");
      if (!rows[j].is_object()) Fail(row, "must be an object");
      OnlyKeys(rows[j], row, {"id", "title", "description"});
      if (!ids.insert(Text(rows[j], "id", row, true, 200)).second) Fail(row, "id must be unique");
      Text(rows[j], "title", row, true, 24);
      Text(rows[j], "description", row, false, 72);
    }
    rows_total += rows.size();
  }
  if (rows_total > 10) Fail(where + "['sections']", "must hold at most 10 rows in all");
}

void Interactive(const Json& i, const std::string& where) {
  OnlyKeys(i, where, {"type", "header", "body", "footer", "action"});
  std::string type = Text(i, "type", where, true, 32);
  bool list = type == "list";
  if (type != "button" && !list) {
    // Other documented kinds (cta_url, flow, product...) are not checked in depth.
    Object(i, "action", where);
    return;
  }
  if (i.contains("header")) {
    const Json& h = Object(i, "header", where);
    std::string here = where + "['header']";
    std::string htype = Text(h, "type", here, true, 16);
    if (htype == "text") {
      OnlyKeys(h, here, {"type", "text"});
      Text(h, "text", here, true, 60);
    } else if (!list && (htype == "image" || htype == "video" || htype == "document")) {
      OnlyKeys(h, here, {"type", htype.c_str()});
      Media(Object(h, htype.c_str(), here), absl::StrCat(here, "['", htype, "']"), false,
            htype == "document");
    } else {
      Fail(here + "['type']", absl::StrCat("has unsupported value ", htype));
    }
  }
  const Json& body = Object(i, "body", where);
  OnlyKeys(body, where + "['body']", {"text"});
  Text(body, "text", where + "['body']", true, list ? 4096 : 1024);
  if (i.contains("footer")) {
    const Json& footer = Object(i, "footer", where);
    OnlyKeys(footer, where + "['footer']", {"text"});
    Text(footer, "text", where + "['footer']", true, 60);
  }
  const Json& action = Object(i, "action", where);
  if (list) {
    ListAction(action, where + "['action']");
  } else {
    ReplyButtons(action, where + "['action']");
  }
}

// "US.13491208655302741918", or a parent "US.ENT.118157992128868448".
bool IsBsuid(const std::string& id) {
  static const std::regex kBsuid(R"([A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128})");
  return std::regex_match(id, kBsuid);
}

void Validate(const Json& body) {
  if (!body.is_object()) throw Invalid{"The request body must be a JSON object"};
  static const std::set<std::string> kKinds = {"text",        "image",    "audio",    "document",
                                               "video",       "sticker",  "location", "contacts",
                                               "interactive", "template", "reaction"};
  std::string type = Text(body, "type", "", true, 32);
  if (!kKinds.count(type)) Fail("['type']", absl::StrCat("has unknown value ", type));
  OnlyKeys(body, "",
           {"messaging_product", "recipient_type", "to", "recipient", "type", "context",
            "biz_opaque_callback_data", type.c_str()});
  if (Text(body, "messaging_product", "", true, 16) != "whatsapp") {
    Fail("['messaging_product']", "must be whatsapp");
  }
  std::string recipient_type = Text(body, "recipient_type", "", false, 16);
  if (!recipient_type.empty() && recipient_type != "individual" && recipient_type != "group") {
    Fail("['recipient_type']", "must be individual or group");
  }
  // 2026: a guest known only by a business-scoped user id is addressed by
  // `recipient` instead of `to`; exactly one of the two.
  if (body.contains("to") == body.contains("recipient")) {
    Fail("", "exactly one of to and recipient is required");
  }
  if (body.contains("recipient")) {
    std::string recipient = Text(body, "recipient", "", true, 140);
    if (!IsBsuid(recipient)) Fail("['recipient']", "is not a business-scoped user id");
  } else {
    std::string to = Text(body, "to", "", true, 16);
    if (!IsDigits(to[0] == '+' ? to.substr(1) : to, 6, 15)) Fail("['to']", "is not a phone number");
  }
  if (body.contains("context")) {
    const Json& context = Object(body, "context", "");
    OnlyKeys(context, "['context']", {"message_id"});
    Text(context, "message_id", "['context']", true, 512);
  }
  Text(body, "biz_opaque_callback_data", "", false, 512);
  std::string where = absl::StrCat("['", type, "']");
  if (type == "contacts") {
    if (!body.contains("contacts")) Fail(where, "is required");
    return Contacts(body["contacts"], where);
  }
  const Json& kind = Object(body, type.c_str(), "");
  if (type == "text") {
    OnlyKeys(kind, where, {"body", "preview_url"});
    Text(kind, "body", where, true, 4096);
    if (kind.contains("preview_url") && !kind["preview_url"].is_boolean()) {
      Fail(where + "['preview_url']", "must be a boolean");
    }
  } else if (type == "image" || type == "video" || type == "document") {
    Media(kind, where, true, type == "document");
  } else if (type == "audio" || type == "sticker") {
    Media(kind, where, false, false);
  } else if (type == "location") {
    Location(kind, where);
  } else if (type == "reaction") {
    OnlyKeys(kind, where, {"message_id", "emoji"});
    Text(kind, "message_id", where, true, 512);
    Text(kind, "emoji", where, true, 16, /*allow_empty=*/true);
  } else if (type == "template") {
    Template(kind, where);
  } else if (type == "interactive") {
    Interactive(kind, where);
  }
}

}  // namespace

std::string ValidateSendRequest(const Json& body) {
  try {
    Validate(body);
    return "";
  } catch (const Invalid& e) {
    return e.details;
  } catch (const Json::exception& e) {
    return e.what();
  }
}

std::string ValidateReadRequest(const Json& body) {
  try {
    if (!body.is_object()) throw Invalid{"The request body must be a JSON object"};
    OnlyKeys(body, "", {"messaging_product", "status", "message_id", "typing_indicator"});
    if (Text(body, "messaging_product", "", true, 16) != "whatsapp") {
      Fail("['messaging_product']", "must be whatsapp");
    }
    if (Text(body, "status", "", true, 16) != "read") Fail("['status']", "must be read");
    if (!absl::StartsWith(Text(body, "message_id", "", true, 256), "wamid.")) {
      Fail("['message_id']", "must be a WhatsApp message id (wamid.)");
    }
    if (body.contains("typing_indicator")) {
      const Json& typing = Object(body, "typing_indicator", "");
      OnlyKeys(typing, "['typing_indicator']", {"type"});
      if (Text(typing, "type", "['typing_indicator']", true, 16) != "text") {
        Fail("['typing_indicator']['type']", "must be text");
      }
    }
    return "";
  } catch (const Invalid& e) {
    return e.details;
  } catch (const Json::exception& e) {
    return e.what();
  }
}

bool IsSupportedUploadType(const std::string& mime) {
  static const std::set<std::string> kTypes = {
      "audio/aac",
      "audio/amr",
      "audio/mpeg",
      "audio/mp4",
      "audio/ogg",
      "text/plain",
      "application/pdf",
      "application/msword",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.ms-excel",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "image/jpeg",
      "image/png",
      "image/webp",
      "video/mp4",
      "video/3gpp"};
  std::string base = mime.substr(0, mime.find(';'));
  return kTypes.count(base) > 0;
}

}  // namespace wa::fakes
