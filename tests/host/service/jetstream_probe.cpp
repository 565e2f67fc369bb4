#include "jetstream_probe.h"

#include "bus/jetstream.h"
#include "bus/typed.h"

#include <QDebug>
#include <QJsonDocument>
#include <QTest>
#include <optional>

namespace openopd::testing {

QJsonObject jetStreamQuery(bus::Connection& bus, const QByteArray& suffix, const QJsonObject& body)
{
    std::optional<bus::Result<QJsonObject>> reply;
    QObject context;
    bus::jetStreamApi(bus, suffix, body, &context,
                      [&reply](bus::Result<QJsonObject> r) { reply = std::move(r); });
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, 10000) || !reply->ok()) {
        qWarning() << "JetStream query" << suffix << "failed"
                   << (reply ? reply->error().toString() : QStringLiteral("no reply"));
        return {};
    }
    return reply->value();
}

qint64 streamCount(bus::Connection& bus, const QString& stream, const QString& subject)
{
    const QJsonObject info = jetStreamQuery(bus, "STREAM.INFO." + stream.toUtf8(),
                                            {{QStringLiteral("subjects_filter"), subject}});
    if (info.isEmpty())
        return -1;
    const QJsonObject subjects =
        info.value(QStringLiteral("state")).toObject().value(QStringLiteral("subjects")).toObject();
    qint64 total = 0;
    for (auto it = subjects.begin(); it != subjects.end(); ++it)
        total += it.value().toInteger();
    return total;
}

StoredMessage lastMessage(bus::Connection& bus, const QString& stream, const QString& subject)
{
    const QJsonObject reply = jetStreamQuery(bus, "STREAM.MSG.GET." + stream.toUtf8(),
                                             {{QStringLiteral("last_by_subj"), subject}});
    const QJsonObject message = reply.value(QStringLiteral("message")).toObject();
    return {QByteArray::fromBase64(message.value(QStringLiteral("hdrs")).toString().toLatin1()),
            QByteArray::fromBase64(message.value(QStringLiteral("data")).toString().toLatin1())};
}

QJsonObject callJson(bus::Connection& bus, const QByteArray& subject, const QJsonObject& body,
                     int timeoutMs)
{
    const bus::Endpoint<QJsonObject, QJsonObject> endpoint{subject.constData()};
    std::optional<bus::Result<QJsonObject>> reply;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    bus::request(
        bus, endpoint, body, &context,
        [&reply](bus::Result<QJsonObject> r) { reply = std::move(r); }, options);
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, timeoutMs + 2000)) {
        qWarning().noquote() << "callJson" << subject << ": no answer";
        return {};
    }
    if (!reply->ok()) {
        qWarning().noquote() << "callJson" << subject << ":" << reply->error().toString();
        return {};
    }
    return reply->value();
}

} // namespace openopd::testing
