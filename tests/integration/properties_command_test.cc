// `wa-server properties`, the operator's command for a chain's properties
// and their WhatsApp numbers, run as the built binary on a server's data
// (SQLite, or PostgreSQL in the postgresql: copies): its refusals, its
// listing (no token), and a running server's GetProperty seeing a change
// without a restart, each token only its own property.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `wa-server properties <arguments>` on `server`'s data.
CommandRun Properties(const ServerProcess& server, const std::string& arguments) {
  std::filesystem::path err_file = server.data_dir() / "command-stderr.txt";
  std::string command = absl::StrCat(WA_SERVER_BIN, " properties ", arguments, " ",
                                     server.DataFlags(), " 2>", err_file.string());
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 512> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) run.out += buffer.data();
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream err;
  err << in.rdbuf();
  run.err = err.str();
  return run;
}

void ExpectRefused(const CommandRun& run, const std::string& mentions) {
  EXPECT_EQ(run.exit_code, 2) << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.err, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 1u) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, mentions)) << "wanted '" << mentions << "' in " << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

void ExpectDone(const CommandRun& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.err.empty()) << run.err;
}

// The lines of `properties list` after its header.
std::vector<std::string> Listed(const ServerProcess& server) {
  CommandRun run = Properties(server, "list");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  EXPECT_FALSE(lines.empty());
  if (!lines.empty()) EXPECT_TRUE(absl::StartsWith(lines[0], "PROPERTY")) << lines[0];
  if (!lines.empty()) lines.erase(lines.begin());
  return lines;
}

std::vector<std::string> Fields(const std::string& line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

std::string WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::ofstream(path) << contents;
  return path.string();
}

Rpc GetPropertyRpc() {
  return {"/hotel.whatsapp.v1.PropertiesService/GetProperty", "GET", "/api/v1/whatsapp/property"};
}

TEST(PropertiesCommand, RefusalsAreOneLineExitTwoAndChangeNothing) {
  ServerProcess server;  // its data only: the command needs no running server
  ExpectDone(Properties(server, "add-number default --phone_number_id=1001 --waba_id=5001"));
  std::vector<std::string> before = Listed(server);
  ASSERT_EQ(before.size(), 1u);

  ExpectRefused(Properties(server, "set paris --time_zone=Mars/Olympus_Mons"),
                "unknown time zone \"Mars/Olympus_Mons\"");
  ExpectRefused(Properties(server, "add-number paris --phone_number_id=1001 --waba_id=5002"),
                "already belongs to property default");
  ExpectRefused(Properties(server, absl::StrCat("add-number paris --phone_number_id=2001 "
                                                "--waba_id=5002 --access_token_file=",
                                                (server.data_dir() / "no-such-file").string())),
                "cannot read token file");
  ExpectRefused(Properties(server, "add-number paris --waba_id=5002"), "--phone_number_id");
  ExpectRefused(Properties(server, "add-number paris --phone_number_id=2001"), "--waba_id");
  ExpectRefused(Properties(server, "add-number --phone_number_id=2001 --waba_id=5002"),
                "needs PROPERTY");
  ExpectRefused(Properties(server, "remove-number paris"), "--phone_number_id");
  ExpectRefused(Properties(server, "remove-number paris --phone_number_id=1001"), "not found");
  ExpectRefused(Properties(server,
                           "add-number paris --phone_number_id=2001 --waba_id=5002 "
                           "--display_phone_number=reception"),
                "E.164");
  ExpectRefused(Properties(server,
                           "add-number paris --phone_number_id=2001 --waba_id=5002 "
                           "--access_token_env=PARIS_TOKEN --access_token_file=/etc/hosts"),
                "not both");
  ExpectRefused(Properties(server, "rename default"), "unknown verb 'rename'");
  ExpectRefused(Properties(server, ""), "usage");
  ExpectRefused(Properties(server, "list extra"), "takes no argument");

  EXPECT_EQ(Listed(server), before);
}

