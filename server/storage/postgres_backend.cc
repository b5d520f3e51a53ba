#include "server/storage/postgres_backend.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/storage/postgres_connection.h"
#include "server/storage/sql_dialect.h"
#include "server/util/metrics.h"

namespace wa::storage {
namespace {

// Any number: it only has to be the same in every wa-server.
constexpr char kLockSchema[] = "SELECT pg_advisory_xact_lock(7761736368)";

// The connections of one pool; a caller waits while all are taken.
class Pool {
 public:
  absl::Status Open(const std::string& uri, int size) {
    for (int i = 0; i < size; ++i) {
      absl::StatusOr<std::unique_ptr<PgConnection>> connection = ConnectPostgres(uri);
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
    std::string reason = error ? PgOneLine(error) : "out of memory";
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
