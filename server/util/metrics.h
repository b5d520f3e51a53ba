#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wa::util {

// The process's counters and latency histograms, rendered in Prometheus'
// text format by /metrics. Thread-safe; updates take one short lock.
class Metrics {
 public:
  // A value measured when /metrics is read (queue depth, dead letters...).
  struct Gauge {
    std::string name;
    std::string help;
    std::vector<std::pair<std::string, double>> samples;  // labels ("k=\"v\""), value
  };

  static Metrics& Global();

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

  std::string Render(const std::vector<Gauge>& gauges) const;

 private:
  struct Histogram {
    std::vector<int64_t> buckets;  // cumulative on render, per bucket here
    int64_t count = 0;
    double sum = 0;
  };
  static void Observe(Histogram& h, absl::Duration latency);
  static void RenderHistogram(std::string& out, absl::string_view name, absl::string_view labels,
                              const Histogram& h);

  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, int64_t> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> request_latency_ ABSL_GUARDED_BY(mu_);
  std::map<int, int64_t> provider_errors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> media_file_errors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> retention_removed_ ABSL_GUARDED_BY(mu_);
  Histogram commit_latency_ ABSL_GUARDED_BY(mu_);
  int64_t committed_transactions_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t open_event_streams_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t events_streamed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t event_streams_too_slow_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wa::util
