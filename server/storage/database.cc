#include "server/storage/database.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/util/metrics.h"

namespace wa::storage {
namespace {

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db)));
}

}  // namespace

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement::~Statement() {
  // Statements are cached by the database: reset them for the next user.
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, absl::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindTime(int index, absl::Time value) {
  return Bind(index, absl::ToUnixMicros(value));
}

Statement& Statement::BindOptionalTime(int index, std::optional<absl::Time> value) {
  return value ? BindTime(index, *value) : BindNull(index);
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, "step");
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

std::string Statement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, col));
}

std::string Statement::ColumnBlob(int col) const {
  const void* bytes = sqlite3_column_blob(stmt_, col);
  if (bytes == nullptr) return "";
  return std::string(static_cast<const char*>(bytes), sqlite3_column_bytes(stmt_, col));
}

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::optional<absl::Time> Statement::ColumnOptionalTime(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return absl::FromUnixMicros(ColumnInt(col));
}

absl::Time Statement::ColumnTime(int col) const {
  return ColumnOptionalTime(col).value_or(absl::UnixEpoch());
}

struct Database::Connection {
  sqlite3* db = nullptr;
  absl::flat_hash_map<std::string, sqlite3_stmt*> cache;

  ~Connection() {
    for (auto& [sql, stmt] : cache) sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
};

struct Database::Pending {
  const std::function<absl::Status()>* work;
  absl::Status status;
  bool done = false;
};

namespace {

// The connection of the Transaction() or Read() running on this thread.
thread_local sqlite3* current_db = nullptr;
thread_local absl::flat_hash_map<std::string, sqlite3_stmt*>* current_cache = nullptr;

absl::Status ExecOn(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    absl::Status status = absl::InternalError(absl::StrCat("sqlite: ", error ? error : "?"));
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<sqlite3*> OpenConnection(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "cannot open database ", path, ": ", db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return status;
  }
  sqlite3_busy_timeout(db, 5000);
  std::vector<const char*> pragmas = {"PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"};
  if (!read_only) {
    pragmas.insert(pragmas.begin(), {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"});
  }
  for (const char* pragma : pragmas) {
    if (absl::Status s = ExecOn(db, pragma); !s.ok()) {
      sqlite3_close(db);
      return s;
    }
  }
  return db;
}

// Runs one statement without rows (BEGIN, SAVEPOINT, COMMIT...) through
// the connection's statement cache: these run several times per
// transaction, and parsing them each time showed in the profile.
absl::Status ExecCached(sqlite3* db, absl::flat_hash_map<std::string, sqlite3_stmt*>& cache,
                        absl::string_view sql) {
  auto it = cache.find(sql);
  if (it == cache.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      return absl::InternalError(absl::StrCat("sqlite: ", sqlite3_errmsg(db)));
    }
    it = cache.emplace(std::string(sql), stmt).first;
  }
  int rc = sqlite3_step(it->second);
  sqlite3_reset(it->second);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    return absl::InternalError(absl::StrCat("sqlite: ", sqlite3_errmsg(db)));
  }
  return absl::OkStatus();
}

// Sets the thread's current connection for the duration of a call.
class UseConnection {
 public:
  UseConnection(sqlite3* db, absl::flat_hash_map<std::string, sqlite3_stmt*>* cache)
      : saved_db_(current_db), saved_cache_(current_cache) {
    current_db = db;
    current_cache = cache;
  }
  ~UseConnection() {
    current_db = saved_db_;
    current_cache = saved_cache_;
  }

