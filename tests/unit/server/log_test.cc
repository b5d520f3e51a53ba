// The server's log lines: one JSON object each, the request id of the
// thread's current request, extra fields, and no secrets.
#include "server/util/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/request_id.h"
#include "nlohmann/json.hpp"

namespace wa::util {
namespace {

using ::nlohmann::json;

// Runs `body` with stderr sent to a file, and returns the lines it wrote.
template <typename Body>
std::vector<json> CaptureLines(Body body) {
  char path[] = "/tmp/wa-log-test-XXXXXX";
  int fd = mkstemp(path);
  std::fflush(stderr);
  int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  body();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  unlink(path);
  std::vector<json> lines;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n', absl::SkipEmpty())) {
    lines.push_back(json::parse(line));  // throws, failing the test, unless JSON
  }
  return lines;
}

TEST(Log, EachLineIsOneJsonObject) {
  std::vector<json> lines = CaptureLines([] {
    LogInfo("queue depth ", 3, " for ", "sender_1");
    LogError("quote \" and newline\n inside");
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["level"], "INFO");
  EXPECT_EQ(lines[0]["msg"], "queue depth 3 for sender_1");
  EXPECT_TRUE(lines[0]["time"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(lines[0].contains("request_id"));
  EXPECT_EQ(lines[1]["level"], "ERROR");
  EXPECT_EQ(lines[1]["msg"], "quote \" and newline\n inside");
}

TEST(Log, LinesCarryTheThreadsRequestIdWhileItIsSet) {
  std::vector<json> lines = CaptureLines([] {
    {
      ScopedRequestId outer("req-outer");
      LogInfo("a");
      {
        ScopedRequestId inner("req-inner");
        LogInfo("b");
      }
      LogInfo("c");
    }
    LogInfo("d");
  });
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["request_id"], "req-outer");
  EXPECT_EQ(lines[1]["request_id"], "req-inner");
  EXPECT_EQ(lines[2]["request_id"], "req-outer");
  EXPECT_FALSE(lines[3].contains("request_id"));
}

TEST(Log, ExtraFieldsAndBadUtf8) {
  std::vector<json> lines = CaptureLines([] {
    nlohmann::ordered_json fields = {{"method", "/x.Y/Z"}, {"duration_ms", 1.5}};
    WriteLogLine("INFO", "rpc", &fields);
    LogInfo("bytes \xff\xfe from a peer");
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["method"], "/x.Y/Z");
  EXPECT_EQ(lines[0]["duration_ms"], 1.5);
  EXPECT_NE(lines[1]["msg"].get<std::string>().find("from a peer"), std::string::npos);
}

TEST(Log, SecretsAreRedacted) {
  EXPECT_EQ(RedactSecrets("token wat_AbC-9_x. end"), "token wat_[redacted] end");
  EXPECT_EQ(RedactSecrets("Authorization: Bearer abc.def"), "Authorization: Bearer [redacted]");
  EXPECT_EQ(RedactSecrets("whsec_1 and whsec_2"), "whsec_[redacted] and whsec_[redacted]");
  EXPECT_EQ(RedactSecrets("nothing secret"), "nothing secret");
  EXPECT_EQ(RedactSecrets("graph said EAAJZCq7xZBo9 is expired"),
            "graph said EAA[redacted] is expired");
  EXPECT_EQ(RedactSecrets("GET /v23.0/me?access_token=abc123&x=1"),
            "GET /v23.0/me?access_token=[redacted]&x=1");
  std::vector<json> lines = CaptureLines([] {
    ScopedRequestId id("wat_secretvalue");
    nlohmann::ordered_json fields = {{"header", "Bearer wat_zzz"}};
    WriteLogLine("INFO", "issued wat_topsecret", &fields);
  });
  ASSERT_EQ(lines.size(), 1u);
  std::string text = lines[0].dump();
  EXPECT_EQ(text.find("secretvalue"), std::string::npos) << text;
  EXPECT_EQ(text.find("topsecret"), std::string::npos) << text;
  EXPECT_EQ(text.find("zzz"), std::string::npos) << text;
}

TEST(RequestId, CallersIdsAreCheckedAndNewOnesUnique) {
  EXPECT_TRUE(IsValidRequestId("req-7"));
  EXPECT_TRUE(IsValidRequestId(std::string(128, 'a')));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId("line\nbreak"));
  EXPECT_FALSE(IsValidRequestId("caf\xc3\xa9"));
  std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_TRUE(IsValidRequestId(a));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace wa::util
