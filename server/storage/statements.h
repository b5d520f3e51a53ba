#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/storage/sql_dialect.h"
#include "server/util/status_macros.h"

// One-call statements for the repositories: prepare, bind the arguments in
// order (parameter 1 first), run, and read. Inside Database::Transaction()
// or Read(), like Database::Prepare.
//
//   RETURN_IF_ERROR(ExecOne(db_, "DELETE FROM tokens WHERE token_id = ?", id));
//   ASSIGN_OR_RETURN(int64_t changed, ExecCount(db_, "UPDATE ...", at, id));
//   return QueryOne<TokenRecord>(db_, sql, ReadToken, hash);
//   return QueryAll<TokenRecord>(db_, sql, ReadToken, property_id);
//
// Arguments bind by type: text (std::string, string_view, const char*),
// integers, bools and enums as integers, double, absl::Time (microseconds;
// InfinitePast as NULL) and std::optional<absl::Time> (nullopt as NULL).
namespace wa::storage {

namespace statements_internal {

template <typename T>
void BindArg(Statement& stmt, int index, const T& value) {
  using V = std::decay_t<T>;
  if constexpr (std::is_same_v<V, absl::Time>) {
    stmt.BindTime(index, value);
  } else if constexpr (std::is_same_v<V, std::optional<absl::Time>>) {
    stmt.BindOptionalTime(index, value);
  } else if constexpr (std::is_same_v<V, double>) {
    stmt.Bind(index, value);
  } else if constexpr (std::is_enum_v<V> || std::is_integral_v<V>) {
    stmt.Bind(index, static_cast<int64_t>(value));
  } else {
    stmt.Bind(index, absl::string_view(value));
  }
}

template <typename... Args>
absl::StatusOr<Statement> Bound(Database& db, absl::string_view sql, const Args&... args) {
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  int index = 0;
  (BindArg(stmt, ++index, args), ...);
  return stmt;
}

}  // namespace statements_internal

// Runs a statement that returns no rows.
template <typename... Args>
absl::Status ExecOne(Database& db, absl::string_view sql, const Args&... args) {
  ASSIGN_OR_RETURN(Statement stmt, statements_internal::Bound(db, sql, args...));
  return stmt.Run();
}

// Runs an INSERT, UPDATE or DELETE; returns how many rows it changed.
template <typename... Args>
absl::StatusOr<int64_t> ExecCount(Database& db, absl::string_view sql, const Args&... args) {
  RETURN_IF_ERROR(ExecOne(db, sql, args...));
  return db.Changes();
}

// The first row, read by `read(const Statement&) -> T`, or nullopt.
template <typename T, typename Reader, typename... Args>
absl::StatusOr<std::optional<T>> QueryOne(Database& db, absl::string_view sql, Reader read,
                                          const Args&... args) {
  ASSIGN_OR_RETURN(Statement stmt, statements_internal::Bound(db, sql, args...));
  return FirstRow<T>(stmt, read);
}

// Every row, read by `read(const Statement&) -> T`.
template <typename T, typename Reader, typename... Args>
absl::StatusOr<std::vector<T>> QueryAll(Database& db, absl::string_view sql, Reader read,
                                        const Args&... args) {
  ASSIGN_OR_RETURN(Statement stmt, statements_internal::Bound(db, sql, args...));
  return CollectRows<T>(stmt, read);
}

// The parameter marks of an IN list of `count` values, from parameter
// `first` on ("?3, ?4, ..."), padded to a power of two, and the number of
// slots: the caller binds its last value into the extra ones. A handful of
// statement texts then serve every list's length. A statement over such a
// list, or an UPDATE over RunForRows' rows, starts with kPlanEachRun
// (sql_dialect.h): its rows are found in a table that grows.
inline std::pair<std::string, size_t> PaddedMarks(int first, size_t count) {
  size_t slots = 1;
  while (slots < count) slots *= 2;
  std::string marks = absl::StrCat("?", first);
  for (size_t i = 1; i < slots; ++i) absl::StrAppend(&marks, ", ?", first + static_cast<int>(i));
  return {marks, slots};
}

// Runs `before` + "VALUES (?, ...), (?, ...)" + `after` over every row of
// `rows` in as few statements as the batch allows: chunks of a power of two
// rows, up to 32, so that a handful of statement texts serve every batch
// (each is prepared once per connection). `values(row)` returns the row's
// values as a std::tuple, in column order. A multi-row INSERT, or an
// UPDATE ... FROM (VALUES ...) AS v (columns v.column1, v.column2, ... on
// both engines):
//
//   RETURN_IF_ERROR(RunForRows(db_, "INSERT INTO t (a, b) ", "", rows,
//                              [](const Row& r) { return std::make_tuple(r.a, r.b); }));
template <typename Row, typename Values>
absl::Status RunForRows(Database& db, absl::string_view before, absl::string_view after,
                        const std::vector<Row>& rows, Values values) {
  constexpr size_t kMaxChunk = 32;
  constexpr size_t kColumns = std::tuple_size_v<decltype(values(std::declval<const Row&>()))>;
  std::string row_marks = "(?";
  for (size_t c = 1; c < kColumns; ++c) row_marks += ", ?";
  row_marks += ")";
  for (size_t done = 0; done < rows.size();) {
    size_t chunk = kMaxChunk;
    while (chunk > rows.size() - done) chunk /= 2;
    std::string sql = absl::StrCat(before, "VALUES ", row_marks);
    for (size_t i = 1; i < chunk; ++i) absl::StrAppend(&sql, ", ", row_marks);
    absl::StrAppend(&sql, after);
    ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
    int index = 0;
    for (size_t i = 0; i < chunk; ++i) {
      std::apply(
          [&](const auto&... value) { (statements_internal::BindArg(stmt, ++index, value), ...); },
          values(rows[done + i]));
    }
    RETURN_IF_ERROR(stmt.Run());
    done += chunk;
  }
  return absl::OkStatus();
}

}  // namespace wa::storage
