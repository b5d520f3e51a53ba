#include "server/domain/property_service.h"

#include <cstdlib>
#include <fstream>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

class PropertyServiceTest : public ::testing::Test {
 protected:
  static NumberRequest Number(const std::string& property, const std::string& id,
                              const std::string& waba = "5001") {
    NumberRequest r;
    r.property_id = property;
    r.phone_number_id = id;
    r.waba_id = waba;
    return r;
  }

  absl::StatusOr<storage::PhoneNumberRecord> Add(const NumberRequest& r) {
    return service_.AddNumber(r);
  }

  // The numbers of `property` as stored, default first.
  std::vector<storage::PhoneNumberRecord> NumbersOf(const std::string& property) {
    absl::StatusOr<PropertyView> view = service_.View(property);
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? view->numbers : std::vector<storage::PhoneNumberRecord>{};
  }

  std::string DefaultOf(const std::string& property) {
    for (const storage::PhoneNumberRecord& n : NumbersOf(property)) {
      if (n.is_default) return n.phone_number_id;
    }
    return "";
  }

  std::string WriteFile(const std::string& name, const std::string& contents) {
    std::string path = (t_.dir() / name).string();
    std::filesystem::create_directories(t_.dir());
    std::ofstream(path) << contents;
    return path;
  }

  testing::TestDb t_;
  PropertyService service_{t_.db()};
};

TEST_F(PropertyServiceTest, TheFirstNumberIsTheDefaultAndDefaultMovesIt) {
  ASSERT_TRUE(Add(Number("paris", "1001")).ok());
  EXPECT_EQ(DefaultOf("paris"), "1001");
  // A second number does not take over unless asked to.
  absl::StatusOr<storage::PhoneNumberRecord> spa = Add(Number("paris", "1002"));
  ASSERT_TRUE(spa.ok()) << spa.status();
  EXPECT_FALSE(spa->is_default);
  EXPECT_EQ(DefaultOf("paris"), "1001");
  NumberRequest make_default = Number("paris", "1003");
  make_default.make_default = true;
  ASSERT_TRUE(Add(make_default).ok());
  EXPECT_EQ(DefaultOf("paris"), "1003");
  std::vector<storage::PhoneNumberRecord> numbers = NumbersOf("paris");
  ASSERT_EQ(numbers.size(), 3u);
  EXPECT_EQ(numbers[0].phone_number_id, "1003");  // the default first
  EXPECT_EQ(std::count_if(numbers.begin(), numbers.end(), [](auto& n) { return n.is_default; }), 1);
  // Adding the default again (e.g. a new token source) keeps it the default.
  NumberRequest again = Number("paris", "1003");
  again.access_token_env = "PARIS_TOKEN";
  ASSERT_TRUE(Add(again).ok());
  EXPECT_EQ(DefaultOf("paris"), "1003");
}

TEST_F(PropertyServiceTest, RemovingTheDefaultPromotesAnotherNumber) {
  ASSERT_TRUE(Add(Number("paris", "1001")).ok());
  ASSERT_TRUE(Add(Number("paris", "1002")).ok());
  ASSERT_TRUE(service_.RemoveNumber("paris", "1001").ok());
  EXPECT_EQ(DefaultOf("paris"), "1002");
  ASSERT_TRUE(service_.RemoveNumber("paris", "1002").ok());
  EXPECT_TRUE(NumbersOf("paris").empty());
  EXPECT_FALSE(service_.DefaultNumber("paris").has_value());
}

