// One throwaway PostgreSQL server for a whole CTest run, as a fixture:
//
//   postgres_fixture start DIR [--durable]
//                                starts a server (postgres_server.h) that
//                                outlives this program; writes its port,
//                                process id and directory into DIR; with
//                                --durable, fsync on (scripts/bench)
//   postgres_fixture stop DIR    stops that server and deletes its directory
//
// Test processes find it through $WA_TEST_POSTGRES_STATE=DIR and each makes
// databases of its own on it, so that a test costs a CREATE DATABASE rather
// than an initdb and a server start.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/time/clock.h"
#include "tests/common/postgres_server.h"

namespace {

int StopServer(const std::filesystem::path& state);

int StartServer(const std::filesystem::path& state, bool durable) {
  StopServer(state);  // one a crashed run left behind
  absl::StatusOr<std::unique_ptr<wa::testing::PostgresServer>> server =
      wa::testing::PostgresServer::Start({.outlive_process = true, .durable = durable});
  if (!server.ok()) {
    std::cerr << "postgres_fixture: " << server.status() << "\n";
    return 1;
  }
  int port = (*server)->port();
  auto [pid, dir] = (*server)->Detach();
  std::filesystem::create_directories(state);
  std::ofstream(state / "pid") << pid << "\n" << dir.string() << "\n";
  // Written last: its presence says the server is up.
  std::ofstream(state / "port") << port << "\n";
  std::cout << "PostgreSQL for the tests on 127.0.0.1:" << port << "\n";
  return 0;
}

int StopServer(const std::filesystem::path& state) {
  std::ifstream file(state / "pid");
  pid_t pid = 0;
  std::string dir;
  if (!(file >> pid >> dir)) return 0;  // never started: nothing to stop
  // SIGQUIT: PostgreSQL's immediate shutdown, the data is thrown away.
  kill(pid, SIGQUIT);
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (kill(pid, 0) == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  std::filesystem::remove_all(state, error);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc >= 3 ? argv[1] : "";
  std::string option = argc == 4 ? argv[3] : "";
  if (command == "start" && argc <= 4 && (argc == 3 || option == "--durable")) {
    return StartServer(argv[2], option == "--durable");
  }
  if (command == "stop" && argc == 3) return StopServer(argv[2]);
  std::cerr << "usage: postgres_fixture start DIR [--durable] | stop DIR\n";
  return 2;
}
