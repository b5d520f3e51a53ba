#include "server/provider/meta_callback_routes.h"

#include "nlohmann/json.hpp"
#include "server/domain/sender_number.h"

namespace wa::provider {
namespace {

using Json = nlohmann::json;

std::string RouteKeyOf(const Json& entry, const Json& change) {
  if (change.is_object()) {
    const Json& value = change.value("value", Json::object());
    if (value.is_object() && value.contains("metadata") && value["metadata"].is_object()) {
      const Json& id = value["metadata"].value("phone_number_id", Json());
      if (id.is_string()) return id.get<std::string>();
    }
  }
  const Json& id = entry.value("id", Json());
  return domain::AccountRouteKey(id.is_string() ? id.get<std::string>() : id.dump());
}

}  // namespace

std::string NotificationPart(absl::string_view raw_body, const std::string& route_key) {
  Json doc = Json::parse(raw_body.begin(), raw_body.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("entry") || !doc["entry"].is_array()) return "";
  Json entries = Json::array();
  for (const Json& entry : doc["entry"]) {
    if (!entry.is_object() || !entry.contains("changes") || !entry["changes"].is_array()) continue;
    Json kept = entry;
    kept["changes"] = Json::array();
    for (const Json& change : entry["changes"]) {
      if (RouteKeyOf(entry, change) == route_key) kept["changes"].push_back(change);
    }
    if (!kept["changes"].empty()) entries.push_back(std::move(kept));
  }
  if (entries.empty()) return "";
  doc["entry"] = std::move(entries);
  return doc.dump();
}

}  // namespace wa::provider
