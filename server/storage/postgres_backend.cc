#include "server/storage/postgres_backend.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/storage/sql_dialect.h"
#include "server/util/metrics.h"

namespace wa::storage {
namespace {

// Type oids of pg_type.h (a server header Debian's libpq-dev leaves out).
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;

// Any number: it only has to be the same in every wa-server.
constexpr char kLockSchema[] = "SELECT pg_advisory_xact_lock(7761736368)";

std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(absl::StripTrailingAsciiWhitespace(text), {{"\n", " "}, {"\t", ""}});
}

// A failed command as a status whose code says what the caller can do:
// UNAVAILABLE when the server is gone, ABORTED for a conflict with another
// transaction (Database::Transaction retries it), ALREADY_EXISTS for a
// unique key taken (as SQLite's), INTERNAL for a bug in our SQL.
absl::Status PgError(PGconn* conn, const PGresult* result, absl::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = absl::StrCat(
      "postgres: ", OneLine(primary ? primary : PQerrorMessage(conn)), " in `", sql, "`");
  absl::string_view code = state ? state : "";
  if (code == "40001" || code == "40P01") return ConflictError(message);
  if (code == "23505") return absl::AlreadyExistsError(message);
  if (PQstatus(conn) != CONNECTION_OK || absl::StartsWith(code, "08") ||
      absl::StartsWith(code, "57P")) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

class PgConnection;

class PgStatement : public BackendStatement {
 public:
  PgStatement(PgConnection* connection, PostgresStatement statement)
      : connection_(connection), statement_(std::move(statement)) {
    Clear();
  }
  ~PgStatement() override { PQclear(result_); }

  void BindText(int index, absl::string_view value) override {
    // Text goes untyped: the server takes the type of what it meets,
    // as SQLite would store it.
    Set(index, std::string(value), 0, 0);
  }
  void BindInt(int index, int64_t value) override { Set(index, absl::StrCat(value), kInt8Oid, 0); }
  void BindDouble(int index, double value) override {
    char text[32];
    std::snprintf(text, sizeof(text), "%.17g", value);
    Set(index, text, kFloat8Oid, 0);
  }
  void BindNull(int index) override {
    if (!Slot(index)) return;
    null_[index - 1] = true;
    types_[index - 1] = 0;
  }
  void BindIntNull(int index) override {
    if (!Slot(index)) return;
    null_[index - 1] = true;
    types_[index - 1] = kInt8Oid;
  }
  void BindBlob(int index, absl::string_view bytes) override {
    Set(index, std::string(bytes), kByteaOid, 1);
  }

  absl::StatusOr<bool> Step() override;

  std::string ColumnText(int col) const override {
    const char* value = Value(col);
    return value == nullptr ? "" : std::string(value, PQgetlength(result_, row_, col));
  }
  std::string ColumnBlob(int col) const override;
  int64_t ColumnInt(int col) const override {
    const char* value = Value(col);
    if (value == nullptr) return 0;
    if (value[0] == 't' || value[0] == 'f') return value[0] == 't';  // a boolean
    // SUM answers numeric ("12"); strtoll stops at a decimal point.
    return std::strtoll(value, nullptr, 10);
  }
  double ColumnDouble(int col) const override {
    const char* value = Value(col);
    return value == nullptr ? 0 : std::strtod(value, nullptr);
  }
  bool ColumnIsNull(int col) const override {
    return result_ == nullptr || row_ < 0 || col >= PQnfields(result_) ||
           PQgetisnull(result_, row_, col);
  }

  void Reset() override {
    PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    Clear();
  }

 private:
  // A parameter the statement does not use is dropped: the server refuses
  // more values than placeholders (SQLite ignores them).
  bool Slot(int index) { return index >= 1 && index <= statement_.parameters; }
  void Set(int index, std::string value, Oid type, int format) {
    if (!Slot(index)) return;
    values_[index - 1] = std::move(value);
    types_[index - 1] = type;
    formats_[index - 1] = format;
    null_[index - 1] = false;
  }
  // Unbound parameters are NULL, as in SQLite.
  void Clear() {
    values_.assign(statement_.parameters, "");
    types_.assign(statement_.parameters, 0);
    formats_.assign(statement_.parameters, 0);
    null_.assign(statement_.parameters, true);
  }
  const char* Value(int col) const {
    if (ColumnIsNull(col)) return nullptr;
    return PQgetvalue(result_, row_, col);
  }
  absl::Status Execute();

  PgConnection* connection_;
  PostgresStatement statement_;
  std::vector<std::string> values_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
  std::vector<bool> null_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

// A statement's parameters as libpq takes them.
struct PgParams {
  const std::vector<Oid>& types;
  const std::vector<const char*>& values;
  const std::vector<int>& lengths;
  const std::vector<int>& formats;
};

// Server-side prepared statements kept per connection, at most this many
// (beyond it, statements run unnamed, parsed each time as before).
constexpr size_t kMaxPrepared = 256;

class PgConnection : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override {
    cache_.clear();
    PQfinish(conn_);
  }

  absl::StatusOr<BackendStatement*> Prepare(absl::string_view sql) override {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second.get();
    auto statement = std::make_unique<PgStatement>(this, ToPostgresPlaceholders(sql));
    BackendStatement* raw = statement.get();
    cache_.emplace(std::string(sql), std::move(statement));
    return raw;
  }

  absl::Status Exec(absl::string_view sql) override {
    if (absl::Status s = Settle(); !s.ok()) return s;
    return ExecNow(sql);
  }

  int64_t Changes() const override { return changes_; }

  // The outcome of `result`; counts the rows an INSERT, UPDATE or DELETE
  // changed, as SQLite's changes() does.
  absl::Status Check(const PGresult* result, absl::string_view sql) {
    ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return PgError(conn_, result, sql);
    }
    absl::string_view command = PQcmdStatus(const_cast<PGresult*>(result));
    if (absl::StartsWith(command, "INSERT") || absl::StartsWith(command, "UPDATE") ||
        absl::StartsWith(command, "DELETE")) {
      int64_t rows = 0;
      changes_ = absl::SimpleAtoi(PQcmdTuples(const_cast<PGresult*>(result)), &rows) ? rows : 0;
    }
    return absl::OkStatus();
  }

  // Runs one statement of the repositories into `*result` (the caller
  // clears it). Its text is prepared once per connection and parameter
  // types (the server fixes the types at PREPARE), then only executed:
  // one round trip, no parse and no plan. The first time, the PREPARE and
  // a deferred BEGIN travel with it in one pipeline: still one round trip.
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

// A prepared statement whose result columns changed under it (a migration).
bool IsStalePlan(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state != nullptr && absl::string_view(state) == "0A000";
}

// The key of a prepared statement: its text and its parameters' types.
std::string PreparedKey(const std::string& sql, const std::vector<Oid>& types) {
  std::string key = sql;
  for (Oid type : types) absl::StrAppend(&key, ",", type);
  return key;
}

void PgConnection::CollectCommit() {
  if (!unawaited_) return;
  unawaited_ = false;
  // A read-only COMMIT: its failure changes nothing that was read.
  while (PGresult* result = PQgetResult(conn_)) PQclear(result);
}

absl::Status PgConnection::Settle() {
  CollectCommit();
  if (!deferred_begin_.empty()) {
    std::string begin = std::exchange(deferred_begin_, "");
    began_ = true;
    return ExecNow(begin);
  }
  return absl::OkStatus();
}

void PgConnection::CommitUnawaited() {
  if (PQsendQuery(conn_, "COMMIT") == 1) {
    unawaited_ = true;
  } else {
    ExecNow("ROLLBACK").IgnoreError();
  }
}

absl::Status PgConnection::Run(const std::string& sql, const PgParams& params, PGresult** result) {
  CollectCommit();
  std::string key = PreparedKey(sql, params.types);
  auto it = prepared_.find(key);
  const std::string* name = it == prepared_.end() ? nullptr : &it->second;
  bool prepare = name == nullptr && prepared_.size() < kMaxPrepared;
  std::string new_name;
  if (prepare) {
    new_name = absl::StrCat("wa", ++prepared_names_);
    name = &new_name;
  }
  int n = static_cast<int>(params.values.size());
  if (!prepare && deferred_begin_.empty()) {
    *result = name != nullptr
                  ? PQexecPrepared(conn_, name->c_str(), n, params.values.data(),
                                   params.lengths.data(), params.formats.data(), 0)
                  : PQexecParams(conn_, sql.c_str(), n, params.types.data(), params.values.data(),
                                 params.lengths.data(), params.formats.data(), 0);
    absl::Status status = Check(*result, sql);
    if (!status.ok() && name != nullptr && IsStalePlan(*result)) {
      // Another instance changed the schema under the prepared statement:
      // prepare it again when the caller retries.
      prepared_.erase(key);
      return ConflictError(status.message());
    }
    return status;
  }
  absl::Status status = RunPipeline(sql, name, prepare, params, result);
  if (prepare && status.ok()) prepared_.emplace(std::move(key), std::move(new_name));
  return status;
}

absl::Status PgConnection::TakeResult(absl::string_view what, absl::Status* first) {
  PGresult* result = PQgetResult(conn_);
  absl::Status status = result == nullptr ? PgError(conn_, nullptr, what) : Check(result, what);
  PQclear(result);
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (first->ok()) *first = status;
  return status;
}

absl::Status PgConnection::RunPipeline(const std::string& sql, const std::string* name,
                                       bool prepare, const PgParams& params, PGresult** result) {
  int n = static_cast<int>(params.values.size());
  std::string begin = std::exchange(deferred_begin_, "");
  if (!begin.empty()) began_ = true;
  bool sent = PQenterPipelineMode(conn_) == 1;
  if (sent && !begin.empty()) {
    sent = PQsendQueryParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  }
  if (sent && prepare) {
    sent = PQsendPrepare(conn_, name->c_str(), sql.c_str(), n, params.types.data());
  }
  if (sent) {
    sent = name != nullptr
               ? PQsendQueryPrepared(conn_, name->c_str(), n, params.values.data(),
                                     params.lengths.data(), params.formats.data(), 0)
               : PQsendQueryParams(conn_, sql.c_str(), n, params.types.data(), params.values.data(),
                                   params.lengths.data(), params.formats.data(), 0);
  }
  if (!sent || PQpipelineSync(conn_) != 1) {
    absl::Status error = PgError(conn_, nullptr, sql);
    PQexitPipelineMode(conn_);
    return error;
  }
  absl::Status first;
  if (!begin.empty()) TakeResult(begin, &first).IgnoreError();
  if (prepare) TakeResult(sql, &first).IgnoreError();
  // The statement's own result is the caller's to read and clear.
  *result = PQgetResult(conn_);
  absl::Status status = *result == nullptr ? PgError(conn_, nullptr, sql) : Check(*result, sql);
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (first.ok()) first = status;
  // The sync point closes the pipeline.
  while (PGresult* sync = PQgetResult(conn_)) {
    bool done = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    PQclear(sync);
    if (done) break;
  }
  PQexitPipelineMode(conn_);
  return first;
}

absl::Status PgStatement::Execute() {
  int n = static_cast<int>(values_.size());
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  for (int i = 0; i < n; ++i) {
    values[i] = null_[i] ? nullptr : values_[i].data();
    lengths[i] = static_cast<int>(values_[i].size());
  }
  return connection_->Run(statement_.sql, {types_, values, lengths, formats_}, &result_);
}

absl::StatusOr<bool> PgStatement::Step() {
  if (result_ == nullptr) {
    if (absl::Status s = Execute(); !s.ok()) {
      PQclear(result_);
      result_ = nullptr;
      return s;
    }
  }
  if (row_ < PQntuples(result_)) ++row_;
  return row_ < PQntuples(result_);
}

std::string PgStatement::ColumnBlob(int col) const {
  const char* value = Value(col);
  if (value == nullptr) return "";
  if (PQftype(result_, col) != kByteaOid) return ColumnText(col);
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &length);
  if (bytes == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

void IgnoreNotice(void*, const char*) {}

absl::StatusOr<std::unique_ptr<PgConnection>> Connect(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) return absl::ResourceExhaustedError("postgres: out of memory");
  auto connection = std::make_unique<PgConnection>(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL: ", OneLine(PQerrorMessage(conn))));
  }
  // NOTICEs ("relation exists, skipping") would go to stderr, our log.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  if (absl::Status s = connection->Exec("SET client_encoding = 'UTF8'"); !s.ok()) return s;
  return connection;
}

// The connections of one pool; a caller waits while all are taken.
class Pool {
 public:
  absl::Status Open(const std::string& uri, int size) {
    for (int i = 0; i < size; ++i) {
      absl::StatusOr<std::unique_ptr<PgConnection>> connection = Connect(uri);
      if (!connection.ok()) return connection.status();
      all_.push_back(*std::move(connection));
      absl::MutexLock lock(&mu_);
      free_.push_back(all_.back().get());
    }
    return absl::OkStatus();
  }
  PgConnection* Acquire() {
    PgConnection* connection;
    {
      absl::MutexLock lock(&mu_);
      while (free_.empty()) cv_.Wait(&mu_);
      connection = free_.back();
      free_.pop_back();
    }
    connection->ReconnectIfBroken();
    return connection;
  }
  void Release(PgConnection* connection) {
    {
      absl::MutexLock lock(&mu_);
      free_.push_back(connection);
    }
    cv_.Signal();
  }

 private:
  std::vector<std::unique_ptr<PgConnection>> all_;
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::vector<PgConnection*> free_ ABSL_GUARDED_BY(mu_);
};

// The Transaction() running on this thread, for Savepoint().
thread_local PgConnection* writing = nullptr;

class PostgresBackend : public Backend {
 public:
  absl::Status Open(const std::string& uri, const PoolSizes& pools);

  absl::Status Transaction(const std::function<absl::Status()>& work) override;
  absl::Status Savepoint(const std::function<absl::Status()>& work) override;
  absl::Status Read(const std::function<absl::Status()>& work, ReadScope scope) override;
  absl::Status Autocommit(const std::function<absl::Status()>& work, Flush flush) override;

  absl::StatusOr<int> SchemaVersion() override;
  absl::Status SetSchemaVersion(int version) override;
  absl::Status LockSchema() override;
  std::string SchemaSql(absl::string_view ddl) const override { return ToPostgresSchema(ddl); }

  int64_t commits() const override {
    absl::MutexLock lock(&counters_mu_);
    return commits_;
  }
  int64_t transactions() const override {
    absl::MutexLock lock(&counters_mu_);
    return transactions_;
  }

 private:
  absl::Status Prelude();

  Pool writers_;
  Pool readers_;
  // Autocommit(): a pool apart, so that a Transaction() holding a writer
  // never waits for another writer to come free (all of them could be
  // held by transactions doing the same).
  Pool autocommit_;
  mutable absl::Mutex counters_mu_;
  int64_t commits_ ABSL_GUARDED_BY(counters_mu_) = 0;
  int64_t transactions_ ABSL_GUARDED_BY(counters_mu_) = 0;
};

absl::Status PostgresBackend::Open(const std::string& uri, const PoolSizes& pools) {
  // Writers do not group their commits as SQLite's one writer does: more
  // of them keep the RPC threads from queueing behind each commit.
  if (absl::Status s = writers_.Open(uri, std::max(2, pools.writers)); !s.ok()) return s;
  if (absl::Status s = readers_.Open(uri, std::max(1, pools.readers)); !s.ok()) return s;
  if (absl::Status s = autocommit_.Open(uri, std::max(2, pools.readers)); !s.ok()) return s;
  return Prelude();
}

// What every database needs before the migrations: the version table and
// the functions of sql_dialect.h. Under the schema lock, so that instances
// starting together do not trip over each other.
absl::Status PostgresBackend::Prelude() {
  return Transaction([&]() -> absl::Status {
    if (absl::Status s = LockSchema(); !s.ok()) return s;
    Connection* connection = CurrentConnection();
    if (absl::Status s =
            connection->Exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL); "
                             "INSERT INTO schema_version SELECT 0 "
                             "WHERE NOT EXISTS (SELECT 1 FROM schema_version)");
        !s.ok()) {
      return s;
    }
    return connection->Exec(PostgresCompatFunctions());
  });
}

