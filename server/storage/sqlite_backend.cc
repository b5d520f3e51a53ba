#include "server/storage/sqlite_backend.h"

#include <sqlite3.h>

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/util/metrics.h"

namespace wa::storage {
namespace {

// A failed call as a status: ALREADY_EXISTS for a unique key taken (as on
// PostgreSQL, postgres_backend.cc), INTERNAL otherwise.
absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  std::string message = absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db));
  int code = sqlite3_extended_errcode(db);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return absl::AlreadyExistsError(message);
  }
  return absl::InternalError(message);
}

class SqliteStatement : public BackendStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindText(int index, absl::string_view value) override {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindDouble(int index, double value) override { sqlite3_bind_double(stmt_, index, value); }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }
  void BindIntNull(int index) override { sqlite3_bind_null(stmt_, index); }
  void BindBlob(int index, absl::string_view bytes) override {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }

  absl::StatusOr<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, "step");
  }

  std::string ColumnText(int col) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    if (text == nullptr) return "";
    return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, col));
  }
  std::string ColumnBlob(int col) const override {
    const void* bytes = sqlite3_column_blob(stmt_, col);
    if (bytes == nullptr) return "";
    return std::string(static_cast<const char*>(bytes), sqlite3_column_bytes(stmt_, col));
  }
  int64_t ColumnInt(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double ColumnDouble(int col) const override { return sqlite3_column_double(stmt_, col); }
  bool ColumnIsNull(int col) const override {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }

  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

absl::Status ExecOn(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    absl::Status status = absl::InternalError(absl::StrCat("sqlite: ", error ? error : "?"));
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    cache_.clear();  // finalizes every statement before the close
    sqlite3_close(db_);
  }

  absl::StatusOr<BackendStatement*> Prepare(absl::string_view sql) override {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second.get();
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      return SqliteError(db_, absl::StrCat("prepare `", sql, "`"));
    }
    auto statement = std::make_unique<SqliteStatement>(db_, stmt);
    BackendStatement* raw = statement.get();
    cache_.emplace(std::string(sql), std::move(statement));
    return raw;
  }

  absl::Status Exec(absl::string_view sql) override { return ExecOn(db_, std::string(sql)); }

  int64_t Changes() const override { return sqlite3_changes64(db_); }

  // Runs one statement without rows (BEGIN, SAVEPOINT, COMMIT...) through
  // the statement cache: these run several times per transaction, and
  // parsing them each time showed in the profile.
  absl::Status ExecCached(absl::string_view sql) {
    absl::StatusOr<BackendStatement*> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    absl::StatusOr<bool> row = (*stmt)->Step();
    (*stmt)->Reset();
    return row.status();
  }

  absl::StatusOr<int64_t> QueryInt(absl::string_view sql) {
    absl::StatusOr<BackendStatement*> stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    absl::StatusOr<bool> row = (*stmt)->Step();
    int64_t value = row.ok() && *row ? (*stmt)->ColumnInt(0) : 0;
    (*stmt)->Reset();
    if (!row.ok()) return row.status();
    return value;
  }

 private:
  sqlite3* db_;
  absl::flat_hash_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
};

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
    // auto_vacuum takes on a new database only (before its first table):
    // a database made before this keeps its mode until VACUUM (README,
    // "Guest data": `wa-server restore` converts). secure_delete zeroes what
    // is deleted or overwritten, so an erased guest's words are not left in
    // free space of the file.
    // The writer checkpoints the WAL after every 500 pages it adds instead
    // of SQLite's 1,000: a checkpoint runs inside the commit that crosses
    // the mark, and half as many pages kept those commits under 5 ms (0.1-0.3%
    // of commits over 5 ms at half the peak send rate, against 1.3-2.1%),
    // sends/s within the runs' noise (BENCHMARKS.md, issue 25).
    pragmas.insert(pragmas.begin(), {"PRAGMA auto_vacuum=INCREMENTAL", "PRAGMA journal_mode=WAL",
                                     "PRAGMA synchronous=FULL", "PRAGMA secure_delete=ON",
                                     "PRAGMA wal_autocheckpoint=500"});
  }
  for (const char* pragma : pragmas) {
    if (absl::Status s = ExecOn(db, pragma); !s.ok()) {
      sqlite3_close(db);
      return s;
    }
  }
  return db;
}

