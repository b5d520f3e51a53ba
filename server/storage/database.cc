#include "server/storage/database.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/time/clock.h"
#include "server/storage/postgres_backend.h"
#include "server/storage/sqlite_backend.h"

namespace wa::storage {

Statement::Statement(Statement&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}

Statement::~Statement() {
  // Statements are cached by their connection: reset them for the next user.
  if (impl_ != nullptr) impl_->Reset();
}

Statement& Statement::Bind(int index, absl::string_view value) {
  impl_->BindText(index, value);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  impl_->BindInt(index, value);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  impl_->BindDouble(index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  impl_->BindNull(index);
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  impl_->BindBlob(index, bytes);
  return *this;
}

Statement& Statement::BindTime(int index, absl::Time value) {
  return Bind(index, absl::ToUnixMicros(value));
}

Statement& Statement::BindOptionalTime(int index, std::optional<absl::Time> value) {
  if (value) return BindTime(index, *value);
  impl_->BindIntNull(index);
  return *this;
}

absl::StatusOr<bool> Statement::Step() { return impl_->Step(); }

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

std::string Statement::ColumnText(int col) const { return impl_->ColumnText(col); }

std::string Statement::ColumnBlob(int col) const { return impl_->ColumnBlob(col); }

int64_t Statement::ColumnInt(int col) const { return impl_->ColumnInt(col); }

double Statement::ColumnDouble(int col) const { return impl_->ColumnDouble(col); }

bool Statement::ColumnIsNull(int col) const { return impl_->ColumnIsNull(col); }

std::optional<absl::Time> Statement::ColumnOptionalTime(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return absl::FromUnixMicros(ColumnInt(col));
}

absl::Time Statement::ColumnTime(int col) const {
  return ColumnOptionalTime(col).value_or(absl::UnixEpoch());
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseUrl& url,
                                                         const PoolSizes& pools) {
  absl::StatusOr<std::unique_ptr<Backend>> backend =
      url.engine == DatabaseUrl::Engine::kPostgres ? OpenPostgres(url.postgres_uri, pools)
                                                   : OpenSqlite(url.sqlite_path, pools.readers);
  if (!backend.ok()) return backend.status();
  return std::unique_ptr<Database>(
      new Database(*std::move(backend), url, std::max(1, pools.readers)));
}

Database::~Database() = default;

namespace {

// The AfterCommit() actions of the transaction running on this thread
// (SQLite runs the work on its writer thread, PostgreSQL on the caller's).
thread_local std::vector<std::function<void()>>* after_commit = nullptr;

// How many more statements the Read() running on this thread may prepare:
// -1 without a limit, otherwise what its ReadScope::kOneStatement leaves.
thread_local int statements_left = -1;

// Sets statements_left for the life of this object. Transactions and
// autocommits inside a read are not the read's statements.
class StatementLimit {
 public:
  explicit StatementLimit(int limit) : saved_(std::exchange(statements_left, limit)) {}
  ~StatementLimit() { statements_left = saved_; }
  StatementLimit(const StatementLimit&) = delete;
  StatementLimit& operator=(const StatementLimit&) = delete;

 private:
  int saved_;
};

absl::Status TakeStatement() {
  if (statements_left == 0) {
    return absl::InternalError("a one-statement read prepared a second statement");
  }
  if (statements_left > 0) --statements_left;
  return absl::OkStatus();
}

}  // namespace

absl::Status Database::Transaction(const std::function<absl::Status()>& work) {
  std::vector<std::function<void()>> actions;
  const std::function<absl::Status()> tracked = [&]() -> absl::Status {
    actions.clear();  // a retry starts from scratch
    std::vector<std::function<void()>>* saved = std::exchange(after_commit, &actions);
    StatementLimit unlimited(-1);
    absl::Status status = work();
    after_commit = saved;
    return status;
  };
  // Only PostgreSQL reports conflicts (SQLite has one writer); a few tries,
  // each after a short random pause so that the two sides do not meet again.
  absl::Status status = backend_->Transaction(tracked);
  for (int retry = 1; retry < kTransactionTries && IsConflict(status); ++retry) {
    thread_local std::mt19937 rng(std::random_device{}());
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(1, 5 << retry)(rng)));
    status = backend_->Transaction(tracked);
  }
  if (status.ok()) {
    for (const std::function<void()>& action : actions) action();
  }
  return status;
}

void Database::AfterCommit(std::function<void()> action) {
  if (after_commit == nullptr) {
    action();
    return;
  }
  after_commit->push_back(std::move(action));
}

absl::Status Database::Savepoint(const std::function<absl::Status()>& work) {
  return backend_->Savepoint(work);
}

absl::Status Database::Read(const std::function<absl::Status()>& work, ReadScope scope) {
  StatementLimit limit(scope == ReadScope::kOneStatement ? 1 : -1);
  return backend_->Read(work, scope);
}

absl::Status Database::Autocommit(const std::function<absl::Status()>& work, Flush flush) {
  return backend_->Autocommit(
      [&] {
        StatementLimit unlimited(-1);
        return work();
      },
      flush);
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  Connection* connection = CurrentConnection();
  if (connection == nullptr)
    return absl::InternalError("Prepare() outside Transaction() or Read()");
  if (absl::Status s = TakeStatement(); !s.ok()) return s;
  absl::StatusOr<BackendStatement*> stmt = connection->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return Statement(*stmt);
}

absl::Status Database::Exec(absl::string_view sql) {
  Connection* connection = CurrentConnection();
  if (connection == nullptr) return absl::InternalError("Exec() outside Transaction() or Read()");
  if (absl::Status s = TakeStatement(); !s.ok()) return s;
  return connection->Exec(sql);
}

int64_t Database::Changes() const {
  Connection* connection = CurrentConnection();
  return connection ? connection->Changes() : 0;
}

absl::StatusOr<int> Database::SchemaVersion() { return backend_->SchemaVersion(); }

absl::Status Database::SetSchemaVersion(int version) { return backend_->SetSchemaVersion(version); }

absl::Status Database::LockSchema() { return backend_->LockSchema(); }

std::string Database::SchemaSql(absl::string_view ddl) const { return backend_->SchemaSql(ddl); }

int64_t Database::commits() const { return backend_->commits(); }

int64_t Database::transactions() const { return backend_->transactions(); }

}  // namespace wa::storage
