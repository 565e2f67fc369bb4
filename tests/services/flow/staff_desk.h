#pragma once

// The flow tests' staff: one signed-in connection per role (the identity service's demo
// staff on a secured OpdCluster), and the right one for each endpoint — the first role the
// protocol catalog allows there — so every request goes out as the member who would send it
// and the server's permissions apply. Unsecured, every role shares one plain connection.

#include "bus/connection.h"
#include "flow_support.h"
#include "protocol/enums.h"

#include <map>
#include <memory>

namespace openopd::testing {

class OpdCluster;

class StaffDesk
{
public:
    // Signs in the demo staff of each role (secured) or connects one client (unsecured).
    // False with errorString() when a sign-in fails.
    bool open(OpdCluster& cluster);

    // Secured: the admin creates the account (roles from who.role, display name who.name,
    // a random password) and it signs in; unsecured: the shared client. False on failure.
    bool addMember(OpdCluster& cluster, const protocol::StaffRef& who);
    // The connection of that staff member (a demo one or one added); the connection of
    // `subject`'s first role when there is none by that id.
    bus::Connection& member(const QString& staffId, QByteArrayView subject);
    // Everyone signed in on this desk.
    QStringList memberIds() const;

    bus::Connection& as(protocol::StaffRole role);
    // The connection of the first catalog role allowed on subject (the admin's for a subject
    // outside the catalog).
    bus::Connection& forSubject(QByteArrayView subject);
    // The demo staff member's id of each role ("reception", "dr.silva", ...).
    static QString demoId(protocol::StaffRole role);

    QString errorString() const { return m_error; }
    // True once open() has signed someone in.
    bool isOpen() const { return !m_connections.empty(); }

private:
    std::map<protocol::StaffRole, std::shared_ptr<bus::Connection>> m_connections;
    std::map<QString, std::shared_ptr<bus::Connection>> m_members; // by staff id
    bool m_secured = false;
    QString m_error;
};

namespace flow {

// call() through the desk: as the staff member whose role the endpoint is for.
template <class Req, class Rep>
bus::Result<Rep> call(StaffDesk& desk, const bus::Endpoint<Req, Rep>& endpoint,
                      const std::type_identity_t<Req>& request, int timeoutMs = 10000)
{
    return call(desk.forSubject(endpoint.subjectBytes()), endpoint, request, timeoutMs);
}

} // namespace flow
} // namespace openopd::testing
