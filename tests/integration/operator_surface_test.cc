// wa-server's operator surface: a bad flag, an unusable data directory or a
// port in use ends it at once with status 2 and a one-line reason.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

struct Run {
  int exit_code = -1;
  std::string stderr_text;
};

Run RunServer(const std::string& flags, const std::string& environment = "") {
  std::string command =
      absl::StrCat(environment, " ", WA_SERVER_BIN, " ", flags, " 2>&1 >/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  Run run;
  std::array<char, 512> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) run.stderr_text += buffer.data();
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

void ExpectOneLineFailure(const Run& run, const std::string& mentions) {
  EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
  std::vector<std::string> lines = absl::StrSplit(run.stderr_text, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 1u) << run.stderr_text;
  EXPECT_NE(run.stderr_text.find(mentions), std::string::npos) << run.stderr_text;
}

TEST(OperatorSurface, PortsInUseAreRefusedInOneLine) {
  ServerProcess first;
  first.Start();
  std::string dir = first.data_dir().string() + "/second";
  ExpectOneLineFailure(RunServer(absl::StrCat("--data_dir=", dir, " --grpc_listen=",
                                              first.grpc_address(), " --http_listen=127.0.0.1:0")),
                       "--grpc_listen");
  ExpectOneLineFailure(RunServer(absl::StrCat("--data_dir=", dir,
                                              " --grpc_listen=127.0.0.1:0 --http_listen=127.0.0.1:",
                                              first.http_port())),
                       "--http_listen");
}

TEST(OperatorSurface, BadFlagsAndDataDirectories) {
  ExpectOneLineFailure(RunServer("--data_dir=/proc/no/such/dir"), "data directory");
  ExpectOneLineFailure(RunServer("--provider=carrier-pigeon --data_dir=/tmp/wa-op-x"),
                       "--provider");
  ExpectOneLineFailure(RunServer("--http_listen=nonsense --data_dir=/tmp/wa-op-x"),
                       "--http_listen");
  // Numbers may come from the registry alone; a flagged one needs its token.
  ExpectOneLineFailure(RunServer("--provider=cloud --phone_number_id=123 --data_dir=/tmp/wa-op-x "
                                 "--grpc_listen=127.0.0.1:0 --http_listen=127.0.0.1:0",
                                 "WA_META_APP_SECRET=s WA_META_VERIFY_TOKEN=v"),
                       "WA_CLOUD_ACCESS_TOKEN");
  // Without Meta's secrets every callback would be refused: no start, and
  // the line says which is missing.
  ExpectOneLineFailure(RunServer("--provider=cloud --phone_number_id=1 --data_dir=/tmp/wa-op-x",
                                 "WA_META_VERIFY_TOKEN=v"),
                       "WA_META_APP_SECRET");
  ExpectOneLineFailure(RunServer("--provider=cloud --phone_number_id=1 --data_dir=/tmp/wa-op-x",
                                 "WA_META_APP_SECRET=s"),
                       "WA_META_VERIFY_TOKEN");
  ExpectOneLineFailure(RunServer("--webhook_allow_loopback=maybe --data_dir=/tmp/wa-op-x"),
                       "--webhook_allow_loopback");
  ExpectOneLineFailure(RunServer("--api_requests_per_second=-1 --data_dir=/tmp/wa-op-x"),
                       "--api_requests_per_second");
  ExpectOneLineFailure(RunServer("--max_batch_messages=0 --data_dir=/tmp/wa-op-x"),
                       "--max_batch_messages");
}

TEST(OperatorSurface, BadDatabaseUrlsAreRefusedInOneLine) {
  ExpectOneLineFailure(
      RunServer("--database_url=mysql://root@localhost/wa --data_dir=/tmp/wa-op-x"),
      "--database_url");
  ExpectOneLineFailure(RunServer("--data_dir=/tmp/wa-op-x", "WA_DATABASE_URL=sqlite://"),
                       "--database_url");
  auto secret =
      RunServer("'--database_url=postgresql://wa:hunter2@[::1/wa' --data_dir=/tmp/wa-op-x");
  ExpectOneLineFailure(secret, "--database_url");
  EXPECT_EQ(secret.stderr_text.find("hunter2"), std::string::npos) << secret.stderr_text;
  // Well formed, but nothing listens there.
  ExpectOneLineFailure(
      RunServer(absl::StrCat("--database_url=postgresql://wa@127.0.0.1:", FreeLoopbackPort(),
                             "/wa --data_dir=/tmp/wa-op-x --grpc_listen=127.0.0.1:0 "
                             "--http_listen=127.0.0.1:0")),
      "PostgreSQL");
  ExpectOneLineFailure(RunServer("tokens list --database_url=mysql://x --data_dir=/tmp/wa-op-x"),
                       "--database_url");
}

TEST(OperatorSurface, ASqliteDatabaseUrlPlacesTheDatabase) {
  std::filesystem::path elsewhere =
      std::filesystem::temp_directory_path() / absl::StrCat("wa-op-db-", getpid());
  std::filesystem::remove_all(elsewhere);
  std::filesystem::create_directories(elsewhere);
  {
    ServerProcess server({absl::StrCat("--database_url=sqlite://", (elsewhere / "x.db").string())});
    server.Start();
    EXPECT_TRUE(std::filesystem::exists(elsewhere / "x.db"));
    EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "wa.db"));
  }
  std::filesystem::remove_all(elsewhere);
}

}  // namespace
}  // namespace wa::testing
