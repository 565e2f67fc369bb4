#include "host/reply_gate.h"

#include "host/incident.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace openopd::host {

bus::RawReplier::Sender ReplyGate::sender()
{
    return [this](bus::Connection& connection, const QByteArray& subject, const QByteArray& data,
                  const bus::Headers& headers, int errorCode) {
        if (m_holding && m_holding())
            m_held.push_back({&connection, subject, data, headers, errorCode});
        else
            connection.publish(subject, data, headers);
    };
}

void ReplyGate::release(bool committed, const QString& error, bool outcomeUnknown)
{
    std::vector<Held> held;
    held.swap(m_held);
    // The reason (SQL, driver text) stays in the log; the answers name the incident.
    QString incidentId;
    if (!committed && !held.empty())
        incidentId = logIncident(error);
    for (const Held& answer : held) {
        if (!answer.connection)
            continue;
        if (committed || answer.errorCode != 0) {
            answer.connection->publish(answer.subject, answer.data, answer.headers);
            continue;
        }
        const QString message =
            (outcomeUnknown
                 ? QCoreApplication::translate(
                       "openopd::host::ReplyGate",
                       "The database connection was lost while saving (incident %1): it may have "
                       "been saved. Repeat with the same request id, or read, to find out.")
                 : QCoreApplication::translate("openopd::host::ReplyGate",
                                               "The change could not be stored (incident %1). "
                                               "Nothing was saved; try again."))
                .arg(incidentId);
        QJsonObject body{{QStringLiteral("code"), 503}, {QStringLiteral("error"), message}};
        if (outcomeUnknown)
            body.insert(QStringLiteral("outcome"), QStringLiteral("unknown"));
        answer.connection->publish(
            answer.subject, QJsonDocument(body).toJson(QJsonDocument::Compact),
            {{bus::kServiceErrorHeader, message.section(u'\n', 0, 0).toUtf8()},
             {bus::kServiceErrorCodeHeader, QByteArrayLiteral("503")}});
    }
}

} // namespace openopd::host