absl::Status PostgresBackend::Transaction(const std::function<absl::Status()>& work) {
  PgConnection* connection = writers_.Acquire();
  absl::Status status;
  {
    UseConnection use(connection);
    writing = connection;
    // BEGIN goes with the first statement, in one round trip.
    connection->DeferBegin("BEGIN");
    status = work();
    // A statement that failed inside `work` aborted the transaction even
    // if `work` went on: COMMIT would silently roll back.
    if (status.ok() && connection->InFailedTransaction()) {
      status = absl::InternalError("postgres: a statement failed inside the transaction");
    }
    if (!connection->Began()) {
      // No statement ran: nothing to commit.
    } else if (status.ok()) {
      absl::Time commit_start = absl::Now();
      status = connection->Exec("COMMIT");
      util::Metrics::Global().ObserveCommit(absl::Now() - commit_start, 1);
    } else {
      connection->Exec("ROLLBACK").IgnoreError();
    }
    writing = nullptr;
  }
  writers_.Release(connection);
  absl::MutexLock lock(&counters_mu_);
  ++commits_;
  ++transactions_;
  return status;
}

absl::Status PostgresBackend::Savepoint(const std::function<absl::Status()>& work) {
  if (writing == nullptr || CurrentConnection() != writing) {
    return absl::InternalError("Savepoint() outside Transaction()");
  }
  if (absl::Status s = writing->Exec("SAVEPOINT nested"); !s.ok()) return s;
  absl::Status status = work();
  if (!status.ok()) writing->Exec("ROLLBACK TO SAVEPOINT nested").IgnoreError();
  writing->Exec("RELEASE SAVEPOINT nested").IgnoreError();
  return status;
}

