#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early returns for absl::Status and absl::StatusOr, the two shapes every
// layer repeats:
//
//   RETURN_IF_ERROR(messages_.Insert(m));
//   ASSIGN_OR_RETURN(storage::MessageRecord m, messages_.Get(id));
//
// Both work in functions returning absl::Status or any absl::StatusOr<T>.
// ASSIGN_OR_RETURN is several statements: give it braces under an `if`.

#define WA_STATUS_CONCAT_INNER(a, b) a##b
#define WA_STATUS_CONCAT(a, b) WA_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    if (::absl::Status wa_status_ = (expr); !wa_status_.ok()) { \
      return wa_status_;                                        \
    }                                                           \
  } while (false)

#define WA_ASSIGN_OR_RETURN_IMPL(result, lhs, expr)    \
  auto result = (expr);                                \
  if (!result.ok()) return std::move(result).status(); \
  lhs = std::move(result).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  WA_ASSIGN_OR_RETURN_IMPL(WA_STATUS_CONCAT(wa_statusor_, __LINE__), lhs, expr)
