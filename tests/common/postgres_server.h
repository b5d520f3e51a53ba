#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace wa::testing {

// A throwaway PostgreSQL server from Debian's packages: initdb into a fresh
// temporary directory, then `postgres` on a free loopback port with its
// socket in that directory, trust authentication for the user `wa`, and no
// fsync unless asked (the data is thrown away). Nothing is installed or left behind: the
// destructor stops the server and deletes the directory, and the server dies
// with the test process if that crashes first (PR_SET_PDEATHSIG).
//
// initdb refuses to run as root: as root, the server runs as the `postgres`
// user (Debian's package creates it) or else `nobody`, owning the directory.
//
// The binaries come from $WA_POSTGRES_BIN, else /usr/lib/postgresql/<v>/bin,
// else PATH.
class PostgresServer {
 public:
  struct Options {
    // The server does not die with this process: see Detach.
    bool outlive_process = false;
    // fsync and synchronous commits on, as in production (for benchmarks);
    // off by default, since test data is thrown away.
    bool durable = false;
  };
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start() { return Start(Options()); }
  // A server started by another process (see Detach), used but not owned:
  // the destructor leaves it running.
  static std::unique_ptr<PostgresServer> Attach(int port);
  ~PostgresServer();

  // Lets a server started with `outlive_process` outlive this object, for a
  // CTest fixture to share it between test processes. Returns the server's
  // process id and directory, for the one who stops it.
  std::pair<pid_t, std::filesystem::path> Detach();

  // Creates a new, empty database and returns its postgresql:// URL.
  absl::StatusOr<std::string> CreateDatabase();
  // Drops the database of a URL from CreateDatabase(), closing its sessions:
  // each one takes some megabytes of the temporary directory.
  absl::Status DropDatabase(const std::string& url);
  // The URL of database `name` on this server.
  std::string Url(const std::string& name) const;
  int port() const { return port_; }

 private:
  PostgresServer() = default;
  // Runs `sql` on the maintenance database.
  absl::Status Admin(const std::string& sql);

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  int databases_ = 0;
};

// One server shared by every test of the process, started on first use, or
// the one a CTest fixture started for every test process
// ($WA_TEST_POSTGRES_STATE names the fixture's directory: see
// postgres_fixture.cc). Start errors are returned to each caller, so each
// test fails with them.
absl::StatusOr<PostgresServer*> SharedPostgresServer();

}  // namespace wa::testing
