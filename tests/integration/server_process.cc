#include "tests/integration/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/common/postgres_server.h"

namespace wa::testing {
namespace {

std::string RunAndCapture(const std::string& command) {
  std::array<char, 512> buffer;
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  if (pclose(pipe) != 0) throw std::runtime_error("command failed: " + command);
  return std::string(absl::StripTrailingAsciiWhitespace(output));
}

}  // namespace

bool TestsRunOnPostgres() {
  const char* engine = std::getenv("WA_TEST_DATABASE");
  return engine != nullptr && std::string(engine) == "postgresql";
}

ServerProcess::ServerProcess(std::vector<std::string> extra_flags, Env env)
    : extra_flags_(std::move(extra_flags)), env_(std::move(env)) {
  char pattern[] = "/tmp/wa-it-XXXXXX";
  data_dir_ = mkdtemp(pattern);
  if (TestsRunOnPostgres()) {
    absl::StatusOr<PostgresServer*> server = SharedPostgresServer();
    if (!server.ok()) throw std::runtime_error(std::string(server.status().message()));
    absl::StatusOr<std::string> url = (*server)->CreateDatabase();
    if (!url.ok()) throw std::runtime_error(std::string(url.status().message()));
    database_url_ = *url;
    owns_database_ = true;
  }
}

void ServerProcess::ShareDatabaseOf(const ServerProcess& other) {
  if (owns_database_) {
    absl::StatusOr<PostgresServer*> server = SharedPostgresServer();
    if (server.ok()) (*server)->DropDatabase(database_url_).IgnoreError();
  }
  owns_database_ = false;
  database_url_ = other.database_url_.empty() ? "sqlite://" + (other.data_dir_ / "wa.db").string()
                                              : other.database_url_;
  const auto own_keys = [](const std::string& flag) {
    return absl::StartsWith(flag, "--erasure_key_dir=");
  };
  if (std::none_of(extra_flags_.begin(), extra_flags_.end(), own_keys)) {
    auto theirs = std::find_if(other.extra_flags_.begin(), other.extra_flags_.end(), own_keys);
    extra_flags_.push_back(theirs != other.extra_flags_.end()
                               ? *theirs
                               : "--erasure_key_dir=" + (other.data_dir_ / "keys").string());
  }
}

ServerProcess::~ServerProcess() {
  Kill();
  std::filesystem::remove_all(data_dir_);
  if (owns_database_) {
    absl::StatusOr<PostgresServer*> server = SharedPostgresServer();
    if (server.ok()) (*server)->DropDatabase(database_url_).IgnoreError();
  }
}

void ServerProcess::Start() {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {WA_SERVER_BIN,
                                   "--data_dir=" + data_dir_.string(),
                                   "--grpc_listen=127.0.0.1:0",
                                   "--http_listen=127.0.0.1:0",
                                   "--sandbox_status_delay=100ms",
                                   "--sandbox_template_review_delay=300ms",
                                   "--reconcile_grace=2s",
                                   "--batch_hold=2s"};
  if (!database_url_.empty()) args.push_back("--database_url=" + database_url_);
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  pid_ = fork();
  if (pid_ == 0) {
    for (const auto& [name, value] : env_) setenv(name.c_str(), value.c_str(), 1);
    dup2(out[1], STDOUT_FILENO);
    if (capture_stderr_) {
      int log = open(stderr_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (log >= 0) dup2(log, STDERR_FILENO);
    }
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {0};
  // The ready record is JSON: {..., "msg":"wa-server listening grpc=N http=M", ...}.
  const char* msg =
      fgets(line, sizeof(line), stream) != nullptr ? strstr(line, "wa-server listening ") : nullptr;
  bool ready = msg != nullptr &&
               sscanf(msg, "wa-server listening grpc=%d http=%d", &grpc_port_, &http_port_) == 2;
  fclose(stream);
  if (!ready) throw std::runtime_error(absl::StrCat("wa-server did not start: ", line));
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ServerProcess::Stop() {
  Terminate();
  return Wait();
}

void ServerProcess::Terminate() {
  if (pid_ > 0) kill(pid_, SIGTERM);
}

int ServerProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::Stderr() const {
  std::ifstream in(stderr_path());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ServerProcess::Operator(const std::string& args) {
  return RunAndCapture(absl::StrCat(WA_SERVER_BIN, " ", args, " ", DataFlags()));
}

std::string ServerProcess::CreateToken(const std::string& role, const std::string& property) {
  return Operator(
      absl::StrCat("tokens create --role=", role, " --name=it-", role, " --property=", property));
}

std::string ServerProcess::DataFlags() const {
  return absl::StrCat("--data_dir=", data_dir_.string(),
                      database_url_.empty() ? "" : " --database_url=", database_url_);
}

}  // namespace wa::testing
