#include "flow_support.h"

#include "service/jetstream_probe.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

namespace openopd::testing::flow {

bool poll(const std::function<bool()>& check, int timeoutMs, int intervalMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (check())
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(intervalMs);
    }
}

QList<QJsonObject> gather(bus::Connection& connection, const QByteArray& subject, int waitMs,
                          QList<QByteArray>* raw)
{
    QList<QJsonObject> replies;
    const QByteArray inbox = connection.newInbox();
    QObject owner;
    connection.subscribe(inbox, &owner, [&replies, raw](const bus::Message& m) {
        if (m.status != 0) // the server's "no responders" status
            return;
        replies.append(QJsonDocument::fromJson(m.data).object());
        if (raw)
            raw->append(m.data);
    });
    QTest::qWait(50); // the subscription reaches the server before the request
    connection.publish(subject, {}, {}, inbox);
    QTest::qWait(waitMs);
    return replies;
}

qint64 streamMessages(bus::Connection& connection, const QString& stream)
{
    const QJsonObject info = jetStreamQuery(connection, "STREAM.INFO." + stream.toUtf8());
    if (info.isEmpty())
        return -1;
    return info.value(QStringLiteral("state"))
        .toObject()
        .value(QStringLiteral("messages"))
        .toInteger(-1);
}

qint64 auditedEvents(bus::Connection& connection)
{
    const qint64 all = streamMessages(connection);
    if (all < 0)
        return -1;
    qint64 lists = 0;
    const QHash<QString, qint64> counts =
        subjectCounts(connection, QStringLiteral("opd.events.list.>"));
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        lists += it.value();
    return all - lists;
}

QHash<QString, qint64> subjectCounts(bus::Connection& connection, const QString& filter)
{
    const QJsonObject info =
        jetStreamQuery(connection, QByteArray("STREAM.INFO.") + protocol::kEventStream,
                       {{QStringLiteral("subjects_filter"), filter}});
    QHash<QString, qint64> counts;
    const QJsonObject subjects =
        info.value(QStringLiteral("state")).toObject().value(QStringLiteral("subjects")).toObject();
    for (auto it = subjects.begin(); it != subjects.end(); ++it)
        counts.insert(it.key(), it.value().toInteger());
    return counts;
}

qint64 unsettledEvents(bus::Connection& connection, int* consumers)
{
    const QJsonObject list =
        jetStreamQuery(connection, QByteArray("CONSUMER.LIST.") + protocol::kEventStream);
    if (list.isEmpty())
        return -1;
    const QJsonArray infos = list.value(QStringLiteral("consumers")).toArray();
    if (consumers)
        *consumers = static_cast<int>(infos.size());
    qint64 total = 0;
    for (const QJsonValue& value : infos) {
        const QJsonObject info = value.toObject();
        total += info.value(QStringLiteral("num_pending")).toInteger() +
                 info.value(QStringLiteral("num_ack_pending")).toInteger();
    }
    return total;
}

bool waitForQuiet(bus::Connection& connection, int timeoutMs, int settleMs)
{
    QDeadlineTimer deadline(timeoutMs);
    qint64 lastCount = -2;
    QElapsedTimer stable;
    stable.start();
    while (!deadline.hasExpired()) {
        const qint64 count = streamMessages(connection);
        const qint64 unsettled = unsettledEvents(connection);
        if (count != lastCount || unsettled != 0) {
            lastCount = count;
            stable.restart();
        } else if (stable.elapsed() >= settleMs) {
            return true;
        }
        QTest::qWait(100);
    }
    return false;
}

protocol::StaffRef reception(int n)
{
    // Reception desk 1 is the identity service's demo receptionist.
    return {n == 1 ? QStringLiteral("reception") : QStringLiteral("reception%1").arg(n),
            QStringLiteral("Grace Mensah"), protocol::StaffRole::Reception};
}

protocol::StaffRef doctor(const QString& id)
{
    return {id, QStringLiteral("Dr Ana Silva"), protocol::StaffRole::Doctor};
}

protocol::StaffRef pharmacist()
{
    return {QStringLiteral("pharma"), QStringLiteral("Chidi Okafor"),
            protocol::StaffRole::Pharmacist};
}

protocol::StaffRef labTechnician()
{
    return {QStringLiteral("lab"), QStringLiteral("Mei Tan"), protocol::StaffRole::LabTechnician};
}

protocol::PatientDetails patientDetails(const QString& fullName, QDate dateOfBirth,
                                        const QString& nationalId, protocol::Sex sex)
{
    protocol::PatientDetails details;
    details.fullName = fullName;
    details.dateOfBirth = dateOfBirth;
    details.sex = sex;
    details.nationalId = nationalId;
    details.phone = QStringLiteral("+27 82 555 0142");
    details.address = QStringLiteral("14 Jacaranda Street, Pretoria");
    return details;
}

QDate clinicToday()
{
    return QDate::currentDate();
}

QString describe(const bus::BusError& error)
{
    return error.toString();
}

} // namespace openopd::testing::flow
