#pragma once

// The fixture of the helpful-errors tests (helpful_errors_test.cc,
// declared_errors_test.cc): one sandbox server for the suite, an admin and
// a staff token, and REST calls that read the contract's error body.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/integration/server_process.h"

namespace wa::testing {

using Json = nlohmann::json;

inline constexpr char kApi[] = "/api/v1/whatsapp";
inline constexpr char kGuest[] = "+15550700001";

class HelpfulErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--sandbox_status_delay=50ms"});
    server_->Start();
    admin_ = new std::string(server_->CreateToken("admin"));
    staff_ = new std::string(server_->CreateToken("staff"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete admin_;
    delete staff_;
  }

  struct Answer {
    int status = 0;
    Json body;
  };

  static Answer Call(const std::string& method, const std::string& target, const Json& body,
                     const std::string& token, const std::string& type = "application/json") {
    httplib::Client client("127.0.0.1", server_->http_port());
    client.set_read_timeout(10, 0);
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    const std::string text = body.is_string() ? body.get<std::string>() : body.dump();
    httplib::Result r = method == "GET"      ? client.Get(target, headers)
                        : method == "DELETE" ? client.Delete(target, headers)
                        : method == "PATCH"  ? client.Patch(target, headers, text, type)
                                             : client.Post(target, headers, text, type);
    if (!r) return {};
    return {r->status, Json::parse(r->body, nullptr, false)};
  }
  static Answer Post(const std::string& path, const Json& body, const std::string& token = "") {
    return Call("POST", absl::StrCat(kApi, path), body, token.empty() ? *staff_ : token);
  }
  static Answer Get(const std::string& path_and_query) {
    return Call("GET", absl::StrCat(kApi, path_and_query), nullptr, *staff_);
  }

  static void GuestWrites(const std::string& phone) {
    Answer a = Post("/sandbox/inbound", {{"guest_phone", phone}, {"text", "Hello"}}, *admin_);
    ASSERT_EQ(a.status, 200) << a.body.dump();
  }

  static std::string Message(const Answer& a) { return a.body["error"].value("message", ""); }
  static std::string Recovery(const Answer& a) {
    return a.body["error"]["recovery_options"].dump();
  }

  static inline ServerProcess* server_ = nullptr;
  static inline std::string* admin_ = nullptr;
  static inline std::string* staff_ = nullptr;
};

}  // namespace wa::testing
