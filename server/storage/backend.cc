#include "server/storage/backend.h"

namespace wa::storage {
namespace {

thread_local Connection* current = nullptr;

}  // namespace

Connection* CurrentConnection() { return current; }

UseConnection::UseConnection(Connection* connection) : saved_(current) { current = connection; }

UseConnection::~UseConnection() { current = saved_; }

}  // namespace wa::storage
