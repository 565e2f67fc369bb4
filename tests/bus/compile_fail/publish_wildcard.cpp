// Compiled by ctest, never built (tests/bus/CMakeLists.txt). With OPENOPD_PUBLISH_WILDCARD
// it must not compile: a typed publish to an event whose subject has a wildcard. Without it,
// the same file must compile: the control that proves the check, not the harness, fails.

#include "bus/typed.h"

namespace {

struct Payload
{
    QJsonObject toJson() const { return {}; }
    static openopd::bus::Result<Payload> fromJson(const QJsonObject&) { return Payload{}; }
};

constexpr openopd::bus::Event<Payload> kOne{"opd.events.one"};
constexpr openopd::bus::Event<Payload> kAll{"opd.events.>"};

} // namespace

openopd::bus::BusError publishOne(openopd::bus::Connection& connection)
{
#ifdef OPENOPD_PUBLISH_WILDCARD
    return openopd::bus::publish(connection, kAll, Payload{});
#else
    static_assert(openopd::bus::detail::hasWildcard(kAll.subject));
    return openopd::bus::publish(connection, kOne, Payload{});
#endif
}
