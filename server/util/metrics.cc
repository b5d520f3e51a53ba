#include "server/util/metrics.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace wa::util {
namespace {

// Upper bounds in seconds: 100 us to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBounds() {
  static const auto* bounds = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *bounds;
}

}  // namespace

struct Metrics::Families {
  // One method's series, found again without building labels: a family's
  // Add() hashes a label map under its lock, several times the cost of a
  // lookup here (every RPC passes by).
  struct MethodSeries {
    prometheus::Histogram* latency;
    absl::flat_hash_map<std::string, prometheus::Counter*> by_code;
  };
  absl::Mutex mu;
  absl::flat_hash_map<std::string, MethodSeries> methods ABSL_GUARDED_BY(mu);

  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("wa_requests_total")
          .Help("RPCs finished, REST included, by method and status code")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& request_latency =
      prometheus::BuildHistogram()
          .Name("wa_request_duration_seconds")
          .Help("RPC latency by method")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& provider_errors =
      prometheus::BuildCounter()
          .Name("wa_provider_errors_total")
          .Help("sends the provider refused, by Meta's error code")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& media_file_errors =
      prometheus::BuildCounter()
          .Name("wa_media_file_errors_total")
          .Help("media downloads refused because the stored file was missing or unreadable")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& retention_removed =
      prometheus::BuildCounter()
          .Name("wa_retention_removed_total")
          .Help(
              "what the retention worker removed past each property's retention (rows; message "
              "contents; media files)")
          .Register(registry);
  prometheus::Histogram& commit_latency = prometheus::BuildHistogram()
                                              .Name("wa_sqlite_commit_duration_seconds")
                                              .Help("SQLite commits (each one fsync)")
                                              .Register(registry)
                                              .Add({}, LatencyBounds());
  prometheus::Counter& committed_transactions =
      prometheus::BuildCounter()
          .Name("wa_sqlite_transactions_total")
          .Help("transactions committed (over the commits' count: transactions per fsync)")
          .Register(registry)
          .Add({});
  prometheus::Gauge& open_event_streams = prometheus::BuildGauge()
                                              .Name("wa_event_streams_open")
                                              .Help("live event streams open (gRPC and SSE)")
                                              .Register(registry)
                                              .Add({});
  prometheus::Counter& events_streamed = prometheus::BuildCounter()
                                             .Name("wa_events_streamed_total")
                                             .Help("events written to live event streams")
                                             .Register(registry)
                                             .Add({});
  prometheus::Counter& event_streams_too_slow =
      prometheus::BuildCounter()
          .Name("wa_event_streams_too_slow_total")
          .Help("event streams ended because their client read too slowly (SUBSCRIBER_TOO_SLOW)")
          .Register(registry)
          .Add({});
};

Metrics::Metrics() : families_(std::make_unique<Families>()) {}
Metrics::~Metrics() = default;

Metrics& Metrics::Global() {
  static auto* metrics = new Metrics();
  return *metrics;
}

void Metrics::CountRequest(absl::string_view method, absl::string_view code,
                           absl::Duration latency) {
  Families& f = *families_;
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    absl::MutexLock lock(&f.mu);
    auto series = f.methods.find(method);
    if (series == f.methods.end()) {
      prometheus::Histogram& h =
          f.request_latency.Add({{"method", std::string(method)}}, LatencyBounds());
      series = f.methods.emplace(std::string(method), Families::MethodSeries{&h, {}}).first;
    }
    auto& by_code = series->second.by_code;
    auto found = by_code.find(code);
    if (found == by_code.end()) {
      prometheus::Counter& c =
          f.requests.Add({{"method", std::string(method)}, {"code", std::string(code)}});
      found = by_code.emplace(std::string(code), &c).first;
    }
    counter = found->second;
    histogram = series->second.latency;
  }
  counter->Increment();
  histogram->Observe(absl::ToDoubleSeconds(latency));
}

void Metrics::CountProviderError(int code) {
  families_->provider_errors.Add({{"code", absl::StrCat(code)}}).Increment();
}

void Metrics::CountMediaFileError(absl::string_view reason) {
  families_->media_file_errors.Add({{"reason", std::string(reason)}}).Increment();
}

void Metrics::CountRetentionRemoved(absl::string_view what, int64_t count) {
  families_->retention_removed.Add({{"what", std::string(what)}})
      .Increment(static_cast<double>(count));
}

void Metrics::ObserveCommit(absl::Duration latency, int transactions) {
  families_->commit_latency.Observe(absl::ToDoubleSeconds(latency));
  families_->committed_transactions.Increment(transactions);
}

void Metrics::SetOpenEventStreams(int64_t open) {
  families_->open_event_streams.Set(static_cast<double>(open));
}

void Metrics::CountEventsStreamed(int64_t events) {
  families_->events_streamed.Increment(static_cast<double>(events));
}

void Metrics::CountEventStreamTooSlow() { families_->event_streams_too_slow.Increment(); }

std::string Metrics::Render(const std::vector<Gauge>& gauges) const {
  std::vector<prometheus::MetricFamily> families = families_->registry.Collect();
  for (const Gauge& g : gauges) {
    prometheus::MetricFamily family{g.name, g.help, prometheus::MetricType::Gauge, {}};
    for (const auto& [label_value, value] : g.samples) {
      prometheus::ClientMetric sample;
      sample.label.push_back({g.label, label_value});
      sample.gauge.value = value;
      family.metric.push_back(std::move(sample));
    }
    families.push_back(std::move(family));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace wa::util
