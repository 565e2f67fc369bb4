#include "host/request_log.h"

#include "host/sql_dialect.h"
#include "protocol/catalog.h"
#include "protocol/endpoints.h"

#include <QDebug>
#include <QJsonDocument>
#include <QJsonObject>

namespace openopd::host {

namespace {

// Identity's state changes carry no "staff" (the actor is the verified session); sign-in
// needs no request id (a repeat is just another sign-in).
bool isIdentityCommand(QByteArrayView subject)
{
    using namespace protocol;
    const char* const commands[] = {kRenewSession.subject,       kSignOut.subject,
                                    kChangePassword.subject,     kCreateStaff.subject,
                                    kDisableStaff.subject,       kEnableStaff.subject,
                                    kResetStaffPassword.subject, kSetStaffRoles.subject};
    for (const char* command : commands)
        if (QByteArrayView(command) == subject)
            return true;
    return false;
}

} // namespace

bool RequestLog::isCommand(QByteArrayView subject) const
{
    if (m_extraCommands.contains(subject.toByteArray()))
        return true;
    const protocol::EndpointInfo* info = protocol::findEndpoint(subject);
    return info && (info->requestCarriesStaff || isIdentityCommand(subject));
}

bool RequestLog::find(const QByteArray& subject, const QByteArray& requestId,
                      std::optional<StoredAnswer>* found, QString* error)
{
    found->reset();
    auto query = m_db.run(QStringLiteral("SELECT staff_id, code, reply FROM request_log"
                                         " WHERE subject = ? AND request_id = ?"),
                          {QString::fromUtf8(subject), QString::fromLatin1(requestId)}, error);
    if (!query)
        return false;
    if (query->next()) {
        StoredAnswer answer;
        answer.staffId = query->value(0).toString();
        answer.answered = !query->value(1).isNull();
        answer.code = query->value(1).toInt();
        answer.body = query->value(2).toByteArray();
        *found = std::move(answer);
    }
    return true;
}

std::shared_ptr<CommandState> RequestLog::enter(QByteArray subject, QByteArray requestId,
                                                QString staffId)
{
    m_current = std::make_shared<CommandState>();
    m_current->subject = std::move(subject);
    m_current->requestId = std::move(requestId);
    m_current->staffId = std::move(staffId);
    return m_current;
}

Database::Step RequestLog::savepoint(const Database::Work& work, QString* error)
{
    const std::shared_ptr<CommandState> state = m_current;
    if (state && state->takenElsewhere) { // done by another instance: never act twice
        *error = QStringLiteral("the request id was claimed meanwhile");
        return Database::Step::Undone;
    }
    const bool claim = state && m_db.inGroup() && state->claimedInGroup != m_db.groupSerial();
    const Database::Step step = m_db.savepoint(
        [&](QSqlDatabase& sql, QString* stepError) {
            if (claim) {
                // PostgreSQL: if another instance holds the same id uncommitted, this waits
                // for its transaction; DO NOTHING then means it committed.
                auto inserted = m_db.run(
                    QStringLiteral("INSERT INTO request_log (subject, request_id, staff_id,"
                                   " created_at) VALUES (?, ?, ?, ?)"
                                   " ON CONFLICT (subject, request_id) DO NOTHING"
                                   " RETURNING request_id"),
                    {QString::fromUtf8(state->subject), QString::fromLatin1(state->requestId),
                     state->staffId.isNull() ? QStringLiteral("") : state->staffId,
                     SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc())},
                    stepError);
                if (!inserted)
                    return false;
                if (!inserted->next()) {
                    state->takenElsewhere = true;
                    if (!find(state->subject, state->requestId, &state->earlier, stepError))
                        return false;
                    qInfo().noquote() << "request id" << QString::fromLatin1(state->requestId)
                                      << "was claimed by another instance meanwhile:"
                                         " answering with its answer";
                    *stepError = QStringLiteral("the request id was claimed meanwhile");
                    return false;
                }
            }
            return work(sql, stepError);
        },
        error);
    if (claim && step == Database::Step::Kept)
        state->claimedInGroup = m_db.groupSerial();
    return step;
}

void RequestLog::answered(CommandState& state, int code, const QByteArray& body)
{
    if (state.claimedInGroup == 0 || !m_db.inGroup() || state.claimedInGroup != m_db.groupSerial())
        return;
    QString error;
    const Database::Step step = m_db.savepoint(
        [&](QSqlDatabase&, QString* stepError) {
            return m_db
                .run(QStringLiteral("UPDATE request_log SET code = ?, reply = ?"
                                    " WHERE subject = ? AND request_id = ?"),
                     {code, body, QString::fromUtf8(state.subject),
                      QString::fromLatin1(state.requestId)},
                     stepError)
                .has_value();
        },
        &error);
    // Not fatal: a repeat then hears "being processed" and the client reads instead.
    if (step != Database::Step::Kept)
        qWarning().noquote() << "cannot store the answer to request id"
                             << QString::fromLatin1(state.requestId) << ":" << error;
}

int RequestLog::sweep(const QDateTime& cutoff, int batch, QString* error)
{
    auto query =
        m_db.run(QStringLiteral("DELETE FROM request_log WHERE (subject, request_id) IN"
                                " (SELECT subject, request_id FROM request_log WHERE created_at < ?"
                                " LIMIT ?) RETURNING 1"),
                 {SqlDialect::utcTimestamp(cutoff), batch}, error);
    if (!query)
        return -1;
    int deleted = 0;
    while (query->next())
        ++deleted;
    return deleted;
}

bus::Headers RequestLog::headersOf(int code, const QByteArray& body)
{
    if (code == 0)
        return {};
    const QString text =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toString();
    return {{bus::kServiceErrorHeader, text.section(u'\n', 0, 0).toUtf8()},
            {bus::kServiceErrorCodeHeader, QByteArray::number(code)}};
}

QByteArray RequestLog::errorBody(int code, const QString& message, const QString& field)
{
    QJsonObject body{{QStringLiteral("code"), code}, {QStringLiteral("error"), message}};
    if (!field.isEmpty())
        body.insert(QStringLiteral("field"), field);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace openopd::host
