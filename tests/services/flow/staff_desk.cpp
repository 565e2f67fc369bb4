#include "staff_desk.h"

#include "access/secret_hash.h"
#include "opd_cluster.h"
#include "protocol/catalog.h"

namespace openopd::testing {

using protocol::StaffRole;

namespace {

const QList<StaffRole> kDeskRoles{StaffRole::Reception, StaffRole::Doctor, StaffRole::Pharmacist,
                                  StaffRole::LabTechnician, StaffRole::Admin};

} // namespace

QString StaffDesk::demoId(StaffRole role)
{
    switch (role) {
    case StaffRole::Reception:
        return QStringLiteral("reception");
    case StaffRole::Doctor:
        return QStringLiteral("dr.silva");
    case StaffRole::Pharmacist:
        return QStringLiteral("pharma");
    case StaffRole::LabTechnician:
        return QStringLiteral("lab");
    case StaffRole::Admin:
        return QStringLiteral("admin");
    default:
        return {};
    }
}

bool StaffDesk::open(OpdCluster& cluster)
{
    m_secured = cluster.isSecured();
    if (!m_secured) {
        std::shared_ptr<bus::Connection> shared = cluster.connectClient(QStringLiteral("desk"));
        if (!shared) {
            m_error = QStringLiteral("cannot connect the desk's client");
            return false;
        }
        for (StaffRole role : kDeskRoles)
            m_connections[role] = shared;
        return true;
    }
    for (StaffRole role : kDeskRoles) {
        std::shared_ptr<bus::Connection> connection =
            cluster.signIn(demoId(role), OpdCluster::demoPassword());
        if (!connection) {
            m_error = cluster.errorString();
            return false;
        }
        m_connections[role] = connection;
        m_members[demoId(role)] = connection;
    }
    return true;
}

bool StaffDesk::addMember(OpdCluster& cluster, const protocol::StaffRef& who)
{
    if (!m_secured) {
        m_members[who.id] = m_connections.at(StaffRole::Admin);
        return true;
    }
    protocol::CreateStaffRequest request;
    request.id = who.id;
    request.displayName = who.name;
    request.roles = {who.role};
    request.password = QString::fromLatin1(access::randomSecret(18));
    // After a node was killed and restarted, the admin's connection may still be reconnecting:
    // a request now would fail at once ("not connected") instead of waiting for it.
    bus::Connection& admin = as(StaffRole::Admin);
    flow::poll([&admin] { return admin.state() == bus::Connection::State::Connected; }, 30000);
    auto created = flow::call(admin, protocol::kCreateStaff, request);
    if (!created) {
        m_error = QStringLiteral("creating %1: %2").arg(who.id, created.error().toString());
        return false;
    }
    std::shared_ptr<bus::Connection> connection = cluster.signIn(who.id, request.password);
    if (!connection) {
        m_error = cluster.errorString();
        return false;
    }
    m_members[who.id] = connection;
    return true;
}

bus::Connection& StaffDesk::member(const QString& staffId, QByteArrayView subject)
{
    auto it = m_members.find(staffId);
    return it != m_members.end() ? *it->second : forSubject(subject);
}

QStringList StaffDesk::memberIds() const
{
    QStringList ids;
    for (const auto& [id, connection] : m_members)
        ids.append(id);
    return ids;
}

bus::Connection& StaffDesk::as(StaffRole role)
{
    auto it = m_connections.find(role);
    return *(it != m_connections.end() ? it->second : m_connections.at(StaffRole::Admin));
}

bus::Connection& StaffDesk::forSubject(QByteArrayView subject)
{
    if (const protocol::EndpointInfo* info = protocol::findEndpoint(subject))
        for (StaffRole role : info->roles)
            if (auto it = m_connections.find(role); it != m_connections.end())
                return *it->second;
    return as(StaffRole::Admin);
}

} // namespace openopd::testing
