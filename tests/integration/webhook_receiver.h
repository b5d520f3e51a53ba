#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace wa::testing {

// tests/fakes/webhook_receiver.py as a child process: a hotel's endpoint
// that checks our signatures with Python's hmac and can be told to fail,
// stall, or go away and come back on the same port.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();

  // Starts (or restarts, on the port it had) and waits until it listens.
  void Start();
  // SIGKILL: the endpoint is gone (connections refused) until Start().
  void Stop();

  int port() const { return port_; }
  std::string url() const;
  // Merges into the receiver's script (see webhook_receiver.py); kept
  // across restarts.
  void Control(const nlohmann::json& state);
  // Every POST recorded so far, across restarts.
  nlohmann::json Received() const;
  // Polls Received() until `done` holds or `timeout` passes; returns the last.
  nlohmann::json WaitFor(const std::function<bool(const nlohmann::json&)>& done,
                         absl::Duration timeout = absl::Seconds(15)) const;

 private:
  std::string log_path_;
  nlohmann::json state_ = nlohmann::json::object();
  pid_t pid_ = -1;
  int port_ = 0;
};

// Records answered 2xx for `event_id`.
int DeliveredCount(const nlohmann::json& received, const std::string& event_id);

}  // namespace wa::testing
