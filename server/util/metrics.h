#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wa::util {

// The process's counters and latency histograms, kept by prometheus-cpp and
// rendered in Prometheus' text format by /metrics. Thread-safe.
class Metrics {
 public:
  // A value measured when /metrics is read (queue depth, dead letters...),
  // with one label.
  struct Gauge {
    std::string name;
    std::string help;
    std::string label;                                    // the label's name
    std::vector<std::pair<std::string, double>> samples;  // label value, value
  };

  static Metrics& Global();
  ~Metrics();

  // One finished RPC, whichever surface it came from.
  void CountRequest(absl::string_view method, absl::string_view code, absl::Duration latency);
  // A send the provider refused, by Meta's error code (0: transport).
  void CountProviderError(int code);
  // A media download whose stored file was missing or unreadable.
  void CountMediaFileError(absl::string_view reason);
  // Rows (or files) the retention worker removed, by what they were.
  void CountRetentionRemoved(absl::string_view what, int64_t count);
  // One SQLite commit (one fsync) holding `transactions` transactions.
  void ObserveCommit(absl::Duration latency, int transactions);

  // The live event streams (EventsService): open now, events written,
  // and streams ended because their client read too slowly.
  void SetOpenEventStreams(int64_t open);
  void CountEventsStreamed(int64_t events);
  void CountEventStreamTooSlow();

  // Everything counted so far, then `gauges`.
  std::string Render(const std::vector<Gauge>& gauges) const;

 private:
  Metrics();
  struct Families;  // prometheus-cpp's registry and families (metrics.cc)
  std::unique_ptr<Families> families_;
};

}  // namespace wa::util
