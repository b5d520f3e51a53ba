#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/config.h"

namespace wa {

// The whole service wired together: storage, domain, provider, workers,
// the gRPC server and the REST gateway in front of it.
class App {
 public:
  static absl::StatusOr<std::unique_ptr<App>> Start(const Config& config);
  ~App();

  int grpc_port() const;
  int http_port() const;
  // Stops taking requests, finishes those in flight, stops the workers.
  void Shutdown();

  // Every part the app owns, built layer by layer in app.cc.
  struct Parts;

 private:
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace wa
