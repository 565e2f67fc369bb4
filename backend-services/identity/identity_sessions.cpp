// The live-session list of IdentityService: the list openopd-nats-auth reads, the sweep that
// ends expired sessions (and prunes old rows), and the change notice on
// opd.identity.internal.changed.

#include "host/incident.h"
#include "identity/identity_service.h"
#include "identity/identity_service_internal.h"
#include "protocol/errors.h"

#include <QDebug>

namespace openopd::identity {

namespace errors = protocol::errors;

namespace {

constexpr auto kFailurePruneAge = std::chrono::hours(24);
constexpr auto kEndedSessionPruneAge = std::chrono::hours(24 * 30);
constexpr int kPruneEveryTicks = 720; // about an hour at the default sweep interval

} // namespace

void IdentityService::announceChange()
{
    if (m_announcePending)
        return;
    m_announcePending = true;
    // Queued behind the host's end of the group of changes (posted when the group opened).
    QTimer::singleShot(0, &m_sweepTimer, [this] {
        m_announcePending = false;
        const bus::BusError error =
            m_host.bus().publish(QByteArray(protocol::kIdentityChangedSubject), QByteArray());
        if (error.isError())
            qWarning().noquote() << "cannot announce a change of the session list:"
                                 << error.toString();
    });
}

void IdentityService::natsUsers(bus::Replier<protocol::NatsUsersReply> replier)
{
    protocol::NatsUsersReply reply;
    QString error;
    host::Database& db = m_host.database();
    if (!store::listVersion(db, &reply.version, &error) ||
        !store::liveNatsUsers(db, protocol::nowUtc(), &reply.users, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    replier.reply(reply);
}

void IdentityService::sweep()
{
    host::Database& db = m_host.database();
    const QDateTime now = protocol::nowUtc();
    QString error;
    bool found = false;
    const bool prune = ++m_sweepTicks % kPruneEveryTicks == 1;
    if (!store::hasExpiredSessions(db, now, &found, &error)) {
        qWarning().noquote() << "cannot look for expired sessions:" << error;
        return;
    }
    if (!found && !prune)
        return;
    QList<store::SessionRow> ended;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            ended.clear();
            if (prune &&
                (!store::pruneFailures(
                     db, now.addSecs(-std::chrono::seconds(kFailurePruneAge).count()), workError) ||
                 !store::pruneEndedSessions(
                     db, now.addSecs(-std::chrono::seconds(kEndedSessionPruneAge).count()),
                     workError)))
                return false;
            if (!store::endExpiredSessions(db, now, &ended, workError))
                return false;
            for (const store::SessionRow& session : std::as_const(ended))
                if (!enqueueStaffEvent(db, protocol::kStaffSignedOut,
                                       aboutSession(session, QStringLiteral("expired")),
                                       systemActor(), workError))
                    return false;
            return ended.isEmpty() || store::bumpListVersion(db, workError);
        },
        &error);
    if (!committed) {
        qWarning().noquote() << "cannot end expired sessions:" << error;
        return;
    }
    if (!ended.isEmpty()) {
        qInfo().noquote() << ended.size() << "expired session(s) ended";
        announceChange();
    }
}

} // namespace openopd::identity
