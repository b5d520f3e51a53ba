#include "server/tokens_command.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "server/domain/rfc3339.h"
#include "server/domain/token_service.h"
#include "server/storage/data_dir.h"

namespace wa {

namespace v1 = ::hotel::whatsapp::v1;

namespace {

int Fail(const std::string& reason) {
  std::fprintf(stderr, "wa-server tokens: %s\n", reason.c_str());
  return 2;
}

const char* RoleName(v1::Role role) { return role == v1::ROLE_ADMIN ? "admin" : "staff"; }

}  // namespace

int RunTokensCommand(const std::vector<std::string>& args, const TokensOptions& options) {
  if (args.empty()) return Fail("expected create, list or revoke");
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::OpenDataDir(options.data_dir, options.database_url);
  if (!db.ok()) return Fail(std::string(db.status().message()));
  domain::TokenService tokens(**db);
  const std::string& verb = args[0];
  if (verb == "create" && args.size() == 1) {
    std::string role_name = absl::AsciiStrToLower(options.role);
    v1::Role role = role_name == "admin"   ? v1::ROLE_ADMIN
                    : role_name == "staff" ? v1::ROLE_STAFF
                                           : v1::ROLE_UNSPECIFIED;
    if (role == v1::ROLE_UNSPECIFIED) return Fail("--role must be admin or staff");
    absl::StatusOr<domain::IssuedToken> issued =
        tokens.Create(options.name, role, options.property);
    if (!issued.ok()) return Fail(std::string(issued.status().message()));
    std::printf("%s\n", issued->secret.c_str());
    return 0;
  }
  if (verb == "list" && args.size() == 1) {
    absl::StatusOr<std::vector<storage::TokenRecord>> list = tokens.List("");
    if (!list.ok()) return Fail(std::string(list.status().message()));
    std::printf("%-28s %-6s %-16s %-22s %-8s %s\n", "TOKEN_ID", "ROLE", "PROPERTY", "CREATED",
                "STATE", "NAME");
    for (const storage::TokenRecord& t : *list) {
      std::printf("%-28s %-6s %-16s %-22s %-8s %s\n", t.token_id.c_str(), RoleName(t.role),
                  t.property_id.c_str(), domain::Rfc3339(t.created_at).c_str(),
                  t.revoked_at ? "revoked" : "active", t.name.c_str());
    }
    return 0;
  }
  if (verb == "revoke" && args.size() == 2) {
    absl::StatusOr<storage::TokenRecord> revoked = tokens.Revoke(args[1], "");
    if (!revoked.ok()) return Fail(std::string(revoked.status().message()));
    std::printf("revoked %s\n", revoked->token_id.c_str());
    return 0;
  }
  return Fail(
      "usage: tokens create --role=admin|staff --name=NAME [--property=ID] | "
      "tokens list | tokens revoke TOKEN_ID");
}

}  // namespace wa