TEST_F(PropertyServiceTest, ANumberOfAnotherPropertyIsRefusedAndKept) {
  ASSERT_TRUE(Add(Number("default", "1001", "5001")).ok());
  absl::StatusOr<storage::PhoneNumberRecord> taken = Add(Number("paris", "1001", "5002"));
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(taken.status().message().find("belongs to property default"), std::string::npos)
      << taken.status();
  ASSERT_EQ(NumbersOf("default").size(), 1u);
  EXPECT_EQ(NumbersOf("default")[0].waba_id, "5001");
  EXPECT_TRUE(NumbersOf("paris").empty());
  // Nor can paris remove it.
  EXPECT_EQ(service_.RemoveNumber("paris", "1001").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(NumbersOf("default").size(), 1u);
}

TEST_F(PropertyServiceTest, MalformedNumbersAreRefused) {
  // The command asks for --waba_id; the service takes none only for the
  // number of the legacy flags, but never a malformed one.
  NumberRequest bad_waba = Number("paris", "1001", "WABA-1");
  EXPECT_EQ(Add(bad_waba).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Add(Number("paris", "12ab")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Add(Number("no spaces", "1001")).status().code(), absl::StatusCode::kInvalidArgument);
  NumberRequest bad_env = Number("paris", "1001");
  bad_env.access_token_env = "NOT-A-NAME";
  EXPECT_EQ(Add(bad_env).status().code(), absl::StatusCode::kInvalidArgument);
  NumberRequest both = Number("paris", "1001");
  both.access_token_env = "PARIS_TOKEN";
  both.access_token_file = WriteFile("token", "EAAB-secret");
  EXPECT_EQ(Add(both).status().code(), absl::StatusCode::kInvalidArgument);
  NumberRequest bad_display = Number("paris", "1001");
  bad_display.display_phone_number = "call us";
  absl::StatusOr<storage::PhoneNumberRecord> refused = Add(bad_display);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DetailOf(refused.status()).details().fields().at("field").string_value(),
            "display_phone_number");
  EXPECT_TRUE(NumbersOf("paris").empty());
}

TEST_F(PropertyServiceTest, TheDisplayNumberIsKeptInE164) {
  NumberRequest r = Number("paris", "1001");
  r.display_phone_number = "+33 1 42-00.00 00";
  absl::StatusOr<storage::PhoneNumberRecord> added = Add(r);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->display_phone_number, "+33142000000");
  EXPECT_EQ(NumbersOf("paris")[0].display_phone_number, "+33142000000");
}

TEST_F(PropertyServiceTest, AnUnreadableTokenFileIsRefused) {
  NumberRequest missing = Number("paris", "1001");
  missing.access_token_file = (t_.dir() / "no-such-token").string();
  absl::StatusOr<storage::PhoneNumberRecord> refused = Add(missing);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("cannot read token file"), std::string::npos)
      << refused.status();
  NumberRequest empty = Number("paris", "1001");
  empty.access_token_file = WriteFile("empty-token", "\n");
  EXPECT_EQ(Add(empty).status().code(), absl::StatusCode::kInvalidArgument);
  // A directory once threw out of the read (and aborted the process).
  NumberRequest directory = Number("paris", "1001");
  directory.access_token_file = t_.dir().string();
  EXPECT_EQ(Add(directory).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(NumbersOf("paris").empty());
}

TEST_F(PropertyServiceTest, TheSenderReadsItsTokenFromTheSourceNeverTheDatabase) {
  NumberRequest from_file = Number("paris", "1001");
  from_file.access_token_file = WriteFile("token", "EAAB-paris-secret\n");
  ASSERT_TRUE(Add(from_file).ok());
  ::setenv("WA_TEST_SPA_TOKEN", "EAAB-spa-secret", 1);
  NumberRequest from_env = Number("paris", "1002");
  from_env.access_token_env = "WA_TEST_SPA_TOKEN";
  ASSERT_TRUE(Add(from_env).ok());
  EXPECT_EQ(service_.FindNumber("1001")->access_token, "EAAB-paris-secret");
  EXPECT_EQ(service_.FindNumber("1002")->access_token, "EAAB-spa-secret");
  for (const storage::PhoneNumberRecord& n : NumbersOf("paris")) {
    EXPECT_EQ(n.access_token_file.find("secret"), std::string::npos);
    EXPECT_EQ(n.access_token_env.find("secret"), std::string::npos);
  }
  ::unsetenv("WA_TEST_SPA_TOKEN");
  ASSERT_TRUE(service_.Refresh().ok());
  EXPECT_EQ(service_.FindNumber("1002")->access_token, "");
  EXPECT_NE(service_.FindNumber("1002")->token_problem.find("WA_TEST_SPA_TOKEN"),
            std::string::npos);
}

