#include "server/storage/postgres_connection.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "server/storage/sql_dialect.h"

namespace wa::storage {
namespace {

// Type oids of pg_type.h (a server header Debian's libpq-dev leaves out).
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;

// Server-side prepared statements kept per connection, at most this many
// (beyond it, statements run unnamed, parsed each time as before).
constexpr size_t kMaxPrepared = 256;

// A failed command as a status whose code says what the caller can do:
// UNAVAILABLE when the server is gone, ABORTED for a conflict with another
// transaction (Database::Transaction retries it), ALREADY_EXISTS for a
// unique key taken (as SQLite's), INTERNAL for a bug in our SQL.
absl::Status PgError(PGconn* conn, const PGresult* result, absl::string_view sql) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = absl::StrCat(
      "postgres: ", PgOneLine(primary ? primary : PQerrorMessage(conn)), " in `", sql, "`");
  absl::string_view code = state ? state : "";
  if (code == "40001" || code == "40P01") return ConflictError(message);
  if (code == "23505") return absl::AlreadyExistsError(message);
  if (PQstatus(conn) != CONNECTION_OK || absl::StartsWith(code, "08") ||
      absl::StartsWith(code, "57P")) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

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

void IgnoreNotice(void*, const char*) {}

}  // namespace

std::string PgOneLine(absl::string_view text) {
  return absl::StrReplaceAll(absl::StripTrailingAsciiWhitespace(text), {{"\n", " "}, {"\t", ""}});
}

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

PgConnection::PgConnection(PGconn* conn) : conn_(conn) {}

PgConnection::~PgConnection() {
  cache_.clear();
  PQfinish(conn_);
}

absl::StatusOr<BackendStatement*> PgConnection::Prepare(absl::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second.get();
  auto statement = std::make_unique<PgStatement>(this, ToPostgresPlaceholders(sql));
  BackendStatement* raw = statement.get();
  cache_.emplace(std::string(sql), std::move(statement));
  return raw;
}

absl::Status PgConnection::Check(const PGresult* result, absl::string_view sql) {
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
  // A batch statement is planned for its own values (kPlanEachRun).
  bool prepare =
      name == nullptr && prepared_.size() < kMaxPrepared && !absl::StartsWith(sql, kPlanEachRun);
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

absl::StatusOr<std::unique_ptr<PgConnection>> ConnectPostgres(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) return absl::ResourceExhaustedError("postgres: out of memory");
  auto connection = std::make_unique<PgConnection>(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL: ", PgOneLine(PQerrorMessage(conn))));
  }
  // NOTICEs ("relation exists, skipping") would go to stderr, our log.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  if (absl::Status s = connection->Exec("SET client_encoding = 'UTF8'"); !s.ok()) return s;
  return connection;
}

}  // namespace wa::storage