TEST(PropertiesCommand, ListShowsEveryPropertyAndTokenSourcesNeverTokens) {
  ServerProcess server;
  std::string token_file = WriteFile(server.data_dir() / "paris.token", "EAAB-paris-secret\n");
  ExpectDone(
      Properties(server, absl::StrCat("add-number paris --phone_number_id=2001 --waba_id=5002 "
                                      "--display_phone_number='+33 1 42 00 00 00' "
                                      "--access_token_file=",
                                      token_file)));
  ExpectDone(Properties(server,
                        "add-number paris --phone_number_id=2002 --waba_id=5002 "
                        "--access_token_env=PARIS_SPA_TOKEN --default"));
  ExpectDone(Properties(server, "set paris --display_name='Paris Opera' --time_zone=Europe/Paris"));
  ExpectDone(Properties(server, "set lyon"));

  std::vector<std::string> lines = Listed(server);
  ASSERT_EQ(lines.size(), 3u) << absl::StrJoin(lines, "\n");
  // PROPERTY TIME_ZONE PHONE_NUMBER_ID WABA_ID DISPLAY_NUMBER DEFAULT TOKEN_SOURCE NAME...
  EXPECT_EQ(Fields(lines[0]), (std::vector<std::string>{"lyon", "UTC", "-", "-", "-", "-", "-"}));
  EXPECT_EQ(Fields(lines[1]),
            (std::vector<std::string>{"paris", "Europe/Paris", "2002", "5002", "-", "yes",
                                      "env:PARIS_SPA_TOKEN", "Paris", "Opera"}));
  EXPECT_EQ(Fields(lines[2]),
            (std::vector<std::string>{"paris", "Europe/Paris", "2001", "5002", "+33142000000", "no",
                                      "file:" + token_file, "Paris", "Opera"}));
  std::string all = absl::StrJoin(lines, "\n");
  EXPECT_FALSE(absl::StrContains(all, "EAAB")) << all;

  ExpectDone(Properties(server, "remove-number paris --phone_number_id=2002"));
  lines = Listed(server);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(Fields(lines[1])[2], "2001");
  EXPECT_EQ(Fields(lines[1])[5], "yes");  // the other number became the default
}

// What a token's GetProperty answers, over `surface`.
v1::Property GetProperty(Surface& surface, const std::string& token) {
  v1::Property property;
  Outcome outcome = surface.Call(GetPropertyRpc(), token, v1::GetPropertyRequest(), &property);
  EXPECT_TRUE(outcome.ok) << surface.Name() << ": " << outcome.error.DebugString()
                          << outcome.raw_body;
  EXPECT_FALSE(absl::StrContains(outcome.raw_body, "EAAB")) << outcome.raw_body;
  EXPECT_FALSE(absl::StrContains(outcome.raw_body, "token")) << outcome.raw_body;
  return property;
}

std::vector<std::string> NumberIds(const v1::Property& property) {
  std::vector<std::string> ids;
  for (const v1::PhoneNumber& n : property.phone_numbers()) ids.push_back(n.phone_number_id());
  return ids;
}

