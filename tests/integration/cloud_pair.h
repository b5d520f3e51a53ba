#pragma once

// A wa-server with --provider=cloud and the fake Graph API it talks to,
// each pointed at the other: sends and uploads go to the fake, the fake's
// signed callbacks come back to the server's REST port.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/server_process.h"
#include "tests/integration/wait.h"

namespace wa::testing {

inline constexpr char kCloudAppSecret[] = "test-app-secret";

struct CloudPair {
  std::unique_ptr<fakes::FakeGraphApi> fake;
  std::unique_ptr<ServerProcess> server;

  // Returns false when the fake cannot bind; the server's start asserts.
  bool Start(std::vector<std::string> flags = {}, fakes::FakeGraphApiOptions options = {}) {
    // The server's REST port is chosen first: the fake posts callbacks to it.
    int http_port = FreeLoopbackPort();
    options.webhook_url =
        absl::StrCat("http://127.0.0.1:", http_port, "/api/v1/whatsapp/provider/webhook");
    options.app_secret = kCloudAppSecret;
    fake = std::make_unique<fakes::FakeGraphApi>(options);
    if (!fake->Start()) return false;
    flags.insert(flags.end(),
                 {"--provider=cloud", "--cloud_api_base_url=" + fake->base_url(),
                  "--phone_number_id=" + options.phone_number_id, "--waba_id=" + options.waba_id,
                  absl::StrCat("--http_listen=127.0.0.1:", http_port)});
    server = std::make_unique<ServerProcess>(
        flags, ServerProcess::Env{{"WA_CLOUD_ACCESS_TOKEN", options.access_token},
                                  {"WA_META_APP_SECRET", kCloudAppSecret},
                                  {"WA_META_VERIFY_TOKEN", "verify-token"}});
    server->Start();
    return true;
  }
};

}  // namespace wa::testing
