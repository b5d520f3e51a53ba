#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database_url.h"

namespace wa::storage {

// Hears the commits of other processes sharing a PostgreSQL database:
// LISTEN on one channel over a connection of its own, with a thread that
// hands each notification's payload to a callback. The connection is
// re-opened when it breaks (after a pause); notifications sent meanwhile
// are lost, so the user keeps a slow safety check of its own.
class NotificationListener {
 public:
  virtual ~NotificationListener() = default;
};

// Starts listening on `channel`; `on_notify(payload)` runs on the
// listener's thread. For SQLite (one process) it returns null: nothing
// else writes the database.
absl::StatusOr<std::unique_ptr<NotificationListener>> ListenForNotifications(
    const DatabaseUrl& url, const std::string& channel,
    std::function<void(const std::string& payload)> on_notify);

}  // namespace wa::storage