TEST_F(PropertyServiceTest, SetPropertyChecksTheTimeZone) {
  absl::StatusOr<storage::PropertyRecord> unknown =
      service_.SetProperty("paris", std::nullopt, "Europe/Atlantis");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown time zone"), std::string::npos);
  // Names absl would load that are not the same zone on every machine.
  for (const char* machine_dependent :
       {"", "localtime", "Fixed/UTC+01:00:00", "/etc/localtime", "../zoneinfo/Europe/Paris",
        "file:/usr/share/zoneinfo/Europe/Paris", "Europe//Paris"}) {
    EXPECT_EQ(service_.SetProperty("paris", std::nullopt, machine_dependent).status().code(),
              absl::StatusCode::kInvalidArgument)
        << machine_dependent;
  }
  absl::StatusOr<std::vector<PropertyView>> none = service_.ListProperties();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());  // the refusal wrote nothing

  for (const char* iana : {"UTC", "Etc/GMT+5", "America/Argentina/Buenos_Aires"}) {
    absl::StatusOr<storage::PropertyRecord> set = service_.SetProperty("rome", std::nullopt, iana);
    ASSERT_TRUE(set.ok()) << iana << ": " << set.status();
    EXPECT_EQ(set->time_zone, iana);
  }
  absl::StatusOr<storage::PropertyRecord> set =
      service_.SetProperty("paris", "Hotel Paris Opera", "Europe/Paris");
  ASSERT_TRUE(set.ok()) << set.status();
  // An absent value keeps the stored one.
  set = service_.SetProperty("paris", std::nullopt, "America/New_York");
  ASSERT_TRUE(set.ok()) << set.status();
  absl::StatusOr<PropertyView> view = service_.View("paris");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->property.display_name, "Hotel Paris Opera");
  EXPECT_EQ(view->property.time_zone, "America/New_York");
}

TEST_F(PropertyServiceTest, ANewPropertyIsInUtcAndListedWithoutNumbers) {
  ASSERT_TRUE(service_.SetProperty("lyon", "Lyon", std::nullopt).ok());
  ASSERT_TRUE(Add(Number("paris", "1001")).ok());
  absl::StatusOr<std::vector<PropertyView>> all = service_.ListProperties();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].property.property_id, "lyon");
  EXPECT_EQ((*all)[0].property.time_zone, "UTC");
  EXPECT_TRUE((*all)[0].numbers.empty());
  EXPECT_EQ((*all)[1].property.property_id, "paris");
  EXPECT_EQ((*all)[1].property.time_zone, "UTC");
  ASSERT_EQ((*all)[1].numbers.size(), 1u);
  // A property nobody set up is seen with the defaults.
  absl::StatusOr<PropertyView> unknown = service_.View("rome");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->property.property_id, "rome");
  EXPECT_EQ(unknown->property.time_zone, "UTC");
  EXPECT_TRUE(unknown->numbers.empty());
}

TEST_F(PropertyServiceTest, AddingANumberReleasesWhatMetaSentForIt) {
  storage::NotificationRepository notifications(t_.db());
  auto park = [&](const std::string& body, const std::string& key) {
    return t_.db().Transaction([&] { return notifications.InsertParked(body, absl::Now(), key); });
  };
  ASSERT_TRUE(park(R"({"number":1})", "1001").ok());
  ASSERT_TRUE(park(R"({"number":2})", "1001").ok());
  ASSERT_TRUE(park(R"({"account":1})", AccountRouteKey("5001")).ok());
  ASSERT_TRUE(park(R"({"other":1})", "9999").ok());
  auto pending = [&] {
    return storage::ReadValue(t_.db(), [&] { return notifications.Pending(10); });
  };
  ASSERT_TRUE(pending().ok());
  EXPECT_TRUE(pending()->empty());
  absl::StatusOr<std::vector<storage::ParkedCount>> unrouted = service_.Unrouted();
  ASSERT_TRUE(unrouted.ok()) << unrouted.status();
  ASSERT_EQ(unrouted->size(), 3u);
  EXPECT_EQ((*unrouted)[0].route_key, "1001");
  EXPECT_EQ((*unrouted)[0].count, 2);

  ASSERT_TRUE(Add(Number("paris", "1001", "5001")).ok());
  absl::StatusOr<std::vector<storage::NotificationRecord>> released = pending();
  ASSERT_TRUE(released.ok()) << released.status();
  ASSERT_EQ(released->size(), 3u);
  EXPECT_EQ((*released)[0].body, R"({"number":1})");
  EXPECT_EQ((*released)[2].body, R"({"account":1})");
  unrouted = service_.Unrouted();
  ASSERT_TRUE(unrouted.ok());
  ASSERT_EQ(unrouted->size(), 1u);
  EXPECT_EQ((*unrouted)[0].route_key, "9999");
}

