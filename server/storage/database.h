#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/backend.h"
#include "server/storage/database_url.h"

namespace wa::storage {

// A prepared statement of the current connection. Column indexes are
// 0-based and parameter indexes 1-based, as in SQLite.
class Statement {
 public:
  explicit Statement(BackendStatement* impl) : impl_(impl) {}
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, absl::string_view value);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, absl::string_view bytes);
  // Stores a time as microseconds since the epoch; absl::InfinitePast() as NULL.
  Statement& BindTime(int index, absl::Time value);
  Statement& BindOptionalTime(int index, std::optional<absl::Time> value);

  // Advances to the next row; false when done. Errors surface through Run().
  absl::StatusOr<bool> Step();
  // Executes to completion, ignoring rows.
  absl::Status Run();

  std::string ColumnText(int col) const;
  std::string ColumnBlob(int col) const;
  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  bool ColumnIsNull(int col) const;
  std::optional<absl::Time> ColumnOptionalTime(int col) const;
  absl::Time ColumnTime(int col) const;

 private:
  BackendStatement* impl_;
};

// The database the repositories use: SQLite (sqlite_backend.h: WAL, one
// writer with group commit, a pool of readers) or PostgreSQL
// (postgres_backend.h: pools of connections), chosen by the URL. The SQL
// the repositories write is one text for both (docs/postgres-port.md).
class Database {
 public:
  static constexpr int kTransactionTries = 4;

  static absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseUrl& url,
                                                        const PoolSizes& pools = {});
  ~Database();

  // Runs `work` in a transaction; its changes are committed (durably) if
  // it returns OK and undone otherwise. `work` must not call Transaction().
  // A transaction that lost a race with another (IsConflict: a deadlock or
  // serialization failure, PostgreSQL only) is undone and `work` runs again,
  // up to kTransactionTries times in all: `work` must start from scratch.
  absl::Status Transaction(const std::function<absl::Status()>& work);
  // Inside Transaction(): runs `action` on the thread that called
  // Transaction() once the transaction has committed durably, and never if
  // it is undone (an action added inside a Savepoint() that failed still
  // runs: use it for wake-ups, which may be spurious). Outside a
  // transaction it runs at once.
  void AfterCommit(std::function<void()> action);
  // Inside Transaction(): runs `work` under a savepoint of its own, so that
  // its changes are undone alone if it fails; the transaction goes on.
  absl::Status Savepoint(const std::function<absl::Status()>& work);
  // Runs `work` on a read connection. With ReadScope::kOneStatement
  // (backend.h) `work` may prepare one statement (Prepare or Exec) and run
  // it once; a second fails with INTERNAL, so a read that grows a second
  // statement is caught by its tests on either engine, not left reading
  // two snapshots.
  absl::Status Read(const std::function<absl::Status()>& work,
                    ReadScope scope = ReadScope::kSnapshot);
  // Runs `work` apart from any Transaction() of the calling thread, each
  // statement committed as it completes: for one-statement writes whose row
  // locks must not last as long as the caller's transaction (the shared
  // rate limits, rate_limit_repository.h). PostgreSQL: a connection of a
  // pool of its own, in autocommit mode. SQLite (one writer, one instance):
  // inside the writer's transaction it runs in place, its changes
  // committed or undone with that transaction; otherwise as a Transaction().
  // `flush` (backend.h): whether each commit waits to be durable.
  absl::Status Autocommit(const std::function<absl::Status()>& work, Flush flush = Flush::kWait);

  // Which engine this is: several instances may share a PostgreSQL
  // database, so state that must hold across them lives in it.
  DatabaseUrl::Engine engine() const { return engine_; }
  const DatabaseUrl& url() const { return url_; }
  // For util::CoalescedLookup: how many reads of many keys may run at once
  // (one a read connection) where each statement is a round trip to a
  // server; 0 on SQLite, where a statement is no round trip and a read is
  // best run alone.
  int coalesced_reads() const {
    return engine_ == DatabaseUrl::Engine::kPostgres ? read_connections_ : 0;
  }

  // Only valid inside Transaction() or Read(), on that call's connection.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);
  absl::Status Exec(absl::string_view sql);
  int64_t Changes() const;

  // For the migrations (migrations.h), inside Read() or Transaction(): the
  // schema's version; recording a new one and holding other processes off
  // until the transaction ends (Transaction() only); a migration's DDL,
  // written in SQLite's spelling, in this engine's.
  absl::StatusOr<int> SchemaVersion();
  absl::Status SetSchemaVersion(int version);
  absl::Status LockSchema();
  std::string SchemaSql(absl::string_view ddl) const;

  // How many commits and transactions so far: the group-commit ratio.
  int64_t commits() const;
  int64_t transactions() const;

 private:
  Database(std::unique_ptr<Backend> backend, DatabaseUrl url, int read_connections)
      : backend_(std::move(backend)),
        engine_(url.engine),
        url_(std::move(url)),
        read_connections_(read_connections) {}

  std::unique_ptr<Backend> backend_;
  DatabaseUrl::Engine engine_;
  DatabaseUrl url_;
  int read_connections_;
};

// Runs `work` (returning absl::StatusOr<T>) under Database::Read.
template <typename F>
auto ReadValue(Database& db, F&& work, ReadScope scope = ReadScope::kSnapshot)
    -> std::invoke_result_t<F&> {
  std::invoke_result_t<F&> result{absl::UnknownError("not run")};
  db.Read(
        [&] {
          result = work();
          return result.status();
        },
        scope)
      .IgnoreError();
  return result;
}

// Runs `work` (returning absl::StatusOr<T>) in one transaction: committed if
// it succeeds, rolled back otherwise.
template <typename F>
auto TransactValue(Database& db, F&& work) -> std::invoke_result_t<F&> {
  std::invoke_result_t<F&> result{absl::UnknownError("not run")};
  absl::Status status = db.Transaction([&] {
    result = work();
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

// Reads every remaining row of `stmt` with `read(const Statement&) -> T`.
template <typename T, typename Reader>
absl::StatusOr<std::vector<T>> CollectRows(Statement& stmt, Reader read) {
  std::vector<T> rows;
  while (true) {
    absl::StatusOr<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) return rows;
    rows.push_back(read(stmt));
  }
}

// Reads the first row of `stmt`, if any.
template <typename T, typename Reader>
absl::StatusOr<std::optional<T>> FirstRow(Statement& stmt, Reader read) {
  absl::StatusOr<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(stmt));
}

}  // namespace wa::storage
