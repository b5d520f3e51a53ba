#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/backend.h"

// One libpq session of the PostgreSQL backend (postgres_backend.cc) and the
// statements it keeps prepared: the round trips a statement costs, and how
// few they are kept (prepared once per connection, BEGIN deferred into the
// first statement's pipeline, a read's COMMIT not waited for). With
// postgres_backend.cc, the only code that calls libpq.
namespace wa::storage {

// libpq's message on one line, for our one-line errors.
std::string PgOneLine(absl::string_view text);

class PgStatement;

// A statement's parameters as libpq takes them.
struct PgParams {
  const std::vector<Oid>& types;
  const std::vector<const char*>& values;
  const std::vector<int>& lengths;
  const std::vector<int>& formats;
};

class PgConnection : public Connection {
 public:
  explicit PgConnection(PGconn* conn);
  ~PgConnection() override;

  absl::StatusOr<BackendStatement*> Prepare(absl::string_view sql) override;

  absl::Status Exec(absl::string_view sql) override {
    if (absl::Status s = Settle(); !s.ok()) return s;
    return ExecNow(sql);
  }

  int64_t Changes() const override { return changes_; }

  // The outcome of `result`; counts the rows an INSERT, UPDATE or DELETE
  // changed, as SQLite's changes() does.
  absl::Status Check(const PGresult* result, absl::string_view sql);

  // Runs one statement of the repositories into `*result` (the caller
  // clears it). Its text is prepared once per connection and parameter
  // types (the server fixes the types at PREPARE), then only executed:
  // one round trip, no parse and no plan. The first time, the PREPARE and
  // a deferred BEGIN travel with it in one pipeline: still one round trip.
  // A text that starts with kPlanEachRun is never prepared (sql_dialect.h).
  absl::Status Run(const std::string& sql, const PgParams& params, PGresult** result);

  // Makes the next statement start a transaction: BEGIN is sent with it,
  // not on its own (a transaction whose work runs no statement costs none).
  void DeferBegin(std::string begin) {
    deferred_begin_ = std::move(begin);
    began_ = false;
  }
  // Whether the deferred BEGIN went out; forgets it if it did not.
  bool Began() {
    if (deferred_begin_.empty()) return began_;
    deferred_begin_.clear();
    return false;
  }
  // Sends COMMIT without waiting for its answer, for read-only
  // transactions: whoever uses the connection next collects it first.
  void CommitUnawaited();

  // After the server went away: a new session, without the old one's
  // prepared statements.
  void ReconnectIfBroken() {
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    prepared_.clear();
    prepared_names_ = 0;
    deferred_begin_.clear();
    unawaited_ = false;
    flush_skipped_ = false;
  }

  // Whether this session's commits wait for their WAL flush (Flush,
  // backend.h): the server's own setting, or synchronous_commit off. One
  // round trip when it changes, none otherwise.
  absl::Status WaitForFlush(bool wait) {
    if (flush_skipped_ == !wait) return absl::OkStatus();
    absl::Status s = Exec(wait ? "RESET synchronous_commit" : "SET synchronous_commit = off");
    if (s.ok()) flush_skipped_ = !wait;
    return s;
  }

  bool InFailedTransaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

 private:
  absl::Status ExecNow(absl::string_view sql) {
    PGresult* result = PQexec(conn_, std::string(sql).c_str());
    absl::Status status = Check(result, sql);
    PQclear(result);
    return status;
  }
  // Before any other command: the answer to an unawaited COMMIT, and a
  // deferred BEGIN on its own (Exec's commands are not pipelined).
  absl::Status Settle();
  // The answer to an unawaited COMMIT, if one is due.
  void CollectCommit();
  absl::Status RunPipeline(const std::string& sql, const std::string* name, bool prepare,
                           const PgParams& params, PGresult** result);
  // The first failure among a pipeline's results, each cleared.
  absl::Status TakeResult(absl::string_view what, absl::Status* first);

  PGconn* conn_;
  absl::flat_hash_map<std::string, std::unique_ptr<PgStatement>> cache_;
  // Prepared statement names by SQL text and parameter types.
  absl::flat_hash_map<std::string, std::string> prepared_;
  // Names are never reused within a session (a dropped entry's statement
  // still exists on the server).
  int64_t prepared_names_ = 0;
  std::string deferred_begin_;
  bool began_ = false;
  bool unawaited_ = false;
  bool flush_skipped_ = false;
  int64_t changes_ = 0;
};

// A new session on `uri`, in UTF-8, with the server's notices dropped.
absl::StatusOr<std::unique_ptr<PgConnection>> ConnectPostgres(const std::string& uri);

}  // namespace wa::storage
