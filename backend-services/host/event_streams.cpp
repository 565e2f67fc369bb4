#include "host/event_streams.h"

#include "bus/jetstream.h"

#include <QJsonArray>

namespace openopd::host {
namespace {

constexpr qint64 kNsPerSecond = 1000LL * 1000 * 1000;

QJsonObject baseConfig(const QString& name, const QString& subjects, const StreamSizing& sizing)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("subjects"), QJsonArray{subjects}},
            {QStringLiteral("storage"), QStringLiteral("file")},
            {QStringLiteral("retention"), QStringLiteral("limits")},
            {QStringLiteral("discard"), QStringLiteral("new")},
            {QStringLiteral("num_replicas"), sizing.replicas},
            {QStringLiteral("max_bytes"), sizing.maxBytes},
            {QStringLiteral("max_msgs"), -1},
            {QStringLiteral("max_msg_size"), 1024 * 1024},
            {QStringLiteral("max_age"), qint64{sizing.maxAgeDays} * 86400 * kNsPerSecond},
            {QStringLiteral("duplicate_window"),
             qint64{sizing.duplicateWindowMinutes} * 60 * kNsPerSecond}};
}

} // namespace

QJsonObject eventsStreamConfig(const StreamSizing& sizing)
{
    QJsonObject config = baseConfig(QString::fromLatin1(kEventsStream),
                                    QString::fromLatin1(kEventsSubjects), sizing);
    config.insert(QStringLiteral("description"),
                  QStringLiteral("OpenOPD clinical events (visits, patients, stock)"));
    return config;
}

QJsonObject deadLetterStreamConfig(const StreamSizing& sizing)
{
    QJsonObject config = baseConfig(QString::fromLatin1(kDeadLetterStream),
                                    QString::fromLatin1(kDeadLetterPrefix) + u'>', sizing);
    config.insert(QStringLiteral("description"),
                  QStringLiteral("OpenOPD events that a consumer could not process"));
    return config;
}

void ensureOpdStreams(bus::Connection& connection, const StreamSizing& sizing, QObject* context,
                      std::function<void(const bus::BusError&)> done)
{
    bus::Connection* bus = &connection;
    bus::ensureStream(connection, eventsStreamConfig(sizing), context,
                      [bus, sizing, context, done](bus::Result<QJsonObject> events) {
                          if (!events) {
                              done(events.error());
                              return;
                          }
                          bus::ensureStream(
                              *bus, deadLetterStreamConfig(sizing), context,
                              [done](bus::Result<QJsonObject> dlq) { done(dlq.error()); });
                      });
}

} // namespace openopd::host
