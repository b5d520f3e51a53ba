#pragma once

// The seam between Database (what the repositories use) and a database
// engine. Two engines implement it: SQLite (sqlite_backend.cc) and
// PostgreSQL (postgres_backend.cc, over postgres_connection.cc); besides
// them only sqlite_tools.cc (backup, integrity check) and
// notification_listener.cc (LISTEN) call an engine's API. The
// repositories' SQL is one text for both, with SQLite's `?` placeholders;
// each backend turns it into its own dialect.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::storage {

// Whether the commits of an Autocommit() wait until the database has made
// them durable (PostgreSQL's synchronous_commit; SQLite's writer decides).
// kSkip is for bookkeeping that a database crash may forget the last
// moments of (the shared rate limits): its commit releases its row locks at
// once instead of after the WAL flush. Any later durable commit flushes it.
enum class Flush { kWait, kSkip };

// What a Read() holds across its statements. kSnapshot: one snapshot for
// all of them (a read-only transaction). kOneStatement: the read runs one
// statement, which is a snapshot of its own, so no transaction wraps it; on
// PostgreSQL that spares the server a BEGIN and a COMMIT on every point read.
enum class ReadScope { kSnapshot, kOneStatement };

// One statement, kept by its connection and reused: Statement (database.h)
// is the repositories' handle on it. Parameters are 1-based, columns 0-based.
class BackendStatement {
 public:
  virtual ~BackendStatement() = default;
  virtual void BindText(int index, absl::string_view value) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindNull(int index) = 0;
  // A NULL where an integer goes (an absent time). PostgreSQL needs the
  // type to plan `? IS NULL OR col < ?`; SQLite ignores it.
  virtual void BindIntNull(int index) = 0;
  virtual void BindBlob(int index, absl::string_view bytes) = 0;
  // Advances to the next row; false when done.
  virtual absl::StatusOr<bool> Step() = 0;
  virtual std::string ColumnText(int col) const = 0;
  virtual std::string ColumnBlob(int col) const = 0;
  virtual int64_t ColumnInt(int col) const = 0;
  virtual double ColumnDouble(int col) const = 0;
  virtual bool ColumnIsNull(int col) const = 0;
  // Forgets bindings and rows, ready for the next user.
  virtual void Reset() = 0;
};

// One open connection of a backend.
class Connection {
 public:
  virtual ~Connection() = default;
  // The statement for `sql`, prepared once per connection and cached.
  virtual absl::StatusOr<BackendStatement*> Prepare(absl::string_view sql) = 0;
  // Runs statements without parameters or rows (migrations, BEGIN, ...).
  virtual absl::Status Exec(absl::string_view sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int64_t Changes() const = 0;
};

// How many connections an engine opens: `readers` for reads (SQLite and
// PostgreSQL) and for PostgreSQL's statements outside transactions;
// `writers` for PostgreSQL's transactions, which run at once, each on its
// own connection (SQLite has one writer that groups them).
struct PoolSizes {
  int readers = 4;
  int writers = 8;
};

// How an engine runs transactions and reads. Each call makes a connection
// current on the calling thread (UseConnection) for the duration of `work`.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual absl::Status Transaction(const std::function<absl::Status()>& work) = 0;
  virtual absl::Status Savepoint(const std::function<absl::Status()>& work) = 0;
  virtual absl::Status Read(const std::function<absl::Status()>& work, ReadScope scope) = 0;
  // Runs `work` outside any transaction of the calling thread, each
  // statement committed as it completes (see Database::Autocommit).
  virtual absl::Status Autocommit(const std::function<absl::Status()>& work, Flush flush) = 0;

  // The schema's version, inside Read() or Transaction().
  virtual absl::StatusOr<int> SchemaVersion() = 0;
  // Inside Transaction(): records the version the schema is now at.
  virtual absl::Status SetSchemaVersion(int version) = 0;
  // Inside Transaction(): keeps other processes from migrating until it ends.
  virtual absl::Status LockSchema() = 0;
  // A migration's DDL, written in SQLite's spelling, in this engine's.
  virtual std::string SchemaSql(absl::string_view ddl) const = 0;

  // How many commits and transactions so far.
  virtual int64_t commits() const = 0;
  virtual int64_t transactions() const = 0;
};

// ABORTED from the engine itself (a serialization failure, a deadlock):
// the transaction lost a race with another and may be run again. It is
// marked so that Database::Transaction retries it and not an ABORTED that
// the work returns of its own accord (a domain "no longer pending").
absl::Status ConflictError(absl::string_view message);
bool IsConflict(const absl::Status& status);

// The connection of the Transaction() or Read() running on this thread, or null.
Connection* CurrentConnection();

// Makes `connection` the thread's current one for the life of this object.
class UseConnection {
 public:
  explicit UseConnection(Connection* connection);
  ~UseConnection();
  UseConnection(const UseConnection&) = delete;
  UseConnection& operator=(const UseConnection&) = delete;

 private:
  Connection* saved_;
};

}  // namespace wa::storage