class SqliteBackend : public Backend {
 public:
  ~SqliteBackend() override;
  absl::Status Open(const std::string& path, int read_connections);

  absl::Status Transaction(const std::function<absl::Status()>& work) override;
  absl::Status Savepoint(const std::function<absl::Status()>& work) override;
  absl::Status Read(const std::function<absl::Status()>& work, ReadScope scope) override;
  absl::Status Autocommit(const std::function<absl::Status()>& work, Flush flush) override;

  absl::StatusOr<int> SchemaVersion() override;
  absl::Status SetSchemaVersion(int version) override;
  // BEGIN IMMEDIATE already holds every other writer off.
  absl::Status LockSchema() override { return absl::OkStatus(); }
  std::string SchemaSql(absl::string_view ddl) const override { return std::string(ddl); }

  int64_t commits() const override {
    absl::MutexLock lock(&commit_mu_);
    return commits_;
  }
  int64_t transactions() const override {
    absl::MutexLock lock(&commit_mu_);
    return transactions_;
  }

 private:
  // A transaction waiting for the writer thread. Its caller waits on its
  // own `done`, so each caller is woken once, when its group has committed.
  struct Pending {
    const std::function<absl::Status()>* work;
    absl::Status status;
    bool done = false;
  };

  bool WriterReady() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_) {
    return stopping_ || !queue_.empty();
  }
  void WriterLoop();
  void RunBatch(const std::vector<Pending*>& batch);
  SqliteConnection* AcquireReader();
  void ReleaseReader(SqliteConnection* connection);

  std::unique_ptr<SqliteConnection> writer_;

  mutable absl::Mutex commit_mu_;
  std::vector<Pending*> queue_ ABSL_GUARDED_BY(commit_mu_);
  bool stopping_ ABSL_GUARDED_BY(commit_mu_) = false;
  std::thread writer_thread_;
  int64_t commits_ ABSL_GUARDED_BY(commit_mu_) = 0;
  int64_t transactions_ ABSL_GUARDED_BY(commit_mu_) = 0;

  absl::Mutex readers_mu_;
  absl::CondVar readers_cv_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  std::vector<SqliteConnection*> free_readers_ ABSL_GUARDED_BY(readers_mu_);
};

absl::Status SqliteBackend::Open(const std::string& path, int read_connections) {
  absl::StatusOr<sqlite3*> writer = OpenConnection(path, /*read_only=*/false);
  if (!writer.ok()) return writer.status();
  writer_ = std::make_unique<SqliteConnection>(*writer);
  for (int i = 0; i < std::max(1, read_connections); ++i) {
    absl::StatusOr<sqlite3*> reader = OpenConnection(path, /*read_only=*/true);
    if (!reader.ok()) return reader.status();
    readers_.push_back(std::make_unique<SqliteConnection>(*reader));
    absl::MutexLock lock(&readers_mu_);
    free_readers_.push_back(readers_.back().get());
  }
  writer_thread_ = std::thread([this] { WriterLoop(); });
  return absl::OkStatus();
}

SqliteBackend::~SqliteBackend() {
  if (!writer_thread_.joinable()) return;
  {
    absl::MutexLock lock(&commit_mu_);
    stopping_ = true;
  }
  writer_thread_.join();
}

// Group commit: one thread owns the write connection and runs, in one
// transaction, every transaction that queued while the previous group was
// committing, each under a savepoint of its own; one fsync then makes the
// whole group durable. The writer goes straight from one commit to the next
// group without waiting to be scheduled, and a caller is woken only when its
// own group is durable.
absl::Status SqliteBackend::Transaction(const std::function<absl::Status()>& work) {
  if (CurrentConnection() == writer_.get()) {
    return absl::InternalError("Transaction() inside Transaction()");
  }
  Pending me{&work, absl::OkStatus(), false};
  absl::MutexLock lock(&commit_mu_);
  queue_.push_back(&me);
  commit_mu_.Await(absl::Condition(&me.done));
  return me.status;
}

