// The fake Graph API's message templates: POST and GET
// /{version}/{waba-id}/message_templates, and the review callbacks.
#include <algorithm>
#include <regex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/fakes/fake_meta_shapes.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;

void Reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

bool HasVariables(const Json& component) {
  return component.contains("text") && component["text"].is_string() &&
         component["text"].get<std::string>().find("{{") != std::string::npos;
}

// What Meta checks when a template is created; empty when it passes.
std::string Problem(const Json& body) {
  static const std::regex kName("^[a-z0-9_]{1,512}$");
  if (!body.is_object()) return "body is not a JSON object";
  if (!body.contains("name") || !body["name"].is_string() ||
      !std::regex_match(body["name"].get<std::string>(), kName)) {
    return "name must match ^[a-z0-9_]+$";
  }
  if (!body.contains("language") || !body["language"].is_string()) return "language is required";
  std::string category = body.value("category", "");
  if (category != "UTILITY" && category != "MARKETING" && category != "AUTHENTICATION") {
    return "category must be UTILITY, MARKETING or AUTHENTICATION";
  }
  std::string format = body.value("parameter_format", "POSITIONAL");
  if (format != "POSITIONAL" && format != "NAMED") return "unknown parameter_format";
  if (!body.contains("components") || !body["components"].is_array()) {
    return "components is required";
  }
  bool has_body = false;
  for (const Json& c : body["components"]) {
    std::string type = c.is_object() ? c.value("type", "") : "";
    if (type == "BODY") has_body = true;
    if ((type == "BODY" || type == "HEADER") && HasVariables(c) && !c.contains("example")) {
      return absl::StrCat("Message template \"", type,
                          "\" component is missing expected field(s) (example)");
    }
  }
  return has_body ? "" : "a BODY component is required";
}

Json Listed(const FakeTemplate& t) {
  Json out = t.definition;
  out["id"] = t.id;
  out["status"] = t.status;
  out["rejected_reason"] = t.rejected_reason;
  return out;
}

}  // namespace

void FakeGraphApi::HandleCreateTemplate(const httplib::Request& req, httplib::Response& res) {
  if (CheckAccess(req, res, /*account=*/true) != 0) return;
  Json body = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (std::string problem = Problem(body); !problem.empty()) {
    return Reply(res, 400, ErrorEnvelope(100, problem));
  }
  std::lock_guard lock(mu_);
  for (const FakeTemplate& t : templates_) {
    if (WabaOf(t) == req.matches[2].str() && t.definition["name"] == body["name"] &&
        t.definition["language"] == body["language"]) {
      return Reply(res, 400, ErrorEnvelope(100, "Content in this language already exists"));
    }
  }
  FakeTemplate t;
  t.id = absl::StrCat(1689556908000000 + static_cast<int64_t>(templates_.size()) + 1);
  t.waba_id = req.matches[2];
  t.definition = body;
  templates_.push_back(t);
  Reply(res, 200, {{"id", t.id}, {"status", "PENDING"}, {"category", body["category"]}});
}

void FakeGraphApi::HandleListTemplates(const httplib::Request& req, httplib::Response& res) {
  if (CheckAccess(req, res, /*account=*/true) != 0) return;
  size_t limit = 25, after = 0;
  if (req.has_param("limit")) absl::SimpleAtoi(req.get_param_value("limit"), &limit);
  if (req.has_param("after")) absl::SimpleAtoi(req.get_param_value("after"), &after);
  limit = std::max<size_t>(1, std::min<size_t>(limit, 100));
  std::lock_guard lock(mu_);
  // Each account lists its own templates only.
  std::vector<const FakeTemplate*> mine;
  for (const FakeTemplate& t : templates_) {
    if (WabaOf(t) == req.matches[2].str()) mine.push_back(&t);
  }
  Json data = Json::array();
  for (size_t i = after; i < mine.size() && data.size() < limit; ++i) {
    data.push_back(Listed(*mine[i]));
  }
  Json page = {{"data", data}};
  size_t end = after + data.size();
  if (end < mine.size()) {
    page["paging"] = {
        {"cursors", {{"after", absl::StrCat(end)}}},
        {"next", absl::StrCat(base_url(), req.path, "?limit=", limit, "&after=", end)}};
  }
  Reply(res, 200, page);
}

std::string FakeGraphApi::WabaOf(const FakeTemplate& t) const {
  return t.waba_id.empty() ? options_.waba_id : t.waba_id;
}

std::vector<FakeTemplate> FakeGraphApi::Templates() const {
  std::lock_guard lock(mu_);
  return templates_;
}

void FakeGraphApi::AddTemplate(FakeTemplate t) {
  std::lock_guard lock(mu_);
  if (t.id.empty()) t.id = absl::StrCat(1689556909000000 + static_cast<int64_t>(templates_.size()));
  templates_.push_back(std::move(t));
}

int FakeGraphApi::ReviewTemplate(const std::string& name, const std::string& language,
                                 const std::string& event, const std::string& reason) {
  Json value;
  std::string waba;
  {
    std::lock_guard lock(mu_);
    FakeTemplate* found = nullptr;
    for (FakeTemplate& t : templates_) {
      if (t.definition["name"] == name && t.definition["language"] == language) found = &t;
    }
    if (found == nullptr) return 0;
    found->status = event;
    waba = WabaOf(*found);
    found->rejected_reason = reason;
    int64_t id = 0;
    absl::SimpleAtoi(found->id, &id);
    // Meta sends the template id as a number here.
    value = {{"event", event},
             {"message_template_id", id},
             {"message_template_name", name},
             {"message_template_language", language},
             {"reason", reason == "NONE" ? Json(nullptr) : Json(reason)},
             {"message_template_category", found->definition.value("category", "")}};
  }
  Json change = {{"field", "message_template_status_update"}, {"value", value}};
  Json notification = {
      {"object", "whatsapp_business_account"},
      {"entry", Json::array({{{"id", waba}, {"changes", Json::array({change})}}})}};
  return PostNotification(MetaDump(notification));
}

}  // namespace wa::fakes