 private:
  sqlite3* saved_db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*>* saved_cache_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         int read_connections) {
  std::unique_ptr<Database> database(new Database());
  absl::StatusOr<sqlite3*> writer = OpenConnection(path, /*read_only=*/false);
  if (!writer.ok()) return writer.status();
  database->writer_ = std::make_unique<Connection>();
  database->writer_->db = *writer;
  for (int i = 0; i < std::max(1, read_connections); ++i) {
    absl::StatusOr<sqlite3*> reader = OpenConnection(path, /*read_only=*/true);
    if (!reader.ok()) return reader.status();
    database->readers_.push_back(std::make_unique<Connection>());
    database->readers_.back()->db = *reader;
    absl::MutexLock lock(&database->readers_mu_);
    database->free_readers_.push_back(database->readers_.back().get());
  }
  return database;
}

Database::~Database() = default;

absl::Status Database::Transaction(const std::function<absl::Status()>& work) {
  Pending me{&work};
  std::vector<Pending*> batch;
  {
    absl::MutexLock lock(&commit_mu_);
    queue_.push_back(&me);
    while (!me.done && leader_active_) commit_cv_.Wait(&commit_mu_);
    if (me.done) return me.status;
    // Lead: take everything waiting, this call included.
    leader_active_ = true;
    batch.swap(queue_);
  }
  RunBatch(batch);
  {
    absl::MutexLock lock(&commit_mu_);
    for (Pending* p : batch) p->done = true;
    leader_active_ = false;
    ++commits_;
    transactions_ += static_cast<int64_t>(batch.size());
  }
  commit_cv_.SignalAll();
  return me.status;
}

void Database::RunBatch(const std::vector<Pending*>& batch) {
  UseConnection use(writer_->db, &writer_->cache);
  auto exec = [this](absl::string_view sql) {
    return ExecCached(writer_->db, writer_->cache, sql);
  };
  absl::Status begin = exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Pending* p : batch) p->status = begin;
    return;
  }
  for (Pending* p : batch) {
    p->status = exec("SAVEPOINT work");
    if (p->status.ok()) p->status = (*p->work)();
    if (!p->status.ok()) exec("ROLLBACK TO work").IgnoreError();
    exec("RELEASE work").IgnoreError();
  }
  absl::Time commit_start = absl::Now();
  absl::Status commit = exec("COMMIT");
  util::Metrics::Global().ObserveCommit(absl::Now() - commit_start, static_cast<int>(batch.size()));
  if (!commit.ok()) {
    exec("ROLLBACK").IgnoreError();
    for (Pending* p : batch) {
      if (p->status.ok()) p->status = commit;
    }
  }
}

absl::Status Database::Savepoint(const std::function<absl::Status()>& work) {
  if (current_db != writer_->db) return absl::InternalError("Savepoint() outside Transaction()");
  auto exec = [this](absl::string_view sql) {
    return ExecCached(writer_->db, writer_->cache, sql);
  };
  if (absl::Status s = exec("SAVEPOINT nested"); !s.ok()) return s;
  absl::Status status = work();
  if (!status.ok()) exec("ROLLBACK TO nested").IgnoreError();
  exec("RELEASE nested").IgnoreError();
  return status;
}

Database::Connection* Database::AcquireReader() {
  absl::MutexLock lock(&readers_mu_);
  while (free_readers_.empty()) readers_cv_.Wait(&readers_mu_);
  Connection* connection = free_readers_.back();
  free_readers_.pop_back();
  return connection;
}

void Database::ReleaseReader(Connection* connection) {
  {
    absl::MutexLock lock(&readers_mu_);
    free_readers_.push_back(connection);
  }
  readers_cv_.Signal();
}

absl::Status Database::Read(const std::function<absl::Status()>& work) {
  Connection* reader = AcquireReader();
  absl::Status status;
  {
    UseConnection use(reader->db, &reader->cache);
    // One snapshot for the whole read, even across several statements.
    status = ExecCached(reader->db, reader->cache, "BEGIN");
    if (status.ok()) status = work();
    ExecCached(reader->db, reader->cache, "COMMIT").IgnoreError();
  }
  ReleaseReader(reader);
  return status;
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  sqlite3* db = current_db;
  if (db == nullptr) return absl::InternalError("Prepare() outside Transaction() or Read()");
  auto it = current_cache->find(sql);
  if (it != current_cache->end()) return Statement(db, it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return SqliteError(db, absl::StrCat("prepare `", sql, "`"));
  }
  current_cache->emplace(std::string(sql), stmt);
  return Statement(db, stmt);
}

absl::Status Database::Exec(absl::string_view sql) {
  if (current_db == nullptr) return absl::InternalError("Exec() outside Transaction() or Read()");
  return ExecOn(current_db, std::string(sql));
}

int64_t Database::Changes() const { return current_db ? sqlite3_changes64(current_db) : 0; }

int64_t Database::commits() const {
  absl::MutexLock lock(&commit_mu_);
  return commits_;
}

int64_t Database::transactions() const {
  absl::MutexLock lock(&commit_mu_);
  return transactions_;
}

}  // namespace wa::storage
