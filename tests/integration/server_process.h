#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/common/free_port.h"

namespace wa::testing {

// A real wa-server child process on ephemeral loopback ports with its own
// fresh data directory, and its own fresh database on the shared throwaway
// PostgreSQL server when WA_TEST_DATABASE is "postgresql" (the suite's
// second run, tests/integration/CMakeLists.txt).
class ServerProcess {
 public:
  using Env = std::vector<std::pair<std::string, std::string>>;
  explicit ServerProcess(std::vector<std::string> extra_flags = {}, Env env = {});
  ~ServerProcess();

  // Starts (or restarts) the server and waits for its "listening" line.
  void Start();
  // SIGKILL: no chance to clean up, as in a crash.
  void Kill();
  // SIGTERM and wait: a graceful stop. Returns the exit status (128 + the
  // signal when a signal ended it).
  int Stop();
  // SIGTERM without waiting, then Wait() for the exit status.
  void Terminate();
  int Wait();
  pid_t pid() const { return pid_; }

  // From the next Start() on, the server's stderr (its log) goes to a file
  // instead of the test's stderr; Stderr() reads what it holds so far.
  void CaptureStderr() { capture_stderr_ = true; }
  std::string Stderr() const;

  // Runs on `other`'s database from the next Start() on, as a second
  // instance behind a load balancer would (PostgreSQL: the one database
  // `other` made, which `other` drops; SQLite: its file), with `other`'s
  // erasure keys, as instances on one database must, unless this one was
  // given an --erasure_key_dir of its own.
  void ShareDatabaseOf(const ServerProcess& other);

  // `wa-server <args>` (an operator command) on this data directory and
  // database; its stdout. Throws when the command fails.
  std::string Operator(const std::string& args);
  // `wa-server tokens create` on this data directory.
  std::string CreateToken(const std::string& role, const std::string& property = "default");
  // The flags that point an operator command (`wa-server tokens ...`,
  // `wa-server properties ...`) at this server's data: --data_dir, and
  // --database_url when it has one.
  std::string DataFlags() const;

  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path stderr_path() const { return data_dir_ / "server-stderr.log"; }

 private:
  std::filesystem::path data_dir_;
  std::string database_url_;    // empty: SQLite in data_dir_
  bool owns_database_ = false;  // database_url_ was made for this process
  std::vector<std::string> extra_flags_;
  Env env_;
  bool capture_stderr_ = false;
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int http_port_ = 0;
};

// Whether this run's servers are on PostgreSQL (WA_TEST_DATABASE, the
// suite's postgresql: copies): tests of several instances need it.
bool TestsRunOnPostgres();

}  // namespace wa::testing
