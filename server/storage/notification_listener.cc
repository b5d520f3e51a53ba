#include "server/storage/notification_listener.h"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/util/log.h"

namespace wa::storage {
namespace {

class PostgresListener : public NotificationListener {
 public:
  PostgresListener(std::string uri, std::string channel,
                   std::function<void(const std::string&)> on_notify)
      : uri_(std::move(uri)), channel_(std::move(channel)), on_notify_(std::move(on_notify)) {}

  ~PostgresListener() override {
    stopping_.store(true);
    if (thread_.joinable()) thread_.join();
    if (conn_ != nullptr) PQfinish(conn_);
  }

  absl::Status Start() {
    if (absl::Status s = Connect(); !s.ok()) return s;
    thread_ = std::thread([this] { Loop(); });
    return absl::OkStatus();
  }

 private:
  absl::Status Connect() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = PQconnectdb(uri_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      return absl::UnavailableError(
          absl::StrCat("event listener cannot connect to PostgreSQL: ", PQerrorMessage(conn_)));
    }
    char* quoted = PQescapeIdentifier(conn_, channel_.c_str(), channel_.size());
    PGresult* result = PQexec(conn_, absl::StrCat("LISTEN ", quoted).c_str());
    PQfreemem(quoted);
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) return absl::UnavailableError("event listener: LISTEN failed");
    return absl::OkStatus();
  }

  // Waits on the socket a quarter second at a time so that Stop is prompt.
  void Loop() {
    while (!stopping_.load()) {
      if (PQstatus(conn_) != CONNECTION_OK) {
        absl::SleepFor(absl::Milliseconds(500));
        if (absl::Status s = Connect(); !s.ok()) util::LogError(s.message());
        continue;
      }
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      if (poll(&fd, 1, 250) <= 0) continue;
      if (PQconsumeInput(conn_) == 0) {
        util::LogError("event listener: ", PQerrorMessage(conn_));
        if (absl::Status s = Connect(); !s.ok()) util::LogError(s.message());
        continue;
      }
      while (PGnotify* note = PQnotifies(conn_)) {
        on_notify_(note->extra);
        PQfreemem(note);
      }
    }
  }

  const std::string uri_;
  const std::string channel_;
  const std::function<void(const std::string&)> on_notify_;
  PGconn* conn_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<NotificationListener>> ListenForNotifications(
    const DatabaseUrl& url, const std::string& channel,
    std::function<void(const std::string& payload)> on_notify) {
  if (url.engine != DatabaseUrl::Engine::kPostgres) return nullptr;
  auto listener =
      std::make_unique<PostgresListener>(url.postgres_uri, channel, std::move(on_notify));
  if (absl::Status s = listener->Start(); !s.ok()) return s;
  return listener;
}

}  // namespace wa::storage