absl::Status PostgresBackend::Read(const std::function<absl::Status()>& work, ReadScope scope) {
  PgConnection* connection = readers_.Acquire();
  absl::Status status;
  {
    UseConnection use(connection);
    // kSnapshot: one snapshot for the whole read, even across several
    // statements. BEGIN goes with the first statement, and nobody waits
    // for the COMMIT: a read of one statement is one round trip. Still,
    // the server runs three commands, so kOneStatement runs its statement
    // alone, in autocommit.
    if (scope == ReadScope::kSnapshot) {
      connection->DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
    status = work();
    if (scope == ReadScope::kOneStatement || !connection->Began()) {
      // No transaction: nothing to end.
    } else if (status.ok()) {
      connection->CommitUnawaited();
    } else {
      connection->Exec("ROLLBACK").IgnoreError();
    }
  }
  readers_.Release(connection);
  return status;
}

absl::Status PostgresBackend::Autocommit(const std::function<absl::Status()>& work, Flush flush) {
  PgConnection* connection = autocommit_.Acquire();
  absl::Status status = connection->WaitForFlush(flush == Flush::kWait);
  if (status.ok()) {
    // No BEGIN: each statement is a transaction of its own. `writing` is
    // left alone: Savepoint() still belongs to the caller's transaction.
    UseConnection use(connection);
    status = work();
  }
  autocommit_.Release(connection);
  return status;
}

absl::StatusOr<int> PostgresBackend::SchemaVersion() {
  Connection* connection = CurrentConnection();
  if (connection == nullptr) return absl::InternalError("SchemaVersion() outside a transaction");
  absl::StatusOr<BackendStatement*> stmt =
      connection->Prepare("SELECT version FROM schema_version");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = (*stmt)->Step();
  int version = row.ok() && *row ? static_cast<int>((*stmt)->ColumnInt(0)) : 0;
  (*stmt)->Reset();
  if (!row.ok()) return row.status();
  return version;
}

absl::Status PostgresBackend::SetSchemaVersion(int version) {
  if (writing == nullptr) return absl::InternalError("SetSchemaVersion() outside Transaction()");
  return writing->Exec(absl::StrCat("UPDATE schema_version SET version = ", version));
}

absl::Status PostgresBackend::LockSchema() {
  if (writing == nullptr) return absl::InternalError("LockSchema() outside Transaction()");
  return writing->Exec(kLockSchema);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> OpenPostgres(const std::string& uri,
                                                      const PoolSizes& pools) {
  auto backend = std::make_unique<PostgresBackend>();
  if (absl::Status s = backend->Open(uri, pools); !s.ok()) return s;
  return backend;
}

absl::Status CheckPostgresUri(absl::string_view uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(uri).c_str(), &error);
  if (options == nullptr) {
    std::string reason = error ? OneLine(error) : "out of memory";
    PQfreemem(error);
    // libpq quotes the URL, or a piece of it, in some errors: keep its
    // password out of our log.
    absl::string_view rest = uri.substr(uri.find("://") + 3);
    absl::string_view userinfo = rest.substr(0, rest.find('@'));
    size_t colon = userinfo.find(':');
    std::vector<std::pair<std::string, std::string>> secrets = {{std::string(uri), "<the URL>"}};
    if (userinfo.size() < rest.size() && colon != absl::string_view::npos &&
        colon + 1 < userinfo.size()) {
      secrets.emplace_back(std::string(userinfo.substr(colon + 1)), "<password>");
    }
    reason = absl::StrReplaceAll(reason, secrets);
    return absl::InvalidArgumentError(absl::StrCat("not a PostgreSQL URL: ", reason));
  }
  PQconninfoFree(options);
  return absl::OkStatus();
}

}  // namespace wa::storage
