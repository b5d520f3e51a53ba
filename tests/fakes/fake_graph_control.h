#pragma once

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/fake_graph_api.h"

namespace httplib {
class Server;
}

namespace wa::fakes {

// A JSON control surface under /_fake/ so shell and chaos tests can drive
// the standalone fake-graph-api process as C++ tests drive the class:
//   GET  /_fake/requests   recorded sends and uploads
//   GET  /_fake/webhooks   callbacks posted and the webhook's answers
//   POST /_fake/behavior   {"default":B} | {"recipient":"...","behavior":B}
//                          | {"recipient":"...","script":[B...]} | {"script":[B...]}
//                          | {"uploads":[B...]}
//        where B = {"kind":"accept|error|drop|accept_then_fail","code":131047,
//                   "http_status":400,"details":"...","delay_ms":0}
//   POST /_fake/notify     raw notification JSON, posted signed to the webhook
//   POST /_fake/inbound    {"from":"447700900123","name":"Maria","text":"Hi"}
//   POST /_fake/reset
void RegisterControlRoutes(httplib::Server& server, FakeGraphApi& fake);

absl::StatusOr<Behavior> BehaviorFromJson(const nlohmann::json& j);

}  // namespace wa::fakes