void SqliteBackend::WriterLoop() {
  std::vector<Pending*> batch;
  while (true) {
    {
      absl::MutexLock lock(&commit_mu_);
      if (!batch.empty()) {
        for (Pending* p : batch) p->done = true;
        ++commits_;
        transactions_ += static_cast<int64_t>(batch.size());
        batch.clear();
      }
      commit_mu_.Await(absl::Condition(this, &SqliteBackend::WriterReady));
      if (queue_.empty()) return;  // stopping, nothing left to run
      batch.swap(queue_);
    }
    RunBatch(batch);
  }
}

void SqliteBackend::RunBatch(const std::vector<Pending*>& batch) {
  UseConnection use(writer_.get());
  SqliteConnection& writer = *writer_;
  absl::Status begin = writer.ExecCached("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Pending* p : batch) p->status = begin;
    return;
  }
  for (Pending* p : batch) {
    p->status = writer.ExecCached("SAVEPOINT work");
    if (p->status.ok()) p->status = (*p->work)();
    if (!p->status.ok()) writer.ExecCached("ROLLBACK TO work").IgnoreError();
    writer.ExecCached("RELEASE work").IgnoreError();
  }
  absl::Time commit_start = absl::Now();
  absl::Status commit = writer.ExecCached("COMMIT");
  util::Metrics::Global().ObserveCommit(absl::Now() - commit_start, static_cast<int>(batch.size()));
  if (!commit.ok()) {
    writer.ExecCached("ROLLBACK").IgnoreError();
    for (Pending* p : batch) {
      if (p->status.ok()) p->status = commit;
    }
  }
}

absl::Status SqliteBackend::Savepoint(const std::function<absl::Status()>& work) {
  if (CurrentConnection() != writer_.get()) {
    return absl::InternalError("Savepoint() outside Transaction()");
  }
  if (absl::Status s = writer_->ExecCached("SAVEPOINT nested"); !s.ok()) return s;
  absl::Status status = work();
  if (!status.ok()) writer_->ExecCached("ROLLBACK TO nested").IgnoreError();
  writer_->ExecCached("RELEASE nested").IgnoreError();
  return status;
}

SqliteConnection* SqliteBackend::AcquireReader() {
  absl::MutexLock lock(&readers_mu_);
  while (free_readers_.empty()) readers_cv_.Wait(&readers_mu_);
  SqliteConnection* connection = free_readers_.back();
  free_readers_.pop_back();
  return connection;
}

void SqliteBackend::ReleaseReader(SqliteConnection* connection) {
  {
    absl::MutexLock lock(&readers_mu_);
    free_readers_.push_back(connection);
  }
  readers_cv_.Signal();
}

absl::Status SqliteBackend::Read(const std::function<absl::Status()>& work, ReadScope scope) {
  SqliteConnection* reader = AcquireReader();
  absl::Status status;
  {
    UseConnection use(reader);
    if (scope == ReadScope::kOneStatement) {
      status = work();
    } else {
      // One snapshot for the whole read, even across several statements.
      status = reader->ExecCached("BEGIN");
      if (status.ok()) status = work();
      reader->ExecCached("COMMIT").IgnoreError();
    }
  }
  ReleaseReader(reader);
  return status;
}

absl::Status SqliteBackend::Autocommit(const std::function<absl::Status()>& work,
                                       Flush /*flush: the writer's group commit decides*/) {
  // Inside the writer's transaction (the group's leader runs every member's
  // work, whichever thread called): a Transaction() here would wait for
  // itself. One writer serializes everything anyway, so no lock is held
  // any longer by running in place.
  if (CurrentConnection() == writer_.get()) return work();
  return Transaction(work);
}

absl::StatusOr<int> SqliteBackend::SchemaVersion() {
  auto* connection = static_cast<SqliteConnection*>(CurrentConnection());
  if (connection == nullptr) return absl::InternalError("SchemaVersion() outside a transaction");
  absl::StatusOr<int64_t> version = connection->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  return static_cast<int>(*version);
}

absl::Status SqliteBackend::SetSchemaVersion(int version) {
  if (CurrentConnection() != writer_.get()) {
    return absl::InternalError("SetSchemaVersion() outside Transaction()");
  }
  return writer_->Exec(absl::StrCat("PRAGMA user_version = ", version));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> OpenSqlite(const std::string& path, int read_connections) {
  auto backend = std::make_unique<SqliteBackend>();
  if (absl::Status s = backend->Open(path, read_connections); !s.ok()) return s;
  return backend;
}

}  // namespace wa::storage