TEST_F(PropertyServiceTest, SnapshotLookups) {
  ASSERT_TRUE(Add(Number("default", "1001", "5001")).ok());
  ASSERT_TRUE(Add(Number("paris", "2001", "5002")).ok());
  ASSERT_TRUE(Add(Number("paris", "2002", "5002")).ok());
  ASSERT_TRUE(Add(Number("lyon", "3001", "5002")).ok());

  std::optional<SenderNumber> found = service_.FindNumber("2002");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->property_id, "paris");
  EXPECT_EQ(found->waba_id, "5002");
  EXPECT_FALSE(found->is_default);
  EXPECT_FALSE(service_.FindNumber("4242").has_value());
  EXPECT_EQ(service_.DefaultNumber("paris")->phone_number_id, "2001");
  EXPECT_FALSE(service_.DefaultNumber("rome").has_value());
  std::vector<std::string> owners = service_.PropertiesOfAccount("5002");
  std::sort(owners.begin(), owners.end());
  EXPECT_EQ(owners, (std::vector<std::string>{"lyon", "paris"}));
  EXPECT_EQ(service_.PropertiesOfAccount("5001"), std::vector<std::string>{"default"});
  EXPECT_TRUE(service_.PropertiesOfAccount("5999").empty());
}

TEST_F(PropertyServiceTest, ChooseSenderKeepsToThePropertysOwnNumbers) {
  ASSERT_TRUE(Add(Number("default", "1001", "5001")).ok());
  ASSERT_TRUE(Add(Number("paris", "2001", "5002")).ok());
  ASSERT_TRUE(Add(Number("paris", "2002", "5002")).ok());
  auto chosen = [&](const std::string& requested, const std::string& preferred) {
    absl::StatusOr<std::optional<SenderNumber>> s =
        service_.ChooseSender("paris", requested, preferred);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() && s->has_value() ? (*s)->phone_number_id : "";
  };
  EXPECT_EQ(chosen("", ""), "2001");          // the default
  EXPECT_EQ(chosen("2002", ""), "2002");      // asked for
  EXPECT_EQ(chosen("", "2002"), "2002");      // the conversation's
  EXPECT_EQ(chosen("2002", "2001"), "2002");  // asked for beats the conversation's
  EXPECT_EQ(chosen("", "1001"), "2001");      // not paris's: the default instead
  for (const std::string& foreign : {std::string("1001"), std::string("4242")}) {
    absl::StatusOr<std::optional<SenderNumber>> refused =
        service_.ChooseSender("paris", foreign, "");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << foreign;
    EXPECT_EQ(DetailOf(refused.status()).code(), "PERMISSION_DENIED");
  }
  absl::StatusOr<std::optional<SenderNumber>> none = service_.ChooseSender("rome", "", "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// What the snapshot is for: within its period the send and callback paths
// read no database, so a change made elsewhere is not seen until Refresh().
TEST_F(PropertyServiceTest, TheSnapshotIsMemoryWithinItsPeriod) {
  PropertyService server(t_.db(), absl::Hours(1));
  EXPECT_FALSE(server.FindNumber("2001").has_value());
  ASSERT_TRUE(Add(Number("paris", "2001")).ok());  // through service_, as the command would
  EXPECT_FALSE(server.FindNumber("2001").has_value());
  ASSERT_TRUE(server.Refresh().ok());
  EXPECT_TRUE(server.FindNumber("2001").has_value());
}

// `wa-server properties` changes the database from another process: the
// snapshot follows within its period, without a restart.
TEST_F(PropertyServiceTest, TheSnapshotFollowsChangesMadeElsewhere) {
  PropertyService server(t_.db(), absl::Milliseconds(200));
  EXPECT_FALSE(server.DefaultNumber("paris").has_value());
  ASSERT_TRUE(Add(Number("paris", "2001")).ok());
  absl::SleepFor(absl::Milliseconds(250));
  ASSERT_TRUE(server.FindNumber("2001").has_value());
  EXPECT_EQ(server.DefaultNumber("paris")->phone_number_id, "2001");
  ASSERT_TRUE(service_.RemoveNumber("paris", "2001").ok());
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_FALSE(server.FindNumber("2001").has_value());
}

}  // namespace
}  // namespace wa::domain
