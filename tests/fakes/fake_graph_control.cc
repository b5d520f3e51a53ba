#include "tests/fakes/fake_graph_control.h"

#include <httplib.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

void Reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void BadRequest(httplib::Response& res, const std::string& why) {
  Reply(res, 400, {{"error", why}});
}

absl::StatusOr<std::vector<Behavior>> Script(const Json& list) {
  if (!list.is_array()) return absl::InvalidArgumentError("script must be an array");
  std::vector<Behavior> script;
  for (const Json& item : list) {
    absl::StatusOr<Behavior> b = BehaviorFromJson(item);
    if (!b.ok()) return b.status();
    script.push_back(*std::move(b));
  }
  return script;
}

absl::Status ApplyBehavior(const Json& req, FakeGraphApi& fake) {
  if (!req.is_object()) return absl::InvalidArgumentError("body must be a JSON object");
  std::string recipient = req.value("recipient", "");
  if (req.contains("default")) {
    absl::StatusOr<Behavior> b = BehaviorFromJson(req["default"]);
    if (!b.ok()) return b.status();
    fake.SetDefaultBehavior(*b);
  }
  if (req.contains("behavior")) {
    if (recipient.empty()) return absl::InvalidArgumentError("behavior needs a recipient");
    absl::StatusOr<Behavior> b = BehaviorFromJson(req["behavior"]);
    if (!b.ok()) return b.status();
    fake.SetRecipientBehavior(recipient, *b);
  }
  for (const char* key : {"script", "uploads"}) {
    if (!req.contains(key)) continue;
    absl::StatusOr<std::vector<Behavior>> script = Script(req[key]);
    if (!script.ok()) return script.status();
    if (std::string(key) == "uploads") {
      fake.EnqueueUploads(*std::move(script));
    } else if (recipient.empty()) {
      fake.Enqueue(*std::move(script));
    } else {
      fake.EnqueueFor(recipient, *std::move(script));
    }
  }
  return absl::OkStatus();
}

Json RequestsJson(const FakeGraphApi& fake) {
  Json requests = Json::array(), uploads = Json::array();
  for (const RecordedMessage& m : fake.Requests()) {
    requests.push_back({{"received_at", Rfc3339(m.received_at)},
                        {"path", m.path},
                        {"to", m.to},
                        {"body", m.body},
                        {"http_status", m.http_status},
                        {"error_code", m.error_code},
                        {"wamid", m.wamid}});
  }
  for (const RecordedUpload& u : fake.Uploads()) {
    uploads.push_back({{"received_at", Rfc3339(u.received_at)},
                       {"media_id", u.media_id},
                       {"filename", u.filename},
                       {"content_type", u.content_type},
                       {"type", u.type_field},
                       {"size", u.size}});
  }
  return {{"requests", requests}, {"uploads", uploads}};
}

Json WebhooksJson(const FakeGraphApi& fake) {
  Json deliveries = Json::array();
  for (const WebhookDelivery& d : fake.WebhookDeliveries()) {
    deliveries.push_back({{"posted_at", Rfc3339(d.posted_at)},
                          {"body", d.body},
                          {"http_status", d.http_status},
                          {"attempt", d.attempt}});
  }
  return {{"deliveries", deliveries}};
}

}  // namespace

absl::StatusOr<Behavior> BehaviorFromJson(const Json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("a behavior must be an object");
  try {
    std::string kind = j.value("kind", "accept");
    Behavior b;
    if (kind == "accept") {
      b = Behavior::Accept();
    } else if (kind == "error") {
      b = Behavior::Error(j.at("code").get<int>(), j.value("http_status", 400),
                          j.value("details", ""));
    } else if (kind == "drop") {
      b = Behavior::Drop();
    } else if (kind == "accept_then_fail") {
      b = Behavior::AcceptThenFail(j.at("code").get<int>(), j.value("details", ""));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown behavior kind ", kind));
    }
    return b.After(absl::Milliseconds(j.value("delay_ms", 0)));
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

void RegisterControlRoutes(httplib::Server& server, FakeGraphApi& fake) {
  server.Get("/_fake/requests", [&fake](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, RequestsJson(fake));
  });
  server.Get("/_fake/webhooks", [&fake](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, WebhooksJson(fake));
  });
  server.Post("/_fake/behavior", [&fake](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    absl::Status applied = ApplyBehavior(body, fake);
    if (!applied.ok()) return BadRequest(res, std::string(applied.message()));
    Reply(res, 200, Json::object());
  });
  server.Post("/_fake/notify", [&fake](const httplib::Request& req, httplib::Response& res) {
    Reply(res, 200, {{"webhook_status", fake.PostNotification(req.body)}});
  });
  server.Post("/_fake/inbound", [&fake](const httplib::Request& req, httplib::Response& res) {
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("from") || !body["from"].is_string()) {
      return BadRequest(res, "body must be {\"from\",\"name\",\"text\"}");
    }
    std::string notification =
        fake.InboundTextNotification(body["from"].get<std::string>(), body.value("name", ""),
                                     body.value("text", ""), body.value("wamid", ""));
    Json posted = Json::parse(notification);
    std::string wamid = posted["entry"][0]["changes"][0]["value"]["messages"][0]["id"];
    Reply(res, 200, {{"webhook_status", fake.PostNotification(notification)}, {"wamid", wamid}});
  });
  server.Post("/_fake/reset", [&fake](const httplib::Request&, httplib::Response& res) {
    fake.Reset();
    Reply(res, 200, Json::object());
  });
}

}  // namespace wa::fakes
