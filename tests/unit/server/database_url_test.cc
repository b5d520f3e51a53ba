#include "server/storage/database_url.h"

#include "gtest/gtest.h"

namespace wa::storage {
namespace {

TEST(DatabaseUrl, SqliteUrlsNameAFile) {
  absl::StatusOr<DatabaseUrl> absolute = ParseDatabaseUrl("sqlite:///var/lib/wa/wa.db");
  ASSERT_TRUE(absolute.ok()) << absolute.status();
  EXPECT_EQ(absolute->engine, DatabaseUrl::Engine::kSqlite);
  EXPECT_EQ(absolute->sqlite_path, "/var/lib/wa/wa.db");
  absl::StatusOr<DatabaseUrl> relative = ParseDatabaseUrl("sqlite://data/wa.db");
  ASSERT_TRUE(relative.ok()) << relative.status();
  EXPECT_EQ(relative->sqlite_path, "data/wa.db");
}

TEST(DatabaseUrl, TheDefaultIsTheDataDirectorysFile) {
  EXPECT_EQ(DefaultDatabaseUrl("./data"), "sqlite://./data/wa.db");
  absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl(DefaultDatabaseUrl("/srv/wa"));
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->sqlite_path, "/srv/wa/wa.db");
}

TEST(DatabaseUrl, PostgresUrlsGoToLibpqAsTheyAre) {
  for (const char* text : {"postgresql://wa@db.internal:5433/wa?sslmode=require",
                           "postgres://wa:secret@127.0.0.1/wa", "postgresql:///wa"}) {
    absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl(text);
    ASSERT_TRUE(url.ok()) << text << ": " << url.status();
    EXPECT_EQ(url->engine, DatabaseUrl::Engine::kPostgres);
    EXPECT_EQ(url->postgres_uri, text);
  }
}

TEST(DatabaseUrl, BadUrlsAreRefusedInOneLineWithoutTheirSecrets) {
  for (const char* text :
       {"", "wa.db", "mysql://root@localhost/wa", "sqlite://", "sqlite:///var/lib/wa/",
        "postgresql://wa:hunter2@[::1/wa", "postgresql://wa:hunter2@host/wa?bogus=1"}) {
    absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.status().code(), absl::StatusCode::kInvalidArgument) << text;
    std::string message(url.status().message());
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace wa::storage
