#include "tests/common/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/common/free_port.h"

namespace wa::testing {
namespace {

// Who runs initdb and the server: ourselves, or an unprivileged user when
// we are root.
struct Identity {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Identity ServerIdentity() {
  Identity identity;
  if (geteuid() != 0) return identity;
  for (const char* name : {"postgres", "nobody"}) {
    if (const passwd* user = getpwnam(name)) {
      identity = Identity{true, user->pw_uid, user->pw_gid};
      break;
    }
  }
  return identity;
}

std::filesystem::path BinDir() {
  if (const char* dir = std::getenv("WA_POSTGRES_BIN"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code error;
  std::filesystem::path newest;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
    std::filesystem::path bin = entry.path() / "bin";
    if (std::filesystem::exists(bin / "initdb") && bin > newest) newest = bin;
  }
  return newest;  // empty: PATH
}

std::string Binary(const std::string& name) {
  std::filesystem::path dir = BinDir();
  return dir.empty() ? name : (dir / name).string();
}

// Starts `args` (args[0] a path, or a name found on PATH) with its output
// appended to `log`, as `identity`, in `dir`. With `die_with_parent` the
// child gets SIGQUIT (PostgreSQL's immediate shutdown) when we exit.
pid_t Spawn(const std::vector<std::string>& args, const std::filesystem::path& log,
            const std::filesystem::path& dir, const Identity& identity, bool die_with_parent) {
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::string log_path = log.string();
  std::string dir_path = dir.string();
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
  }
  if (identity.switch_user &&
      (setgroups(0, nullptr) != 0 || setgid(identity.gid) != 0 || setuid(identity.uid) != 0)) {
    _exit(126);
  }
  // After setuid, which clears it.
  if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || getppid() != parent)) {
    _exit(125);
  }
  if (chdir(dir_path.c_str()) != 0) _exit(124);
  execvp(argv[0], argv.data());
  _exit(127);
}

std::string Tail(const std::filesystem::path& log) {
  std::ifstream file(log);
  std::stringstream text;
  text << file.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(Options options) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  std::string pattern = (std::filesystem::temp_directory_path() / "wa-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  server->dir_ = pattern;
  Identity identity = ServerIdentity();
  if (identity.switch_user && chown(pattern.c_str(), identity.uid, identity.gid) != 0) {
    return absl::InternalError("cannot hand the temporary directory to the server's user");
  }
  std::filesystem::path data = server->dir_ / "data";
  std::filesystem::path log = server->dir_ / "server.log";

  pid_t initdb = Spawn({Binary("initdb"), "-D", data.string(), "-U", "wa", "-A", "trust", "-E",
                        "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                       log, server->dir_, identity, /*die_with_parent=*/true);
  int status = 0;
  waitpid(initdb, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("initdb failed: ", Tail(log)));
  }

  server->port_ = FreeLoopbackPort();
  const char* durable = options.durable ? "on" : "off";
  server->pid_ =
      Spawn({Binary("postgres"), "-D", data.string(), "-p", std::to_string(server->port_), "-k",
             server->dir_.string(), "-c", "listen_addresses=127.0.0.1", "-c",
             absl::StrCat("fsync=", durable), "-c", absl::StrCat("synchronous_commit=", durable),
             "-c", absl::StrCat("full_page_writes=", durable), "-c", "max_connections=300"},
            log, server->dir_, identity, /*die_with_parent=*/!options.outlive_process);
  std::string probe = server->Url("postgres");
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (PQping(probe.c_str()) != PQPING_OK) {
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return absl::FailedPreconditionError(absl::StrCat("postgres exited: ", Tail(log)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("postgres did not start: ", Tail(log)));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return server;
}

std::unique_ptr<PostgresServer> PostgresServer::Attach(int port) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  server->port_ = port;
  return server;
}

std::pair<pid_t, std::filesystem::path> PostgresServer::Detach() {
  std::pair<pid_t, std::filesystem::path> detached(pid_, dir_);
  pid_ = -1;
  dir_.clear();
  return detached;
}

PostgresServer::~PostgresServer() {
  if (pid_ > 0) {
    kill(pid_, SIGQUIT);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code error;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, error);
}

std::string PostgresServer::Url(const std::string& name) const {
  return absl::StrCat("postgresql://wa@127.0.0.1:", port_, "/", name);
}

absl::Status PostgresServer::Admin(const std::string& sql) {
  PGconn* conn = PQconnectdb(Url("postgres").c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  if (!error.empty()) return absl::InternalError(absl::StrCat(sql, ": ", error));
  return absl::OkStatus();
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase() {
  std::string name = absl::StrCat("wa_test_", getpid(), "_", databases_++);
  if (absl::Status s = Admin(absl::StrCat("CREATE DATABASE ", name)); !s.ok()) return s;
  return Url(name);
}

absl::Status PostgresServer::DropDatabase(const std::string& url) {
  std::string name = url.substr(url.rfind('/') + 1);
  return Admin(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
}

namespace {

// The server a CTest fixture started (postgres_fixture.cc), by the port it
// wrote into its directory.
absl::StatusOr<std::unique_ptr<PostgresServer>> FixtureServer(const std::filesystem::path& state) {
  std::ifstream file(state / "port");
  int port = 0;
  if (!(file >> port)) {
    return absl::FailedPreconditionError(
        absl::StrCat("no PostgreSQL fixture in ", state.string(), " (postgres_fixture start)"));
  }
  return PostgresServer::Attach(port);
}

absl::StatusOr<std::unique_ptr<PostgresServer>> StartOrAttach() {
  const char* state = std::getenv("WA_TEST_POSTGRES_STATE");
  if (state != nullptr && *state != '\0') return FixtureServer(state);
  return PostgresServer::Start();
}

}  // namespace

absl::StatusOr<PostgresServer*> SharedPostgresServer() {
  // Destroyed at exit, which stops a server of our own and deletes its
  // directory.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> server = StartOrAttach();
  if (!server.ok()) return server.status();
  return server->get();
}

}  // namespace wa::testing