TEST(PropertiesCommand, ARunningServerShowsEachTokenItsOwnPropertysNumbers) {
  ServerProcess server;
  server.Start();
  std::string default_admin = server.CreateToken("admin", "default");
  std::string paris_staff = server.CreateToken("staff", "paris");
  std::unique_ptr<Surface> grpc = MakeGrpcSurface(server.grpc_address());
  std::unique_ptr<Surface> rest = MakeRestSurface(server.http_port());

  v1::Property before = GetProperty(*rest, paris_staff);
  EXPECT_EQ(before.property_id(), "paris");
  EXPECT_EQ(before.time_zone(), "UTC");
  EXPECT_EQ(before.phone_numbers_size(), 0);

  std::string token_file = WriteFile(server.data_dir() / "paris.token", "EAAB-paris-secret");
  ExpectDone(Properties(server, absl::StrCat("add-number paris --phone_number_id=2001 "
                                             "--waba_id=5002 --display_phone_number=+33142000000 "
                                             "--access_token_file=",
                                             token_file)));
  ExpectDone(Properties(server, "set paris --display_name=Paris --time_zone=Europe/Paris"));
  ExpectDone(Properties(server,
                        "add-number default --phone_number_id=1001 --waba_id=5001 "
                        "--access_token_env=DEFAULT_TOKEN"));

  for (Surface* surface : {rest.get(), grpc.get()}) {
    SCOPED_TRACE(surface->Name());
    v1::Property paris;
    EXPECT_TRUE(WaitUntil(
        [&] {
          paris = GetProperty(*surface, paris_staff);
          return paris.phone_numbers_size() > 0;
        },
        absl::Seconds(5)));
    EXPECT_EQ(paris.property_id(), "paris");
    EXPECT_EQ(paris.display_name(), "Paris");
    EXPECT_EQ(paris.time_zone(), "Europe/Paris");
    ASSERT_EQ(NumberIds(paris), std::vector<std::string>{"2001"});
    const v1::PhoneNumber& number = paris.phone_numbers(0);
    EXPECT_EQ(number.waba_id(), "5002");
    EXPECT_EQ(number.display_phone_number(), "+33142000000");
    EXPECT_TRUE(number.is_default());
    EXPECT_EQ(number.quality_rating(), "");

    v1::Property home = GetProperty(*surface, default_admin);
    EXPECT_EQ(home.property_id(), "default");
    EXPECT_EQ(NumberIds(home), std::vector<std::string>{"1001"});
  }

  // REST prints every field, defaults included, in the contract's names.
  httplib::Client client("127.0.0.1", server.http_port());
  httplib::Result answer =
      client.Get("/api/v1/whatsapp/property", {{"Authorization", "Bearer " + paris_staff}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  for (const char* field :
       {"\"property_id\"", "\"display_name\"", "\"time_zone\"", "\"phone_numbers\"",
        "\"phone_number_id\"", "\"waba_id\"", "\"display_phone_number\"", "\"is_default\"",
        "\"quality_rating\"", "\"messaging_limit_tier\""}) {
    EXPECT_TRUE(absl::StrContains(answer->body, field)) << field << " in " << answer->body;
  }
  // No token, no property.
  httplib::Result anonymous = client.Get("/api/v1/whatsapp/property");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

// README's section "A chain: several properties on one server" (its `sh`
// block): every `wa-server properties` line runs as written, and `list`
// prints what the README shows under it.
struct ReadmeStep {
  std::string command;                    // after "wa-server properties "
  std::vector<std::string> shown_output;  // the "# " lines under it
};

std::vector<ReadmeStep> ReadmeChainSteps() {
  std::ifstream in(WA_README);
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  size_t section = readme.find("## A chain: several properties on one server");
  size_t start = readme.find("```sh\n", section);
  size_t end = readme.find("```\n", start + 6);
  EXPECT_NE(section, std::string::npos);
  if (section == std::string::npos || start == std::string::npos) return {};
  std::string block =
      absl::StrReplaceAll(readme.substr(start + 6, end - start - 6), {{"\\\n", " "}});
  std::vector<ReadmeStep> steps;
  for (absl::string_view line : absl::StrSplit(block, '\n', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&line, "wa-server properties ")) {
      steps.push_back({std::string(line), {}});
    } else if (absl::ConsumePrefix(&line, "# ") && !steps.empty()) {
      steps.back().shown_output.emplace_back(line);
    }
  }
  return steps;
}

TEST(PropertiesCommand, TheReadmeSectionRunsAsWritten) {
  ServerProcess server;
  // The README's token file, under the test's own directory.
  std::string etc = (server.data_dir() / "etc").string() + "/";
  std::filesystem::create_directories(etc);
  WriteFile(etc + "paris-spa.token", "EAAB-spa-secret");
  std::vector<ReadmeStep> steps = ReadmeChainSteps();
  ASSERT_GE(steps.size(), 6u);
  for (const ReadmeStep& step : steps) {
    SCOPED_TRACE(step.command);
    CommandRun run =
        Properties(server, absl::StrReplaceAll(step.command, {{"/etc/wa-server/", etc}}));
    ExpectDone(run);
    if (!absl::StartsWith(step.command, "list")) continue;
    std::vector<std::string> printed = absl::StrSplit(
        absl::StrReplaceAll(run.out, {{etc, "/etc/wa-server/"}}), '\n', absl::SkipEmpty());
    ASSERT_EQ(printed.size(), step.shown_output.size()) << run.out;
    for (size_t i = 0; i < printed.size(); ++i) {
      EXPECT_EQ(Fields(printed[i]), Fields(step.shown_output[i])) << printed[i];
    }
  }
}

}  // namespace
}  // namespace wa::testing
